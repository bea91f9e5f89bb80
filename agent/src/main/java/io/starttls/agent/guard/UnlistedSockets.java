package io.starttls.agent.guard;

import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import java.io.InputStream;
import java.net.Socket;
import java.util.function.Supplier;

/**
 * The hook's side for sockets to ports that nobody listed: each gets an {@link UnlistedConnection}
 * that watches its first exchange (with {@code conversation=on}, the default), and a socket that a
 * mail library named, or that its conversation showed to be mail, gets its {@link GuardedConnection}.
 * Light on purpose: the full machinery ({@link MailSockets}: audit log, TLS) is built only when
 * the first mail connection is found.
 */
public final class UnlistedSockets {
    private final AgentConfig config;
    private final SocketAccess access;
    private final Supplier<MailSockets> mail;

    public UnlistedSockets(AgentConfig config, SocketAccess access, Supplier<MailSockets> mail) {
        this.config = config;
        this.access = access;
        this.mail = mail;
    }

    /** The stream to give the application for {@code raw}, a stream of a socket to an unlisted port. */
    public Object onStream(Socket socket, Object raw) {
        Object guard = access.guardOf(socket);
        if (guard instanceof GuardedConnection || carriedByAgent(socket)) {
            return mail.get().onStream(socket, null, raw);
        }
        if (!config.conversation() || guard == Untouched.OFF) {
            return raw;
        }
        // Watched even when its destination's policy is off: a mail library may still name another
        // destination for it (a proxy's tunnel), whose policy then decides.
        UnlistedConnection connection = guard instanceof UnlistedConnection ? (UnlistedConnection) guard
                : sniffer(socket);
        if (connection == null) {
            return mail.get().onStream(socket, null, raw); // a library named it meanwhile
        }
        connection.offer(raw);
        return raw instanceof InputStream ? connection.in : connection.out;
    }

    /** The socket is being closed. */
    public void onClose(Socket socket) {
        Object guard = access.guardOf(socket);
        if (guard instanceof GuardedConnection) {
            mail.get().onStream(socket, null, null);
        } else if (guard instanceof UnlistedConnection && !carriedByAgent(socket)) {
            ((UnlistedConnection) guard).releaseNow();
        }
    }

    /** {@code sendUrgentData}: refused on a guarded mail connection, as on a listed port. */
    public void onUrgentData(Socket socket) {
        Object guard = access.guardOf(socket);
        if (guard instanceof GuardedConnection) {
            mail.get().onUrgentData(socket);
        } else if (guard instanceof UnlistedConnection) {
            // Urgent data in the middle of a first command: not a mail client. What was held goes
            // first, so the byte order on the wire stays the application's.
            ((UnlistedConnection) guard).releaseNow();
        }
    }

    /** A library says the socket carries another protocol: it is left alone from now on. */
    public void notMail(Socket socket) {
        Object guard = access.guardOf(socket);
        if (guard instanceof UnlistedConnection) {
            ((UnlistedConnection) guard).notMail();
        }
    }

    /**
     * Its watcher found that the socket carries no mail: the socket needs it only through the
     * streams the application holds (a later stream request gets the JDK's: nothing is watched
     * any more).
     */
    void settledNotMail(Socket socket, UnlistedConnection watcher) {
        access.release(socket, watcher, Untouched.OFF);
    }

    GuardedConnection recognised(Socket socket, UnlistedConnection sniffer, MailProtocol protocol, byte[] seen,
                                 boolean seenOverflow, boolean readerInFlight, boolean appStartsTls) {
        return mail.get().recognised(socket, sniffer, protocol, seen, seenOverflow, readerInFlight, appStartsTls);
    }

    /**
     * A fault of the agent's while taking over a connection found to be mail: one line; under
     * enforce the socket is closed (true: nothing is to be sent), otherwise it goes on unguarded.
     */
    boolean onFault(Socket socket, Throwable e) {
        // Which protocol it carried is not known here: fail closed where any destination is enforced.
        boolean enforce = config.policies().anyEnforce();
        System.err.println("starttls-agent: internal error guarding the mail connection to "
                + socket.getInetAddress().getHostAddress() + ":" + socket.getPort() + " (" + e + "); "
                + (enforce ? "blocked (mode=enforce)" : "the connection goes on unguarded"));
        if (enforce) {
            Transport.closeQuietly(socket);
        }
        return enforce;
    }

    int maxGreetingBytes() {
        return config.maxLineBytes();
    }

    private UnlistedConnection sniffer(Socket socket) {
        synchronized (access) {
            Object guard = access.guardOf(socket);
            if (guard != null) {
                return guard instanceof UnlistedConnection ? (UnlistedConnection) guard : null;
            }
            UnlistedConnection connection = new UnlistedConnection(socket, this);
            access.setGuard(socket, connection);
            return connection;
        }
    }

    private static boolean carriedByAgent(Socket socket) {
        GuardedConnection driving = Reentry.driving();
        return driving != null && driving.transport.carries(socket);
    }
}
