package io.starttls.agent.instrument;

import io.starttls.agent.config.AgentConfig;
import java.lang.instrument.Instrumentation;
import java.net.Socket;
import java.util.function.BiFunction;

/** Puts the guard into {@code java.net.Socket} and proves that it is there. */
public final class SocketGuardInstaller {
    private SocketGuardInstaller() {
    }

    /**
     * @throws IllegalStateException with a one-line explanation when the guard could not be installed
     */
    public static void install(Instrumentation inst, AgentConfig config) {
        SocketTransformer transformer = new SocketTransformer();
        // Not retransform-capable on purpose: the JVM keeps our output as the class's base bytes,
        // so another agent retransforming Socket later keeps our fields and hooks.
        inst.addTransformer(transformer, false);
        Class<?> socket;
        try {
            socket = Class.forName("java.net.Socket", false, null);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("java.net.Socket cannot be loaded: " + e);
        } finally {
            inst.removeTransformer(transformer);
        }
        if (transformer.failure() != null) {
            throw new IllegalStateException("could not rewrite java.net.Socket on Java "
                    + System.getProperty("java.version") + ": " + transformer.failure()
                    + " (this version of starttls-agent may be too old for this JDK)");
        }
        if (!transformer.transformed()) {
            throw new IllegalStateException("java.net.Socket was loaded before the agent started (dynamic attach, "
                    + "or another agent opened a socket first); start the JVM with -javaagent:starttls-agent.jar "
                    + "and list it before other agents");
        }
        // Mail libraries load later, if at all; this costs one string comparison per class load.
        inst.addTransformer(new LibraryTransformer(), false);
        try {
            SocketHook socketHook = new SocketHook(config, socket);
            socket.getMethod(SocketPatcher.INSTALL_METHOD, BiFunction.class).invoke(null, socketHook);
            Object answer = socket.getMethod(SocketPatcher.WRAP_METHOD, Socket.class, Object.class)
                    .invoke(null, null, SocketHook.PROBE);
            if (answer != SocketHook.PROBE_ANSWER) {
                throw new IllegalStateException("the socket hook did not take");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("java.net.Socket was rewritten but its hook cannot be reached: " + e);
        }
    }
}
