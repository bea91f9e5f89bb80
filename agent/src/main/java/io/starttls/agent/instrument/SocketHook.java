package io.starttls.agent.instrument;

import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.PortMap;
import io.starttls.agent.guard.LibrarySignals;
import io.starttls.agent.guard.MailSockets;
import io.starttls.agent.guard.SocketAccess;
import io.starttls.agent.guard.UnlistedSockets;
import io.starttls.agent.attach.ConnectionsBefore;
import io.starttls.agent.vocabulary.FoundBy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;

/**
 * What {@code java.net.Socket} calls on every stream request and close. A socket to a listed mail
 * port goes to its guard; a socket to another port to {@link UnlistedSockets}, which watches its
 * first exchange (or, with {@code conversation=off}, only looks for a guard a mail library asked
 * for); a mail library's signal names the protocol of its socket, on any port. The full guard
 * machinery is loaded on the first mail connection.
 *
 * <p>This object is also the key to the guards on the first way in: the rewritten Socket hands a
 * socket's guard only to the holder of the hook object, which nothing but the agent has (the field
 * is private, and no method returns it). On the second way in (Socket retransformed) the sockets
 * that were open before the agent came in are left alone ({@link ConnectionsBefore}).
 */
public final class SocketHook implements BiFunction<Object, Object, Object> {
    /** Asked through {@code wrap(null, PROBE)}: proves that the installed hook is this one. */
    static final Object PROBE = new Object();
    static final Object PROBE_ANSWER = new Object();

    private final AgentConfig config;
    private final PortMap ports;
    private final SocketAccess access;
    /** Null on the first way; on the second, the connections open before, once listed. */
    private volatile ConnectionsBefore before;
    private volatile Socket probeSocket;
    private volatile boolean probeSeen;
    private volatile MailSockets mail;
    private volatile UnlistedSockets unlisted;

    /** @param accessFor the socket access, given this hook (the key on the first way in) */
    SocketHook(AgentConfig config, Function<Object, SocketAccess> accessFor) {
        this.config = config;
        this.ports = config.ports();
        this.access = accessFor.apply(this);
    }

    /**
     * The second way in: the connections listed once Socket calls this hook. A socket the hook
     * has guarded already (it asked for a stream in between) is never taken for one of them.
     */
    void leaveAlone(ConnectionsBefore listed) {
        this.before = listed;
    }

    /** The installer closes {@code socket} and asks {@link #probeSeen()}: proof that Socket's close calls this. */
    void expectProbe(Socket socket) {
        probeSocket = socket;
    }

    boolean probeSeen() {
        return probeSeen;
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
        if (s == probeSocket) {
            probeSeen = true;
            return stream;
        }
        ConnectionsBefore open = before;
        if (open != null && open.mayHold(s) && access.guardOf(s) == null && open.leftAlone(s)) {
            if (stream == null) {
                open.closed(s);
            }
            return stream instanceof Object[] ? null : stream;
        }
        MailProtocol listed = ports.protocolOf(s.getPort());
        if (stream instanceof Object[]) {
            return librarySignal(s, listed, (Object[]) stream);
        }
        if (stream == null) {
            try {
                return listed == null ? toUnlisted(s, null) : mail().onStream(s, listed, null);
            } finally {
                access.closed(s);
            }
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
                    unlisted = u = new UnlistedSockets(config, access, this::mail);
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
                    mail = m = new MailSockets(config, access);
                }
            }
        }
        return m;
    }
}
