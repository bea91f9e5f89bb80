package io.starttls.agent.instrument;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Where rewritten code finds the hook: {@code Socket.starttlsAgent$wrap} when Socket was rewritten
 * as it loaded, {@code java.net.StarttlsAgentHook.wrap} when it was retransformed. Both take
 * {@code (Socket, Object)} and return Object, and both are public classes of {@code java.net},
 * which every class loader sees.
 */
final class HookCall {
    static final HookCall PATCHED_SOCKET = new HookCall(SocketTransformer.SOCKET, SocketPatcher.WRAP_METHOD);
    static final HookCall BOOT_HOOK = new HookCall(BootHookClass.NAME, BootHookClass.WRAP);

    private final String owner;
    private final String name;

    private HookCall(String owner, String name) {
        this.owner = owner;
        this.name = name;
    }

    /** [socket, value] -> [result] */
    void emit(MethodVisitor mv) {
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name, SocketPatcher.WRAP_DESC, false);
    }
}
