package io.starttls.agent.instrument;

import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.PortMap;
import io.starttls.agent.guard.MailSockets;
import io.starttls.agent.guard.SocketAccess;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.function.BiFunction;
import javax.net.ssl.SSLSocket;

/**
 * What {@code java.net.Socket} calls on every stream request and close. For a socket that is not
 * to a mail port it returns at once, having done one array look-up: that is the whole cost of the
 * agent on other sockets. The guard machinery is loaded on the first mail socket.
 *
 * <p>This object is also the key to the guards: the rewritten Socket hands a socket's guard only
 * to the holder of the hook object, which nothing but the agent has (the field is private, and no
 * method returns it).
 */
public final class SocketHook implements BiFunction<Object, Object, Object>, SocketAccess {
    /** Asked through {@code wrap(null, PROBE)}: proves that the installed hook is this one. */
    static final Object PROBE = new Object();
    static final Object PROBE_ANSWER = new Object();

    private final AgentConfig config;
    private final PortMap ports;
    private final Class<?> socket;
    // Looked up with the first mail socket, not in premain: start-up pays for install only.
    private Method getGuard;
    private Method setGuard;
    private Method setTimeout;
    private Method getTimeout;
    private Method originalHostName;
    private volatile MailSockets mail;

    SocketHook(AgentConfig config, Class<?> socket) {
        this.config = config;
        this.ports = config.ports();
        this.socket = socket;
    }

    /** The rewritten Socket's accessors; called once, before the first guard exists. */
    private void lookUpAccessors() {
        try {
            getGuard = socket.getMethod(SocketPatcher.GET_GUARD_METHOD, Socket.class, Object.class);
            setGuard = socket.getMethod(SocketPatcher.SET_GUARD_METHOD, Socket.class, Object.class, Object.class);
            setTimeout = socket.getMethod(SocketPatcher.SET_TIMEOUT_COPY, int.class);
            getTimeout = socket.getMethod(SocketPatcher.GET_TIMEOUT_COPY);
            originalHostName = socket.getMethod(SocketPatcher.ORIGINAL_NAME_METHOD, InetAddress.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("java.net.Socket was rewritten without its accessors: " + e);
        }
    }

    @Override
    public Object apply(Object socket, Object stream) {
        Socket s = (Socket) socket;
        if (s == null) {
            return stream == PROBE ? PROBE_ANSWER : stream;
        }
        MailProtocol protocol = ports.protocolOf(s.getPort());
        if (protocol == null || s instanceof SSLSocket) {
            return stream;
        }
        if (stream instanceof Object[]) {
            return mail().onLibrarySignal(s, protocol, (Object[]) stream);
        }
        if (SocketPatcher.URGENT_SIGNAL.equals(stream)) {
            mail().onUrgentData(s);
            return null;
        }
        return mail().onStream(s, protocol, stream);
    }

    private MailSockets mail() {
        MailSockets m = mail;
        if (m == null) {
            synchronized (this) {
                m = mail;
                if (m == null) {
                    lookUpAccessors();
                    mail = m = new MailSockets(config, this);
                }
            }
        }
        return m;
    }

    @Override
    public Object guardOf(Socket socket) {
        return call(getGuard, null, socket, this);
    }

    @Override
    public void setGuard(Socket socket, Object guard) {
        call(setGuard, null, socket, this, guard);
    }

    @Override
    public void setTimeout(Socket socket, int millis) throws SocketException {
        callThrowing(setTimeout, socket, millis);
    }

    @Override
    public int timeout(Socket socket) throws SocketException {
        return (Integer) callThrowing(getTimeout, socket);
    }

    @Override
    public String originalHostName(InetAddress address) {
        try {
            return (String) originalHostName.invoke(null, address);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null; // the JDK's internals are not as expected: the caller uses the literal
        }
    }

    private static Object call(Method method, Object target, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object callThrowing(Method method, Socket socket, Object... args) throws SocketException {
        try {
            return method.invoke(socket, args);
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
}
