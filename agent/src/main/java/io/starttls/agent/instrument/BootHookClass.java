package io.starttls.agent.instrument;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.Socket;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The class that holds the hook when {@code java.net.Socket} is changed by retransformation, which
 * may add no field and no method to it: {@code java.net.StarttlsAgentHook}, defined in the boot
 * loader's {@code java.net} (so the JDK's own classes, and every class loader, reach it), with what
 * the rewrite of a freshly loaded Socket adds as members of Socket itself:
 * <pre>
 *   private static final BiFunction hook;              // see below
 *   public static Object wrap(Socket s, Object value)  // hook == null ? value : hook.apply(s, value)
 *   public static void setSoTimeoutUnlocked(Socket s, int millis)
 *   public static int getSoTimeoutUnlocked(Socket s)
 *   public static String originalHostName(InetAddress a)
 * </pre>
 * The hook is a {@code static final} field, so that no reflection can switch the guard off (the
 * agent had to open {@code java.net} to the class path's module to define this class). Its
 * initialiser takes the hook from the initialising thread's context class loader, which the
 * installer sets to a {@link HookHandOver} for that moment: nothing global ever holds the hook
 * on its way in.
 * The timeout accessors go to the socket's implementation where Socket's own methods are
 * {@code synchronized} (JDK 8-17; see {@link SocketPatcher} for why the agent must not take that
 * monitor); on newer JDKs they are not, and are called as they are.
 */
final class BootHookClass {
    static final String NAME = "java/net/StarttlsAgentHook";
    static final String WRAP = "wrap";
    static final String WRAP_DESC = SocketPatcher.WRAP_DESC;
    static final String SET_TIMEOUT = "setSoTimeoutUnlocked";
    static final String GET_TIMEOUT = "getSoTimeoutUnlocked";
    static final String ORIGINAL_NAME = "originalHostName";
    private static final String HOOK = "hook";
    private static final String BIFUNCTION = "Ljava/util/function/BiFunction;";
    private static final int SO_TIMEOUT = 0x1006; // java.net.SocketOptions.SO_TIMEOUT

    private BootHookClass() {
    }

    static byte[] bytes() {
        boolean throughImpl = timeoutsTakeTheMonitor();
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // no merge here needs more than that
            }
        };
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                NAME, null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, HOOK, BIFUNCTION, null, null)
                .visitEnd();

        // static { Object l = Thread.currentThread().getContextClassLoader();
        //          hook = l instanceof BiFunction ? (BiFunction) l : null; }
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        Label notHandedOver = new Label();
        Label set = new Label();
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Thread", "currentThread", "()Ljava/lang/Thread;", false);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Thread", "getContextClassLoader",
                "()Ljava/lang/ClassLoader;", false);
        mv.visitInsn(Opcodes.DUP);
        mv.visitTypeInsn(Opcodes.INSTANCEOF, "java/util/function/BiFunction");
        mv.visitJumpInsn(Opcodes.IFEQ, notHandedOver);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/util/function/BiFunction");
        mv.visitJumpInsn(Opcodes.GOTO, set);
        mv.visitLabel(notHandedOver);
        mv.visitInsn(Opcodes.POP);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/util/function/BiFunction");
        mv.visitLabel(set);
        mv.visitFieldInsn(Opcodes.PUTSTATIC, NAME, HOOK, BIFUNCTION);
        mv.visitInsn(Opcodes.RETURN);
        end(mv);

        mv = method(cw, WRAP, WRAP_DESC);
        Label none = new Label();
        mv.visitFieldInsn(Opcodes.GETSTATIC, NAME, HOOK, BIFUNCTION);
        mv.visitInsn(Opcodes.DUP);
        mv.visitJumpInsn(Opcodes.IFNULL, none);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/util/function/BiFunction", "apply",
                "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", true);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(none);
        mv.visitInsn(Opcodes.POP);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitInsn(Opcodes.ARETURN);
        end(mv);

        mv = method(cw, SET_TIMEOUT, "(Ljava/net/Socket;I)V");
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        if (throughImpl) {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/Socket", "getImpl", "()Ljava/net/SocketImpl;", false);
            mv.visitLdcInsn(SO_TIMEOUT);
            mv.visitVarInsn(Opcodes.ILOAD, 1);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/SocketImpl", "setOption", "(ILjava/lang/Object;)V",
                    false);
        } else {
            mv.visitVarInsn(Opcodes.ILOAD, 1);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/Socket", "setSoTimeout", "(I)V", false);
        }
        mv.visitInsn(Opcodes.RETURN);
        end(mv);

        mv = method(cw, GET_TIMEOUT, "(Ljava/net/Socket;)I");
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        if (throughImpl) {
            Label notInteger = new Label();
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/Socket", "getImpl", "()Ljava/net/SocketImpl;", false);
            mv.visitLdcInsn(SO_TIMEOUT);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/SocketImpl", "getOption", "(I)Ljava/lang/Object;",
                    false);
            mv.visitInsn(Opcodes.DUP);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, "java/lang/Integer");
            mv.visitJumpInsn(Opcodes.IFEQ, notInteger);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Integer");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Integer", "intValue", "()I", false);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitLabel(notInteger);
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.ICONST_0);
        } else {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/Socket", "getSoTimeout", "()I", false);
        }
        mv.visitInsn(Opcodes.IRETURN);
        end(mv);

        mv = method(cw, ORIGINAL_NAME, "(Ljava/net/InetAddress;)Ljava/lang/String;");
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/InetAddress", "holder",
                "()Ljava/net/InetAddress$InetAddressHolder;", false);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/InetAddress$InetAddressHolder", "getOriginalHostName",
                "()Ljava/lang/String;", false);
        mv.visitInsn(Opcodes.ARETURN);
        end(mv);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** JDK 8-17: Socket's timeout methods are synchronized, and its getImpl() is package-private. */
    private static boolean timeoutsTakeTheMonitor() {
        try {
            Method set = Socket.class.getMethod("setSoTimeout", int.class);
            if (!Modifier.isSynchronized(set.getModifiers())) {
                return false;
            }
            Method impl = Socket.class.getDeclaredMethod("getImpl");
            return !Modifier.isPrivate(impl.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static MethodVisitor method(ClassWriter cw, String name, String desc) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, desc, null, null);
        mv.visitCode();
        return mv;
    }

    private static void end(MethodVisitor mv) {
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
