package io.starttls.agent.guard;

import io.starttls.agent.audit.AuditLog;
import io.starttls.agent.audit.AuditRecord;
import io.starttls.agent.audit.CallerLocator;
import io.starttls.agent.vocabulary.Outcome;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.Mode;
import io.starttls.agent.vocabulary.FoundBy;
import io.starttls.agent.vocabulary.Reasons;
import io.starttls.agent.tls.TlsUpgradeException;
import io.starttls.agent.tls.TlsUpgrader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.IdentityHashMap;
import java.util.Map;
import io.starttls.agent.config.Policy;
import javax.net.ssl.SSLSocket;

/**
 * Everything the agent needs once a mail connection exists: the guards, the TLS context, the audit
 * log. Built on the first mail socket, not at start-up, so an application that never sends mail
 * pays for none of it.
 */
public final class MailSockets {
    private final AgentConfig config;
    private final AuditLog auditLog;
    private final SocketAccess access;
    private final OpenSessions open = new OpenSessions();
    // One TLS context per policy (the global one, each rule), made at its first session.
    private final Map<Policy, Object> upgraders = new IdentityHashMap<Policy, Object>();
    private volatile boolean toldOfAnsweredStartTls;

    public MailSockets(AgentConfig config, SocketAccess access) {
        this.config = config;
        this.access = access;
        this.auditLog = new AuditLog(config.logEnabled(), config.auditLog());
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(this::flushOpenSessions, "starttls-agent-audit"));
        } catch (IllegalStateException e) {
            // The first mail socket was opened by a shutdown hook: the JVM is exiting already, and
            // every record is written when its socket closes.
        }
    }

    AgentConfig config() {
        return config;
    }

    SocketAccess access() {
        return access;
    }

    /**
     * The stream to give the application for {@code raw}, a stream of a socket to a mail port;
     * {@code raw == null} says that the socket is being closed.
     */
    public Object onStream(Socket socket, MailProtocol protocol, Object raw) {
        GuardedConnection driving = Reentry.driving();
        if (driving != null && driving.transport.carries(socket)) {
            // The agent itself (or JSSE for it) uses this socket: the JDK's own streams. Only for
            // the socket being driven: another one opened on this thread (by code that a log line
            // ran, say) is guarded like any other.
            return raw == null ? null : driving.transport.streamForAgent(raw);
        }
        if (raw == null) {
            GuardedConnection connection = connectionOf(socket);
            if (connection != null) {
                connection.onSocketClose();
                open.remove(connection);
            }
            return null;
        }
        try {
            GuardedConnection connection = claim(socket, protocol, FoundBy.PORT_LIST, null, false);
            if (connection == null) {
                return raw; // a destination whose policy is off
            }
            return raw instanceof InputStream ? connection.input(socket, (InputStream) raw)
                    : connection.output(socket, (OutputStream) raw);
        } catch (RuntimeException | Error e) {
            return onFault(socket, raw, e);
        }
    }

    /**
     * A mail library said how it will use a new socket (see LibraryTransformer): it carries
     * {@code protocol}, on whatever port, and is guarded from now on; when the library is
     * configured to run STARTTLS itself, the guard watches instead of driving; when TLS is layered
     * over the socket (JSSE's createSocket), the guard learns the application's TLS socket.
     */
    public Object onLibrarySignal(Socket socket, MailProtocol protocol, Object[] signal) {
        GuardedConnection driving = Reentry.driving();
        if (driving != null && driving.transport.carries(socket)) {
            return null; // the agent's own TLS
        }
        try {
            if (LibrarySignals.asksForStartTls(signal)) {
                return answerStartTls(socket) ? Boolean.TRUE : null;
            }
            SSLSocket layered = LibrarySignals.layeredTls(signal);
            if (layered != null) {
                GuardedConnection connection = connectionOf(socket);
                if (connection != null) {
                    connection.appLayeredTls(layered);
                }
                return null;
            }
            if (protocol == null) {
                return null;
            }
            if (socket.getChannel() != null) {
                // The library opened a SocketChannel (JavaMail's usesocketchannels): its socket's
                // streams are the channel's, which the agent cannot upgrade. A listed port was
                // reported when the channel connected.
                if (config.ports().protocolOf(socket.getPort()) == null) {
                    InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
                    if (policyOf(remote, protocol).enforces()) {
                        Transport.closeQuietly(socket); // the library never gets it
                    }
                    onChannel(remote, protocol, FoundBy.LIBRARY);
                }
                return null;
            }
            boolean proxied = LibrarySignals.proxied(signal);
            boolean listed = config.ports().protocolOf(socket.getPort()) != null;
            Destination destination = proxied ? LibrarySignals.destination(signal, socket) : null;
            GuardedConnection connection = claim(socket, protocol, listed && !proxied ? FoundBy.PORT_LIST
                    : FoundBy.LIBRARY, destination, proxied);
            if (connection != null && LibrarySignals.appManagesTls(signal)) {
                connection.appManaged();
            }
        } catch (RuntimeException | Error e) {
            System.err.println("starttls-agent: could not read the mail library's TLS configuration (" + e
                    + "); the agent will run STARTTLS itself on this connection");
        }
        return null;
    }

    /**
     * A {@link java.nio.channels.SocketChannel} to a mail destination: the agent cannot upgrade
     * it, so it is never silently let through. It is reported in every mode; under enforce the
     * connect fails (thrown from the JDK's connect, or from the library's socket factory).
     */
    public void onChannel(InetSocketAddress remote, MailProtocol protocol, FoundBy foundBy) {
        Policy policy = policyOf(remote, protocol);
        if (policy.mode() == Mode.OFF) {
            return;
        }
        boolean enforce = policy.enforces();
        String address = addressOf(remote);
        String detail = "a java.nio SocketChannel, which the agent cannot upgrade"
                + (enforce ? "; refused at connect (mode=enforce)" : "; it went on unguarded");
        audit(new AuditRecord.Builder()
                .destination(hostOf(remote), address, remote.getPort())
                .policy(protocol.word(), policy.mode().word(), policy.verifyWord())
                .rule(policy.rule(), policy.mode() == Mode.TESTING)
                .outcome(enforce ? Outcome.BLOCKED : Outcome.PLAINTEXT_OBSERVED, Reasons.NIO_NOT_GUARDED, detail)
                .foundBy(foundBy.word(), null)
                .appClass(CallerLocator.applicationClass())
                .build());
        if (enforce) {
            Throwables.sneakyThrow(new IOException("starttls-agent refused the " + protocol.word()
                    + " connection to " + hostOf(remote) + ":" + remote.getPort() + ": " + detail
                    + " [" + Reasons.NIO_NOT_GUARDED + "]; try again later"));
        }
    }

    /**
     * {@code sendUrgentData} on a mail socket: the byte would cross in clear beside the session,
     * before or beside TLS. Refused (thrown from the JDK method) except in monitor mode.
     */
    public void onUrgentData(Socket socket) {
        GuardedConnection driving = Reentry.driving();
        if (driving != null && driving.transport.carries(socket)) {
            return;
        }
        GuardedConnection connection = connectionOf(socket);
        Policy policy;
        if (connection != null) {
            policy = connection.policy;
        } else {
            // Before its first stream: the policy of where it goes (a listed port, so its protocol is known).
            Destination to = Destination.of(socket, access, false);
            policy = config.policies().policyFor(to.host(), to.address(), to.port(), config.ports().protocolOf(to.port()));
        }
        if (policy.mode() == Mode.MONITOR || policy.mode() == Mode.OFF || access.guardOf(socket) == Untouched.OFF) {
            return;
        }
        Throwables.sneakyThrow(new SocketException("starttls-agent: urgent data on the mail connection to "
                + socket.getInetAddress().getHostAddress() + ":" + socket.getPort()
                + " would cross in clear beside its TLS; refused"));
    }

    /**
     * The application asks for STARTTLS (Commons Net execTLS) on a connection that the agent has
     * already secured: say yes for it, instead of letting a second STARTTLS go inside the TLS.
     */
    private boolean answerStartTls(Socket socket) {
        GuardedConnection connection = connectionOf(socket);
        if (connection == null || !connection.securedByAgent()) {
            return false;
        }
        if (!toldOfAnsweredStartTls) {
            toldOfAnsweredStartTls = true;
            warn("the application asked for STARTTLS on " + connection.describe() + ", which the agent had already "
                    + "secured: answered for it (no second STARTTLS is sent); said once");
        }
        return true;
    }

    private GuardedConnection connectionOf(Socket socket) {
        Object guard = access.guardOf(socket);
        return guard instanceof GuardedConnection ? (GuardedConnection) guard : null;
    }

    /**
     * The guard of a socket known to carry mail, made now if it has none. A socket watched for its
     * conversation is taken over while nothing has crossed yet, or, through a proxy
     * ({@code proxied}), whatever crossed (the proxy's CONNECT); null when it is too late.
     */
    private GuardedConnection claim(Socket socket, MailProtocol protocol, FoundBy foundBy, Destination destination,
                                    boolean proxied) {
        synchronized (access) {
            Object guard = access.guardOf(socket);
            if (guard instanceof GuardedConnection) {
                return (GuardedConnection) guard;
            }
            Destination to = destination != null ? destination : Destination.of(socket, access);
            Policy policy = config.policies().policyFor(to.host(), to.address(), to.port(), protocol);
            if (guard == Untouched.OFF) {
                // Left alone as an off destination, then named by its library as a tunnel to
                // another one: too late to guard (the application has the plain streams).
                if (proxied && policy.mode() != Mode.OFF) {
                    tunnelTooLate(socket, to, protocol, policy);
                }
                return null;
            }
            if (policy.mode() == Mode.OFF) {
                if (guard instanceof UnlistedConnection) {
                    ((UnlistedConnection) guard).notMail(); // its watcher passes everything through
                } else {
                    access.setGuard(socket, Untouched.OFF);
                }
                return null;
            }
            GuardedConnection connection = new GuardedConnection(socket, protocol, this, foundBy, to, policy, proxied);
            if (guard instanceof UnlistedConnection && !((UnlistedConnection) guard).handOver(connection, proxied)) {
                return null;
            }
            access.setGuard(socket, connection);
            open.add(connection);
            return connection;
        }
    }

    /**
     * Its first exchange showed that a socket to an unlisted port carries mail (see
     * {@link UnlistedConnection}): its guard, which negotiates from there. Called under the
     * watcher's lock, so it takes no other.
     */
    GuardedConnection recognised(Socket socket, UnlistedConnection sniffer, MailProtocol protocol, byte[] seen,
                                 boolean seenOverflow, boolean readerInFlight, boolean appStartsTls) {
        Destination to = Destination.of(socket, access);
        Policy policy = config.policies().policyFor(to.host(), to.address(), to.port(), protocol);
        if (policy.mode() == Mode.OFF) {
            return null; // the watcher steps aside and passes everything through
        }
        GuardedConnection connection = new GuardedConnection(socket, protocol, this, FoundBy.CONVERSATION, to, policy,
                false);
        connection.afterGreeting(seen.length > 0 || seenOverflow ? seen : null, seenOverflow);
        connection.transport.offer(socket, sniffer.rawIn());
        connection.transport.offer(socket, sniffer.rawOut());
        access.setGuard(socket, connection);
        open.add(connection);
        if (readerInFlight) {
            connection.readerInFlight();
        } else if (appStartsTls) {
            connection.appManaged(); // its first command is STLS or STARTTLS: it runs TLS itself
        }
        return connection;
    }

    /** A fault of the agent's own: enforce fails closed, the other modes leave the socket as it was. */
    private Object onFault(Socket socket, Object raw, Throwable e) {
        String message = "starttls-agent: internal error guarding " + socket.getInetAddress() + ":"
                + socket.getPort() + " (" + e + ")";
        if (!enforcesAt(socket)) {
            System.err.println(message + "; the connection goes on unguarded");
            return raw;
        }
        System.err.println(message + "; blocked (mode=enforce)");
        final String blocked = message + " [" + Reasons.AGENT_FAULT + "]";
        if (raw instanceof InputStream) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new SessionBlockedException(blocked);
                }
            };
        }
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new SessionBlockedException(blocked);
            }
        };
    }

    /**
     * The TLS context of {@code policy}, made at its first session. A trust store that cannot be
     * read is said once, in one line; the sessions whose policy needs it are then blocked (it
     * fails closed: no session goes out unverified because of it).
     */
    synchronized TlsUpgrader upgrader(Policy policy) throws TlsUpgradeException {
        Object made = upgraders.get(policy);
        if (made == null) {
            try {
                TlsUpgrader upgrader = new TlsUpgrader(policy);
                made = upgrader;
                if (upgrader.trustStoreProblem() != null) {
                    warn("the trust store of " + policy.rule() + " policy cannot be used (" + upgrader.trustStoreProblem()
                            + "); its certificates are reported as Untrusted");
                }
            } catch (IOException e) {
                made = new TlsUpgradeException(Reasons.TRUSTSTORE_UNUSABLE, "the trust store cannot be used: "
                        + e.getMessage(), e);
            } catch (GeneralSecurityException | RuntimeException e) {
                made = new TlsUpgradeException(Reasons.AGENT_FAULT, "TLS is not available in this JVM: " + e.getMessage(), e);
            }
            if (made instanceof TlsUpgradeException) {
                System.err.println("starttls-agent: ERROR " + ((TlsUpgradeException) made).getMessage() + " ("
                        + policy.rule() + " policy); its sessions are blocked until it is fixed and the JVM restarted");
            }
            upgraders.put(policy, made);
        }
        if (made instanceof TlsUpgradeException) {
            TlsUpgradeException e = (TlsUpgradeException) made;
            throw new TlsUpgradeException(e.reason(), e.getMessage(), e);
        }
        return (TlsUpgrader) made;
    }

    private Policy policyOf(InetSocketAddress remote, MailProtocol protocol) {
        return config.policies().policyFor(hostOf(remote), addressOf(remote), remote.getPort(), protocol);
    }

    /**
     * The name the application gave for {@code remote} (or its literal): never the reverse-DNS name
     * that {@code getHostString()} returns once anything asked for the address's host name.
     */
    private String hostOf(InetSocketAddress remote) {
        // Unresolved: the name as given.
        return remote.getAddress() == null ? remote.getHostString() : Destination.hostOf(remote.getAddress(), access);
    }

    private static String addressOf(InetSocketAddress remote) {
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** Fail closed where the tunnel's destination is enforced; say it in every mode. */
    private void tunnelTooLate(Socket socket, Destination to, MailProtocol protocol, Policy policy) {
        boolean enforce = policy.enforces();
        String detail = "the proxy's own destination is off, so the socket was left alone before the mail library "
                + "named " + to.host() + ":" + to.port() + " as its tunnel's end"
                + (enforce ? "; closed (mode=enforce)" : "; it went on unguarded");
        if (enforce) {
            Transport.closeQuietly(socket);
        }
        audit(new AuditRecord.Builder()
                .destination(to.host(), to.address(), to.port())
                .policy(protocol.word(), policy.mode().word(), policy.verifyWord())
                .rule(policy.rule(), policy.mode() == Mode.TESTING)
                .outcome(enforce ? Outcome.BLOCKED : Outcome.PLAINTEXT_OBSERVED, Reasons.AGENT_FAULT, detail)
                .foundBy(FoundBy.LIBRARY.word(), null)
                .appClass(to.appClass())
                .build());
    }

    /** Whether a fault on this socket must fail closed: its policy enforces (or, not knowing it, any does). */
    private boolean enforcesAt(Socket socket) {
        try {
            Destination to = Destination.of(socket, access, false);
            for (MailProtocol p : MailProtocol.values()) {
                if (config.policies().policyFor(to.host(), to.address(), to.port(), p).enforces()) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException | Error e) {
            return config.policies().anyEnforce();
        }
    }

    void audit(AuditRecord record) {
        auditLog.write(record);
    }

    void warn(String line) {
        auditLog.warn(line);
    }

    /** At exit, sessions still open get their record too: one per connection, always. */
    private void flushOpenSessions() {
        for (GuardedConnection connection : open.snapshot()) {
            connection.flushRecordAtExit();
        }
    }
}
