package io.starttls.agent.instrument;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Inserts a straight line of code before each return instruction of one kind. Without a branch of
 * its own the insertion leaves the method's stack map frames valid, so no frame is computed and no
 * class is loaded to compute one: the one shape of rewrite the library advice (JavaMail, Commons
 * Net) does. ({@code java.net.Socket} is rewritten without ASM, by {@link SocketPatcher}.)
 */
abstract class BeforeReturn extends MethodVisitor {
    private final int returnOpcode;
    private final int extraStack;
    private final HookCall hook;

    BeforeReturn(MethodVisitor next, int returnOpcode, int extraStack) {
        this(next, returnOpcode, extraStack, HookCall.PATCHED_SOCKET);
    }

    BeforeReturn(MethodVisitor next, int returnOpcode, int extraStack, HookCall hook) {
        super(Opcodes.ASM9, next);
        this.returnOpcode = returnOpcode;
        this.extraStack = extraStack;
        this.hook = hook;
    }

    /** The instructions to insert; the returned value, if any, is on top of the stack and must stay. */
    abstract void insert();

    /** The hook's {@code wrap(socket, value)} with both on the stack, leaving its result. */
    final void callHook() {
        hook.emit(mv);
    }

    @Override
    public final void visitInsn(int opcode) {
        if (opcode == returnOpcode) {
            insert();
        }
        super.visitInsn(opcode);
    }

    @Override
    public final void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(maxStack + extraStack, maxLocals);
    }
}
