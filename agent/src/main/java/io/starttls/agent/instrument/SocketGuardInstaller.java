package io.starttls.agent.instrument;

import io.starttls.agent.attach.ConnectionsBefore;
import io.starttls.agent.config.AgentConfig;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Method;
import java.net.Socket;
import java.util.ArrayList;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Puts the guard into {@code java.net.Socket} and proves that it is there, by one of two ways:
 * <ol>
 *   <li>Socket is not loaded yet (the usual {@code -javaagent}): it is rewritten as it loads
 *       ({@link SocketTransformer}), with fields and methods of its own, at the least cost;</li>
 *   <li>Socket is loaded already (attached to a running JVM, or another agent listed first opened
 *       a socket): it is retransformed ({@link SocketRetransformer}), which changes method bodies
 *       only; the hook lives in {@link BootHookClass}, the guards in a map, and the connections
 *       open before are left alone ({@link ConnectionsBefore}). The mail libraries already loaded
 *       are retransformed too.</li>
 * </ol>
 */
public final class SocketGuardInstaller {
    private SocketGuardInstaller() {
    }

    /** How the guard went in, for the start-up line. */
    public static final class Installed {
        /** Null on the first way; the connections open before, on the second. */
        public final ConnectionsBefore before;

        Installed(ConnectionsBefore before) {
            this.before = before;
        }

        public boolean retransformed() {
            return before != null;
        }

        /** For the start-up or attach line: what was open before, and what is left alone. */
        public String describe(io.starttls.agent.config.PortMap ports) {
            return before != null ? before.describe(ports)
                    : "java.net.Socket was not loaded yet, so no socket was open before and every one is guarded";
        }
    }

    /**
     * @throws IllegalStateException with a one-line explanation when the guard could not be installed
     */
    public static Installed install(Instrumentation inst, AgentConfig config) {
        return install(inst, config, false);
    }

    /**
     * @param attached loaded into a running JVM: the mail libraries and JDK classes it rewrites may
     *     be loaded already, even when Socket is not, and are retransformed
     */
    public static Installed install(Instrumentation inst, AgentConfig config, boolean attached) {
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
            return retransform(inst, config, socket);
        }
        if (attached) {
            inst.addTransformer(new LibraryTransformer(HookCall.PATCHED_SOCKET, true), true);
        } else {
            // Mail libraries load later, if at all; this costs one string comparison per class load.
            inst.addTransformer(new LibraryTransformer(), false);
        }
        try {
            SocketHook socketHook = new SocketHook(config, key -> new PatchedSocketAccess(socket, key));
            socket.getMethod(SocketPatcher.INSTALL_METHOD, BiFunction.class).invoke(null, socketHook);
            Object answer = socket.getMethod(SocketPatcher.WRAP_METHOD, Socket.class, Object.class)
                    .invoke(null, null, SocketHook.PROBE);
            if (answer != SocketHook.PROBE_ANSWER) {
                throw new IllegalStateException("the socket hook did not take");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("java.net.Socket was rewritten but its hook cannot be reached: " + e);
        }
        if (attached) {
            retransformLoadedLibraries(inst);
        }
        return new Installed(null);
    }

    private static Installed retransform(Instrumentation inst, AgentConfig config, Class<?> socket) {
        String why = "java.net.Socket was loaded before the agent started (another agent listed first opened a "
                + "socket, or the agent was attached to a running JVM), and ";
        if (!inst.isRetransformClassesSupported() || !inst.isModifiableClass(socket)) {
            throw new IllegalStateException(why + "this JVM cannot retransform it; start the JVM with "
                    + "-javaagent:starttls-agent.jar listed before other agents");
        }
        SocketHook hook;
        try {
            Class<?> hookClass = BootClassDefiner.hookClass(inst);
            RetransformedSocketAccess access = new RetransformedSocketAccess(hookClass);
            hook = new SocketHook(config, key -> access);
            HookHandOver.initialise(hookClass, hook);
            Method wrap = hookClass.getMethod(BootHookClass.WRAP, Socket.class, Object.class);
            if (wrap.invoke(null, null, SocketHook.PROBE) != SocketHook.PROBE_ANSWER) {
                throw new IllegalStateException(why + "another copy of starttls-agent's hook is in place in this JVM; "
                        + "restart it with one -javaagent:starttls-agent.jar");
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException(why + "the agent's hook class could not be defined: " + e);
        }
        SocketRetransformer retransformer = new SocketRetransformer();
        inst.addTransformer(retransformer, true);
        try {
            inst.retransformClasses(socket);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
            inst.removeTransformer(retransformer);
            throw new IllegalStateException(why + "its retransformation failed: " + e);
        }
        if (retransformer.failure() != null || retransformer.rewritten() == 0) {
            inst.removeTransformer(retransformer);
            throw new IllegalStateException(why + "it could not be rewritten on Java " + System.getProperty("java.version")
                    + ": " + retransformer.failure());
        }
        proveClose(hook);
        // Listed now that Socket calls the hook: a connection opened before is on the list (left
        // alone, reported), and one that asked for a stream meanwhile has its guard already. At
        // once, before the libraries: a connection made in between and first used after the
        // listing is on it too (reported, but not guarded), so the time between is kept short.
        ConnectionsBefore before = ConnectionsBefore.now();
        hook.leaveAlone(before);
        inst.addTransformer(new LibraryTransformer(HookCall.BOOT_HOOK, true), true);
        retransformLoadedLibraries(inst);
        return new Installed(before);
    }

    /** A fresh socket's close must reach the hook: the rewritten bodies are the ones that run. */
    private static void proveClose(SocketHook hook) {
        Socket probe = new Socket();
        hook.expectProbe(probe);
        try {
            probe.close();
        } catch (java.io.IOException e) {
            // an unconnected socket's close does not fail; the hook has been asked before the JDK's code
        }
        hook.expectProbe(null);
        if (!hook.probeSeen()) {
            throw new IllegalStateException("java.net.Socket was retransformed, but its close() does not reach the "
                    + "agent's hook (another agent may rewrite it as well)");
        }
    }

    private static void retransformLoadedLibraries(Instrumentation inst) {
        Set<String> targets = new HashSet<String>();
        for (String t : LibraryTransformer.TARGETS) {
            targets.add(t.replace('/', '.'));
        }
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (targets.contains(c.getName()) && inst.isModifiableClass(c)) {
                loaded.add(c);
            }
        }
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
                System.err.println("starttls-agent: could not instrument the loaded " + c.getName() + " (" + e
                        + "); its STARTTLS configuration will not be recognised");
            }
        }
    }
}
