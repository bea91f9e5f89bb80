package io.starttls.agent.instrument;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The ASM side of {@link LibraryTransformer}: the insertions into JavaMail's and Commons Net's classes. */
final class LibraryRewriter {
    private LibraryRewriter() {
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
            mv.visitFieldInsn(Opcodes.GETFIELD, LibraryTransformer.COMMONS_NET_CLIENT, "_socket_", "Ljava/net/Socket;");
            signal(mv, "commons-net", () -> mv.visitVarInsn(Opcodes.ALOAD, 0), () -> mv.visitInsn(Opcodes.ACONST_NULL));
            callHook();
            mv.visitInsn(Opcodes.POP);
        }
    }
}
