package io.starttls.agent.instrument;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The ASM side of {@link LibraryTransformer}: the insertions into JavaMail's and Commons Net's classes. */
final class LibraryRewriter {
    /** What is inserted into the one method rewritten. */
    enum Advice {
        /** JavaMail's and Angus Mail's SocketFetcher.getSocket: the session properties, at each return. */
        JAVAMAIL_SIGNAL,
        /** Commons Net's SocketClient._connectAction_: the client object, at each return. */
        COMMONS_NET_SIGNAL,
        /** Commons Net's SMTPSClient.execTLS: answered at entry when the agent already secured the socket. */
        EXEC_TLS_ANSWER,
        /** JSSE's SSLSocketFactoryImpl.createSocket(Socket, host, port, autoClose): the new TLS socket, at return. */
        LAYERED_TLS_SIGNAL,
        /** The JDK's SocketChannelImpl.beginConnect(blocking, remote): the remote address, at entry. */
        NIO_CONNECT_SIGNAL
    }

    private LibraryRewriter() {
    }

    static byte[] rewrite(byte[] classfile, String method, String desc, Advice advice, HookCall hook) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String d, String sig, String[] ex) {
                MethodVisitor mv = super.visitMethod(access, name, d, sig, ex);
                if (name.equals(method) && d.equals(desc)) {
                    switch (advice) {
                        case JAVAMAIL_SIGNAL:
                            return new JavaMailSignal(mv, hook);
                        case COMMONS_NET_SIGNAL:
                            return new CommonsNetSignal(mv, hook);
                        case LAYERED_TLS_SIGNAL:
                            return new LayeredTlsSignal(mv, hook);
                        case NIO_CONNECT_SIGNAL:
                            return new NioConnectSignal(mv, hook);
                        default:
                            return new ExecTlsAnswer(mv, hook);
                    }
                }
                return mv;
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Emits {@code new Object[] {tag, values...}}, each value pushed by its Runnable: [] -> [array]. */
    private static void signal(MethodVisitor mv, String tag, Runnable... values) {
        mv.visitIntInsn(Opcodes.BIPUSH, values.length + 1);
        mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        mv.visitInsn(Opcodes.DUP);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitLdcInsn(tag);
        mv.visitInsn(Opcodes.AASTORE);
        for (int i = 0; i < values.length; i++) {
            mv.visitInsn(Opcodes.DUP);
            mv.visitIntInsn(Opcodes.BIPUSH, i + 1);
            values[i].run();
            mv.visitInsn(Opcodes.AASTORE);
        }
    }

    /**
     * Before each ARETURN of getSocket(host, port, props, prefix, useSSL):
     * {@code Socket.wrap(result, {"javamail", props, prefix, host, Integer.valueOf(port)});}
     */
    private static final class JavaMailSignal extends BeforeReturn {
        JavaMailSignal(MethodVisitor next, HookCall hook) {
            super(next, Opcodes.ARETURN, 6, hook);
        }

        @Override
        void insert() {
            mv.visitInsn(Opcodes.DUP);
            signal(mv, "javamail", () -> mv.visitVarInsn(Opcodes.ALOAD, 2), () -> mv.visitVarInsn(Opcodes.ALOAD, 3),
                    () -> mv.visitVarInsn(Opcodes.ALOAD, 0), () -> {
                        mv.visitVarInsn(Opcodes.ILOAD, 1);
                        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf",
                                "(I)Ljava/lang/Integer;", false);
                    });
            callHook();
            mv.visitInsn(Opcodes.POP);
        }
    }

    /**
     * Before each ARETURN of createSocket(Socket s, String host, int port, boolean autoClose):
     * {@code Socket.wrap(s, {"layered-tls", result, null});}, so that the guard of a mail socket
     * knows the application's TLS socket over it and can check its session against the policy.
     * The stack holds the result; the array is built around it with stack moves only.
     */
    private static final class LayeredTlsSignal extends BeforeReturn {
        LayeredTlsSignal(MethodVisitor next, HookCall hook) {
            super(next, Opcodes.ARETURN, 7, hook);
        }

        @Override
        void insert() {
            mv.visitInsn(Opcodes.DUP); // [r, r]
            mv.visitVarInsn(Opcodes.ALOAD, 1); // [r, r, s]
            mv.visitInsn(Opcodes.SWAP); // [r, s, r]
            mv.visitInsn(Opcodes.ICONST_3);
            mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object"); // [r, s, r, a]
            mv.visitInsn(Opcodes.DUP_X1); // [r, s, a, r, a]
            mv.visitInsn(Opcodes.SWAP); // [r, s, a, a, r]
            mv.visitInsn(Opcodes.ICONST_1); // [r, s, a, a, r, 1]
            mv.visitInsn(Opcodes.SWAP); // [r, s, a, a, 1, r]
            mv.visitInsn(Opcodes.AASTORE); // [r, s, a]
            mv.visitInsn(Opcodes.DUP);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitLdcInsn("layered-tls");
            mv.visitInsn(Opcodes.AASTORE); // [r, s, a]
            callHook(); // [r, x]
            mv.visitInsn(Opcodes.POP);
        }
    }

    /**
     * At the start of SocketChannelImpl.beginConnect(boolean blocking, SocketAddress remote):
     * {@code Socket.wrap(null, {"nio-connect", this, remote});}. The hook may throw an IOException
     * (enforce), which beginConnect declares; connect() then closes the channel.
     */
    private static final class NioConnectSignal extends MethodVisitor {
        private final HookCall hook;

        NioConnectSignal(MethodVisitor next, HookCall hook) {
            super(Opcodes.ASM9, next);
            this.hook = hook;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            MethodVisitor out = mv;
            out.visitInsn(Opcodes.ACONST_NULL);
            signal(out, "nio-connect", () -> out.visitVarInsn(Opcodes.ALOAD, 0), () -> out.visitVarInsn(Opcodes.ALOAD, 2));
            hook.emit(out);
            out.visitInsn(Opcodes.POP);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 6), maxLocals);
        }
    }

    /** Before each RETURN of _connectAction_: {@code Socket.wrap(this._socket_, {"commons-net", this, null});} */
    private static final class CommonsNetSignal extends BeforeReturn {
        CommonsNetSignal(MethodVisitor next, HookCall hook) {
            super(next, Opcodes.RETURN, 6, hook);
        }

        @Override
        void insert() {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitFieldInsn(Opcodes.GETFIELD, LibraryTransformer.COMMONS_NET_CLIENT, "_socket_", "Ljava/net/Socket;");
            signal(mv, "commons-net", () -> mv.visitVarInsn(Opcodes.ALOAD, 0), () -> mv.visitInsn(Opcodes.ACONST_NULL));
            callHook();
            mv.visitInsn(Opcodes.POP);
        }
    }

    /**
     * At the start of execTLS(): {@code if (Socket.wrap(this._socket_, {"commons-net-exectls", this,
     * null}) == Boolean.TRUE) return true;}. An AuthenticatingSMTPClient is upgraded by the agent
     * (it is the usual class for plain authenticated SMTP); when the application then asks for
     * STARTTLS itself, the session is already encrypted, and a second STARTTLS inside TLS would be
     * refused by the server. The one branch joins the method's entry state, so its frame is "same".
     */
    private static final class ExecTlsAnswer extends MethodVisitor {
        private final HookCall hook;

        ExecTlsAnswer(MethodVisitor next, HookCall hook) {
            super(Opcodes.ASM9, next);
            this.hook = hook;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            MethodVisitor out = mv;
            out.visitVarInsn(Opcodes.ALOAD, 0);
            out.visitFieldInsn(Opcodes.GETFIELD, LibraryTransformer.COMMONS_NET_CLIENT, "_socket_", "Ljava/net/Socket;");
            signal(out, "commons-net-exectls", () -> out.visitVarInsn(Opcodes.ALOAD, 0),
                    () -> out.visitInsn(Opcodes.ACONST_NULL));
            hook.emit(out);
            out.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/Boolean", "TRUE", "Ljava/lang/Boolean;");
            Label original = new Label();
            out.visitJumpInsn(Opcodes.IF_ACMPNE, original);
            out.visitInsn(Opcodes.ICONST_1);
            out.visitInsn(Opcodes.IRETURN);
            out.visitLabel(original);
            out.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 6), maxLocals);
        }
    }
}
