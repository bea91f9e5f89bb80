package io.starttls.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * Rewrites {@code java.net.Socket} as it is first loaded ({@link SocketPatcher} says how and what it
 * adds). The hook is a field of a {@code java.base} type ({@link java.util.function.BiFunction}), so
 * that nothing has to be appended to the boot class path (which disables class-data sharing for
 * other loaders and prints a warning).
 */
public final class SocketTransformer implements ClassFileTransformer {
    public static final String SOCKET = "java/net/Socket";
    public static final String HOOK_FIELD = SocketPatcher.HOOK_FIELD;
    public static final String GUARD_FIELD = SocketPatcher.GUARD_FIELD;
    static final String WRAP_METHOD = SocketPatcher.WRAP_METHOD;
    static final String WRAP_DESC = SocketPatcher.WRAP_DESC;

    private volatile boolean transformed;
    private volatile Throwable failure;

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classfile) {
        if (loader != null || !SOCKET.equals(className) || redefined != null) {
            return null;
        }
        try {
            byte[] out = SocketPatcher.patch(classfile);
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
}
