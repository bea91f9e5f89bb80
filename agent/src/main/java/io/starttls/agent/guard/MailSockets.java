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
    private TlsUpgrader upgrader;
    private GeneralSecurityException upgraderFailure;
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
                    if (config.mode() == Mode.ENFORCE) {
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
        boolean enforce = config.mode() == Mode.ENFORCE;
        String address = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        String detail = "a java.nio SocketChannel, which the agent cannot upgrade"
                + (enforce ? "; refused at connect (mode=enforce)" : "; it went on unguarded");
        audit(new AuditRecord.Builder()
                .destination(remote.getHostString(), address, remote.getPort())
                .policy(protocol.word(), config.mode().word(), config.verify().word())
                .outcome(enforce ? Outcome.BLOCKED : Outcome.PLAINTEXT_OBSERVED, Reasons.NIO_NOT_GUARDED, detail)
                .foundBy(foundBy.word(), null)
                .appClass(CallerLocator.applicationClass())
                .build());
        if (enforce) {
            Throwables.sneakyThrow(new IOException("starttls-agent refused the " + protocol.word()
                    + " connection to " + remote.getHostString() + ":" + remote.getPort() + ": " + detail
                    + " [" + Reasons.NIO_NOT_GUARDED + "]; try again later"));
        }
    }

    /**
     * {@code sendUrgentData} on a mail socket: the byte would cross in clear beside the session,
     * before or beside TLS. Refused (thrown from the JDK method) except in monitor mode.
     */
    public void onUrgentData(Socket socket) {
        if (config.mode() == Mode.MONITOR) {
            return;
        }
        GuardedConnection driving = Reentry.driving();
        if (driving != null && driving.transport.carries(socket)) {
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
            GuardedConnection connection = new GuardedConnection(socket, protocol, this, foundBy,
                    destination != null ? destination : Destination.of(socket, access), proxied);
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
        GuardedConnection connection = new GuardedConnection(socket, protocol, this, FoundBy.CONVERSATION,
                Destination.of(socket, access), false);
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
        if (config.mode() != Mode.ENFORCE) {
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

    synchronized TlsUpgrader upgrader() throws TlsUpgradeException {
        if (upgrader == null && upgraderFailure == null) {
            try {
                upgrader = new TlsUpgrader(config);
            } catch (GeneralSecurityException e) {
                upgraderFailure = e;
            } catch (IOException e) {
                upgraderFailure = new GeneralSecurityException(e.getMessage(), e);
            }
        }
        if (upgrader == null) {
            throw new TlsUpgradeException(Reasons.AGENT_FAULT,
                    "TLS is not available in this JVM: " + upgraderFailure.getMessage(), upgraderFailure);
        }
        return upgrader;
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
