package io.starttls.agent.guard;

import io.starttls.agent.audit.AuditLog;
import io.starttls.agent.audit.AuditRecord;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.Mode;
import io.starttls.agent.protocol.Reasons;
import io.starttls.agent.tls.TlsUpgradeException;
import io.starttls.agent.tls.TlsUpgrader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;

/**
 * Everything the agent needs once a mail connection exists: the guards, the TLS context, the audit
 * log. Built on the first mail socket, not at start-up, so an application that never sends mail
 * pays for none of it.
 */
public final class MailSockets {
    private final AgentConfig config;
    private final AuditLog auditLog;
    private final GuardSlot slot;
    private final OpenSessions open = new OpenSessions();
    private TlsUpgrader upgrader;
    private GeneralSecurityException upgraderFailure;

    public MailSockets(AgentConfig config, GuardSlot slot) {
        this.config = config;
        this.slot = slot;
        this.auditLog = new AuditLog(config.logEnabled(), config.auditLog());
        Runtime.getRuntime().addShutdownHook(new Thread(this::flushOpenSessions, "starttls-agent-audit"));
    }

    AgentConfig config() {
        return config;
    }

    /**
     * The stream to give the application for {@code raw}, a stream of a socket to a mail port;
     * {@code raw == null} says that the socket is being closed.
     */
    public Object onStream(Socket socket, MailProtocol protocol, Object raw) {
        GuardedConnection driving = Reentry.driving();
        if (driving != null) {
            return raw == null ? null : driving.streamForAgent(raw);
        }
        if (raw == null) {
            GuardedConnection connection = (GuardedConnection) slot.get(socket);
            if (connection != null) {
                connection.onSocketClose();
                open.remove(connection);
            }
            return null;
        }
        try {
            GuardedConnection connection = guardOf(socket, protocol);
            return raw instanceof InputStream ? connection.input((InputStream) raw)
                    : connection.output((OutputStream) raw);
        } catch (RuntimeException | Error e) {
            return onFault(socket, raw, e);
        }
    }

    /**
     * A mail library said how it will use a new socket (see LibraryTransformer): when it is
     * configured to run STARTTLS itself, the guard watches instead of driving.
     */
    public Object onLibrarySignal(Socket socket, MailProtocol protocol, Object[] signal) {
        try {
            if (LibrarySignals.asksForStartTls(signal)) {
                return answerStartTls(socket) ? Boolean.TRUE : null;
            }
            if (LibrarySignals.appManagesTls(signal)) {
                guardOf(socket, protocol).appManaged();
            }
        } catch (RuntimeException | Error e) {
            System.err.println("starttls-agent: could not read the mail library's TLS configuration (" + e
                    + "); the agent will run STARTTLS itself on this connection");
        }
        return null;
    }

    /**
     * The application asks for STARTTLS (Commons Net execTLS) on a connection that the agent has
     * already secured: say yes for it, instead of letting a second STARTTLS go inside the TLS.
     */
    private boolean answerStartTls(Socket socket) {
        GuardedConnection connection = (GuardedConnection) slot.get(socket);
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

    private GuardedConnection guardOf(Socket socket, MailProtocol protocol) {
        synchronized (slot) {
            GuardedConnection connection = (GuardedConnection) slot.get(socket);
            if (connection == null) {
                connection = new GuardedConnection(socket, protocol, this);
                slot.set(socket, connection);
                open.add(connection);
            }
            return connection;
        }
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

    private volatile boolean toldOfAnsweredStartTls;

    void audit(AuditRecord record) {
        auditLog.write(record);
    }

    void warn(String line) {
        auditLog.warn(line);
    }

    /** At exit, sessions still open get their record too: one per connection, always. */
    private void flushOpenSessions() {
        for (GuardedConnection connection : open.snapshot()) {
            connection.flushRecord();
        }
    }
}
