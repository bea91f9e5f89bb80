package io.starttls.agent.instrument;

import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.PortMap;
import io.starttls.agent.guard.LibrarySignals;
import io.starttls.agent.guard.MailSockets;
import io.starttls.agent.guard.SocketAccess;
import io.starttls.agent.guard.UnlistedSockets;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import io.starttls.agent.vocabulary.FoundBy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.function.BiFunction;
import javax.net.ssl.SSLSocket;

/**
 * What {@code java.net.Socket} calls on every stream request and close. A socket to a listed mail
 * port goes to its guard; a socket to another port to {@link UnlistedSockets}, which watches its
 * first exchange (or, with {@code conversation=off}, only looks for a guard a mail library asked
 * for); a mail library's signal names the protocol of its socket, on any port. The full guard
 * machinery is loaded on the first mail connection.
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
    private volatile boolean accessorsKnown;
    private volatile MailSockets mail;
    private volatile UnlistedSockets unlisted;

    SocketHook(AgentConfig config, Class<?> socket) {
        this.config = config;
        this.ports = config.ports();
        this.socket = socket;
    }

    /** The rewritten Socket's accessors; called once, before the first guard exists. */
    private synchronized void lookUpAccessors() {
        if (accessorsKnown) {
            return;
        }
        try {
            getGuard = socket.getMethod(SocketPatcher.GET_GUARD_METHOD, Socket.class, Object.class);
            setGuard = socket.getMethod(SocketPatcher.SET_GUARD_METHOD, Socket.class, Object.class, Object.class);
            setTimeout = socket.getMethod(SocketPatcher.SET_TIMEOUT_COPY, int.class);
            getTimeout = socket.getMethod(SocketPatcher.GET_TIMEOUT_COPY);
            originalHostName = socket.getMethod(SocketPatcher.ORIGINAL_NAME_METHOD, InetAddress.class);
            accessorsKnown = true;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("java.net.Socket was rewritten without its accessors: " + e);
        }
    }

    @Override
    public Object apply(Object socket, Object stream) {
        Socket s = (Socket) socket;
        if (s == null) {
            if (stream instanceof Object[]) {
                nioConnect((Object[]) stream);
                return null;
            }
            return stream == PROBE ? PROBE_ANSWER : stream;
        }
        if (s instanceof SSLSocket) {
            return stream;
        }
        MailProtocol listed = ports.protocolOf(s.getPort());
        if (stream instanceof Object[]) {
            return librarySignal(s, listed, (Object[]) stream);
        }
        if (listed == null) {
            return toUnlisted(s, stream);
        }
        if (SocketPatcher.URGENT_SIGNAL.equals(stream)) {
            mail().onUrgentData(s);
            return null;
        }
        return mail().onStream(s, listed, stream);
    }

    private Object toUnlisted(Socket s, Object stream) {
        UnlistedSockets u = unlisted();
        if (stream == null) {
            u.onClose(s);
            return null;
        }
        if (SocketPatcher.URGENT_SIGNAL.equals(stream)) {
            u.onUrgentData(s);
            return null;
        }
        return u.onStream(s, stream);
    }

    /** The library's protocol wins over the port's: a library knows what it speaks. */
    private Object librarySignal(Socket s, MailProtocol listed, Object[] signal) {
        MailProtocol named = LibrarySignals.protocolOf(signal);
        if (named == null && LibrarySignals.namesOtherProtocol(signal)) {
            if (listed == null) {
                unlisted().notMail(s);
            }
            return null;
        }
        if (named == null && listed == null && mail == null) {
            return null; // a signal about an existing guard (layered TLS, execTLS), and there is none
        }
        return mail().onLibrarySignal(s, named != null ? named : listed, signal);
    }

    /** A SocketChannel connects: to a mail port, it is reported (and refused under enforce). */
    private void nioConnect(Object[] signal) {
        if (signal.length < 3 || !"nio-connect".equals(signal[0]) || !(signal[2] instanceof InetSocketAddress)) {
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) signal[2];
        MailProtocol listed = ports.protocolOf(remote.getPort());
        if (listed != null) {
            mail().onChannel(remote, listed, FoundBy.PORT_LIST);
        }
    }

    private UnlistedSockets unlisted() {
        UnlistedSockets u = unlisted;
        if (u == null) {
            synchronized (this) {
                u = unlisted;
                if (u == null) {
                    lookUpAccessors();
                    unlisted = u = new UnlistedSockets(config, this, this::mail);
                }
            }
        }
        return u;
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
