package io.starttls.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The second way in: rewrites an already loaded {@code java.net.Socket} by retransformation, which
 * may change method bodies only. The same four places as {@link SocketPatcher}'s, inline instead
 * of by renaming, and through {@link BootHookClass} instead of added members:
 * <ul>
 *   <li>{@code getInputStream()}, {@code getOutputStream()}: before each return,
 *       {@code return (T) StarttlsAgentHook.wrap(this, result);}</li>
 *   <li>{@code close()}: first {@code StarttlsAgentHook.wrap(this, null);}</li>
 *   <li>{@code sendUrgentData(int)}: first {@code StarttlsAgentHook.wrap(this, "starttlsAgent$sendUrgentData");}</li>
 * </ul>
 * Each insertion is a straight line without a branch, so the JDK's stack map frames stay valid.
 * Stays registered: should another agent retransform Socket later, the JVM runs this again.
 * Unlike the first way, {@code close()} keeps its {@code synchronized} (JDK 8-17): retransformation
 * cannot change modifiers, so another thread's close waits for a negotiation that runs inside the
 * application's {@code synchronized (socket)}, at most the negotiation's deadline.
 */
final class SocketRetransformer implements ClassFileTransformer {
    private volatile int rewritten;
    private volatile Throwable failure;

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classfile) {
        if (loader != null || !SocketTransformer.SOCKET.equals(className)) {
            return null;
        }
        try {
            byte[] out = rewrite(classfile);
            rewritten++;
            return out;
        } catch (Throwable t) {
            failure = t; // the JVM would swallow it and keep Socket as it was: the installer reports it
            return null;
        }
    }

    /** How many times Socket went through here. */
    int rewritten() {
        return rewritten;
    }

    Throwable failure() {
        return failure;
    }

    static byte[] rewrite(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        int[] found = new int[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
                if ((access & Opcodes.ACC_STATIC) != 0) {
                    return mv;
                }
                if (name.equals("getInputStream") && desc.equals("()Ljava/io/InputStream;")) {
                    found[0]++;
                    return new WrapResult(mv, "java/io/InputStream");
                }
                if (name.equals("getOutputStream") && desc.equals("()Ljava/io/OutputStream;")) {
                    found[0]++;
                    return new WrapResult(mv, "java/io/OutputStream");
                }
                if (name.equals("close") && desc.equals("()V")) {
                    found[0]++;
                    return new TellFirst(mv, null);
                }
                if (name.equals("sendUrgentData") && desc.equals("(I)V")) {
                    found[0]++;
                    return new TellFirst(mv, SocketPatcher.URGENT_SIGNAL);
                }
                return mv;
            }
        }, 0);
        if (found[0] != 4) {
            throw new IllegalStateException("java.net.Socket does not have the four methods the agent guards ("
                    + found[0] + " found)");
        }
        return writer.toByteArray();
    }

    /** The stream a stream getter returns goes through the hook. */
    private static final class WrapResult extends BeforeReturn {
        private final String type;

        WrapResult(MethodVisitor next, String type) {
            super(next, Opcodes.ARETURN, 2, HookCall.BOOT_HOOK);
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

    /** The hook hears of a close (value null) or of urgent data before the JDK's code runs. */
    private static final class TellFirst extends MethodVisitor {
        private final String signal;

        TellFirst(MethodVisitor next, String signal) {
            super(Opcodes.ASM9, next);
            this.signal = signal;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            if (signal == null) {
                mv.visitInsn(Opcodes.ACONST_NULL);
            } else {
                mv.visitLdcInsn(signal);
            }
            HookCall.BOOT_HOOK.emit(mv);
            mv.visitInsn(Opcodes.POP);
        }
    }
}
