package io.starttls.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The library tier: tells the socket guard which connections a mail library will take to TLS
 * itself, so that the guard watches them instead of driving them.
 * <ul>
 *   <li>JavaMail 1.4-1.6 ({@code com.sun.mail}) and Angus Mail ({@code org.eclipse.angus.mail}):
 *       when {@code SocketFetcher.getSocket(host, port, props, prefix, useSSL)} returns, the socket
 *       and the session properties go to the hook, which reads {@code <prefix>.starttls.enable}
 *       and {@code .required};</li>
 *   <li>Commons Net: when {@code SocketClient._connectAction_()} ends (streams made, greeting not
 *       yet read), the client object goes to the hook, which knows the TLS-aware subclasses.</li>
 * </ul>
 * Each insertion is a straight line of code before a return, so stack map frames stay valid and
 * no class is loaded to compute new ones. The call goes through {@code java.net.Socket}'s own
 * added method, which every class loader sees, so no agent class needs to be visible to the
 * library's class loader.
 */
public final class LibraryTransformer implements ClassFileTransformer {
    static final String JAVAMAIL_FETCHER = "com/sun/mail/util/SocketFetcher";
    static final String ANGUS_FETCHER = "org/eclipse/angus/mail/util/SocketFetcher";
    static final String COMMONS_NET_CLIENT = "org/apache/commons/net/SocketClient";
    private static final String GET_SOCKET_DESC =
            "(Ljava/lang/String;ILjava/util/Properties;Ljava/lang/String;Z)Ljava/net/Socket;";

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classfile) {
        if (className == null || redefined != null) {
            return null;
        }
        try {
            if (className.equals(JAVAMAIL_FETCHER) || className.equals(ANGUS_FETCHER)) {
                return rewrite(classfile, "getSocket", GET_SOCKET_DESC, true);
            }
            if (className.equals(COMMONS_NET_CLIENT)) {
                return rewrite(classfile, "_connectAction_", "()V", false);
            }
        } catch (RuntimeException e) {
            // Leave the library as it is: the socket tier still guards its connections.
            System.err.println("starttls-agent: could not instrument " + className.replace('/', '.') + " (" + e
                    + "); its STARTTLS configuration will not be recognised");
        }
        return null;
    }

    static byte[] rewrite(byte[] classfile, String method, String desc, boolean javaMail) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String d, String sig, String[] ex) {
                MethodVisitor mv = super.visitMethod(access, name, d, sig, ex);
                if (name.equals(method) && d.equals(desc)) {
                    return javaMail ? new JavaMailSignal(mv) : new CommonsNetSignal(mv);
                }
                return mv;
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Emits {@code new Object[] {tag, a, b}} from the values on top of the stack: [a, b] -> [array]. */
    private static void signal(MethodVisitor mv, String tag, Runnable pushA, Runnable pushB) {
        mv.visitInsn(Opcodes.ICONST_3);
        mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        mv.visitInsn(Opcodes.DUP);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitLdcInsn(tag);
        mv.visitInsn(Opcodes.AASTORE);
        mv.visitInsn(Opcodes.DUP);
        mv.visitInsn(Opcodes.ICONST_1);
        pushA.run();
        mv.visitInsn(Opcodes.AASTORE);
        mv.visitInsn(Opcodes.DUP);
        mv.visitInsn(Opcodes.ICONST_2);
        pushB.run();
        mv.visitInsn(Opcodes.AASTORE);
    }

    /** Before each ARETURN of getSocket: {@code Socket.wrap(result, {"javamail", props, prefix});} */
    private static final class JavaMailSignal extends BeforeReturn {
        JavaMailSignal(MethodVisitor next) {
            super(next, Opcodes.ARETURN, 6);
        }

        @Override
        void insert() {
            mv.visitInsn(Opcodes.DUP);
            signal(mv, "javamail", () -> mv.visitVarInsn(Opcodes.ALOAD, 2), () -> mv.visitVarInsn(Opcodes.ALOAD, 3));
            callHook();
            mv.visitInsn(Opcodes.POP);
        }
    }

    /** Before each RETURN of _connectAction_: {@code Socket.wrap(this._socket_, {"commons-net", this, null});} */
    private static final class CommonsNetSignal extends BeforeReturn {
        CommonsNetSignal(MethodVisitor next) {
            super(next, Opcodes.RETURN, 6);
        }

        @Override
        void insert() {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitFieldInsn(Opcodes.GETFIELD, COMMONS_NET_CLIENT, "_socket_", "Ljava/net/Socket;");
            signal(mv, "commons-net", () -> mv.visitVarInsn(Opcodes.ALOAD, 0), () -> mv.visitInsn(Opcodes.ACONST_NULL));
            callHook();
            mv.visitInsn(Opcodes.POP);
        }
    }
}
