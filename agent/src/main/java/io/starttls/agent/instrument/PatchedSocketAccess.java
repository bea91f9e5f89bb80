package io.starttls.agent.instrument;

import io.starttls.agent.guard.SocketAccess;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * The first way in: what {@link SocketPatcher} added to {@code java.net.Socket} as it loaded. A
 * socket keeps its guard in its own field, reached only with the hook object as the key, so a
 * guard lives exactly as long as its socket. The accessors are looked up with the first socket
 * that needs them, not at start-up.
 */
final class PatchedSocketAccess implements SocketAccess {
    private final Class<?> socket;
    private final Object key;
    private Method getGuard;
    private Method setGuard;
    private Method setTimeout;
    private Method getTimeout;
    private Method originalHostName;
    private volatile boolean known;

    PatchedSocketAccess(Class<?> socket, Object key) {
        this.socket = socket;
        this.key = key;
    }

    private void lookUp() {
        if (known) {
            return;
        }
        synchronized (this) {
            if (known) {
                return;
            }
            try {
                getGuard = socket.getMethod(SocketPatcher.GET_GUARD_METHOD, Socket.class, Object.class);
                setGuard = socket.getMethod(SocketPatcher.SET_GUARD_METHOD, Socket.class, Object.class, Object.class);
                setTimeout = socket.getMethod(SocketPatcher.SET_TIMEOUT_COPY, int.class);
                getTimeout = socket.getMethod(SocketPatcher.GET_TIMEOUT_COPY);
                originalHostName = socket.getMethod(SocketPatcher.ORIGINAL_NAME_METHOD, InetAddress.class);
                known = true;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("java.net.Socket was rewritten without its accessors: " + e);
            }
        }
    }

    @Override
    public Object guardOf(Socket s) {
        lookUp();
        return Reflection.call(getGuard, null, s, key);
    }

    @Override
    public void setGuard(Socket s, Object guard) {
        lookUp();
        Reflection.call(setGuard, null, s, key, guard);
    }

    @Override
    public void setTimeout(Socket s, int millis) throws SocketException {
        lookUp();
        Reflection.callThrowing(setTimeout, s, millis);
    }

    @Override
    public int timeout(Socket s) throws SocketException {
        lookUp();
        return (Integer) Reflection.callThrowing(getTimeout, s);
    }

    @Override
    public String originalHostName(InetAddress address) {
        lookUp();
        return Reflection.originalHostName(originalHostName, address);
    }

    /** Calls through reflection, unwrapping what the called method threw. */
    static final class Reflection {
        private Reflection() {
        }

        static Object call(Method method, Object target, Object... args) {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code target.method(args)} (null for a static method), throwing what it throws. */
        static Object callThrowing(Method method, Object target, Object... args) throws SocketException {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SocketException) {
                    throw (SocketException) cause;
                }
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                throw new IllegalStateException(cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        static String originalHostName(Method method, InetAddress address) {
            try {
                return (String) method.invoke(null, address);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return null; // the JDK's internals are not as expected: the caller uses the literal
            }
        }
    }
}
