package io.starttls.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites {@code java.net.Socket} as it is first loaded, with plain ASM (Byte Buddy's start-up cost
 * is ten times the whole budget). It adds
 * <ul>
 *   <li>a static hook field, of a {@code java.base} type ({@link java.util.function.BiFunction}) so
 *       that nothing has to be appended to the boot class path (which disables class-data sharing
 *       for other loaders and prints a warning);</li>
 *   <li>an instance field where a mail socket keeps its guard;</li>
 *   <li>a static method that calls the hook when one is set;</li>
 * </ul>
 * and routes the results of {@code getInputStream()} and {@code getOutputStream()}, and the start
 * of {@code close()}, through that method. The inserted code has no branch of its own, so the
 * method's stack map frames stay valid and no class is loaded to compute new ones (loading classes
 * while {@code Socket} itself loads is what gives a ClassCircularityError).
 */
public final class SocketTransformer implements ClassFileTransformer {
    public static final String SOCKET = "java/net/Socket";
    public static final String HOOK_FIELD = "starttlsAgent$hook";
    public static final String GUARD_FIELD = "starttlsAgent$guard";
    static final String WRAP_METHOD = "starttlsAgent$wrap";
    private static final String BIFUNCTION = "java/util/function/BiFunction";
    static final String WRAP_DESC = "(Ljava/net/Socket;Ljava/lang/Object;)Ljava/lang/Object;";

    private volatile boolean transformed;
    private volatile Throwable failure;

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classfile) {
        if (loader != null || !SOCKET.equals(className) || redefined != null) {
            return null;
        }
        try {
            byte[] out = rewrite(classfile);
            transformed = true;
            return out;
        } catch (Throwable t) {
            // The JVM would swallow this and load Socket unguarded; keep it for the installer to report.
            failure = t;
            return null;
        }
    }

    /** True once {@code java.net.Socket} was loaded through this transformer. */
    public boolean transformed() {
        return transformed;
    }

    /** Why the rewrite failed, or null. */
    public Throwable failure() {
        return failure;
    }

    static byte[] rewrite(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new SocketVisitor(writer), 0);
        return writer.toByteArray();
    }

    private static final class SocketVisitor extends ClassVisitor {
        SocketVisitor(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
            if (name.equals("getInputStream") && desc.equals("()Ljava/io/InputStream;")) {
                return new WrapReturn(mv, "java/io/InputStream");
            }
            if (name.equals("getOutputStream") && desc.equals("()Ljava/io/OutputStream;")) {
                return new WrapReturn(mv, "java/io/OutputStream");
            }
            if (name.equals("close") && desc.equals("()V")) {
                return new AnnounceClose(mv);
            }
            return mv;
        }

        @Override
        public void visitEnd() {
            int hidden = Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC;
            cv.visitField(hidden | Opcodes.ACC_STATIC | Opcodes.ACC_VOLATILE, HOOK_FIELD, "L" + BIFUNCTION + ";",
                    null, null).visitEnd();
            cv.visitField(hidden | Opcodes.ACC_TRANSIENT | Opcodes.ACC_VOLATILE, GUARD_FIELD, "Ljava/lang/Object;",
                    null, null).visitEnd();
            writeWrapMethod();
            super.visitEnd();
        }

        /** {@code static Object wrap(Socket s, Object v) { BiFunction h = HOOK; return h == null ? v : h.apply(s, v); }} */
        private void writeWrapMethod() {
            // Public: the library advice (JavaMail, Commons Net) reaches the hook through it, from any
            // class loader, without the agent's classes having to be visible there.
            MethodVisitor mv = cv.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                    WRAP_METHOD, WRAP_DESC, null, null);
            mv.visitCode();
            org.objectweb.asm.Label noHook = new org.objectweb.asm.Label();
            mv.visitFieldInsn(Opcodes.GETSTATIC, SOCKET, HOOK_FIELD, "L" + BIFUNCTION + ";");
            mv.visitVarInsn(Opcodes.ASTORE, 2);
            mv.visitVarInsn(Opcodes.ALOAD, 2);
            mv.visitJumpInsn(Opcodes.IFNULL, noHook);
            mv.visitVarInsn(Opcodes.ALOAD, 2);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, BIFUNCTION, "apply",
                    "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", true);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitLabel(noHook);
            mv.visitFrame(Opcodes.F_APPEND, 1, new Object[] {BIFUNCTION}, 0, null);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitMaxs(3, 3);
            mv.visitEnd();
        }
    }

    /** Before each ARETURN: {@code return (T) wrap(this, result);} */
    private static final class WrapReturn extends BeforeReturn {
        private final String type;

        WrapReturn(MethodVisitor next, String type) {
            super(next, Opcodes.ARETURN, 2);
            this.type = type;
        }

        @Override
        void insert() {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitInsn(Opcodes.SWAP);
            callHook();
            mv.visitTypeInsn(Opcodes.CHECKCAST, type);
        }
    }

    /** At the start of close(): {@code wrap(this, null);} so the guard can end its session first. */
    private static final class AnnounceClose extends MethodVisitor {
        AnnounceClose(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, SOCKET, WRAP_METHOD, WRAP_DESC, false);
            super.visitInsn(Opcodes.POP); // the close path has no value to return: the hook only hears of it
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + 2, maxLocals);
        }
    }
}
