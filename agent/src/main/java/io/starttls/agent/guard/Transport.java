package io.starttls.agent.guard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * The socket that carries a guarded connection's bytes and its raw streams: the application's own
 * socket, or the one that replaced it after a reconnect in clear. Timeouts are set through the
 * unsynchronised accessors the agent added to Socket, and the application's own timeout is kept:
 * a change it makes while the negotiation runs is noticed and restored afterwards.
 */
final class Transport {
    private final Socket appSocket;
    private final SocketAccess access;
    private final GuardedConnection owner;
    private volatile Deadline handshakeDeadline;
    private volatile HandshakeInput handshakeInput;
    private volatile Socket current;
    private volatile InputStream rawIn;
    private volatile OutputStream rawOut;
    private int appTimeout;
    private int agentTimeout = -1;

    Transport(Socket appSocket, SocketAccess access, GuardedConnection owner) {
        this.appSocket = appSocket;
        this.access = access;
        this.owner = owner;
        this.current = appSocket;
    }

    Socket appSocket() {
        return appSocket;
    }

    Socket current() {
        return current;
    }

    /** True for the sockets whose streams the agent itself uses. */
    boolean carries(Socket socket) {
        return socket == appSocket || socket == current;
    }

    /** The application's socket handed its raw stream to the hook. */
    void offer(Socket from, Object raw) {
        if (from != current) {
            return;
        }
        if (raw instanceof InputStream && rawIn == null) {
            rawIn = (InputStream) raw;
        } else if (raw instanceof OutputStream && rawOut == null) {
            rawOut = (OutputStream) raw;
        }
    }

    /** Must be called on a thread marked by {@link Reentry}, so that the hook hands out raw streams. */
    InputStream in() throws IOException {
        InputStream in = rawIn;
        if (in == null) {
            rawIn = in = current.getInputStream();
        }
        return in;
    }

    OutputStream out() throws IOException {
        OutputStream out = rawOut;
        if (out == null) {
            rawOut = out = current.getOutputStream();
        }
        return out;
    }

    /** The raw streams; asked of the socket on a marked thread, so that the hook hands out the JDK's. */
    InputStream rawIn() throws IOException {
        InputStream in = rawIn;
        if (in != null) {
            return in;
        }
        GuardedConnection previous = Reentry.enter(owner);
        try {
            return in();
        } finally {
            Reentry.exit(previous);
        }
    }

    OutputStream rawOut() throws IOException {
        OutputStream out = rawOut;
        if (out != null) {
            return out;
        }
        GuardedConnection previous = Reentry.enter(owner);
        try {
            return out();
        } finally {
            Reentry.exit(previous);
        }
    }

    /**
     * The stream the agent's own code (or JSSE on its behalf) gets when it asks the socket: during
     * the agent's handshake, the input is read under the negotiation's deadline.
     */
    Object streamForAgent(Object raw) {
        Deadline d = handshakeDeadline;
        if (d != null && raw instanceof InputStream) {
            HandshakeInput in = new HandshakeInput((InputStream) raw, this::setNegotiationTimeout, d);
            handshakeInput = in;
            return in;
        }
        return raw;
    }

    void beginAgentHandshake(Deadline deadline) {
        handshakeDeadline = deadline;
    }

    void endAgentHandshake() {
        handshakeDeadline = null;
        HandshakeInput in = handshakeInput;
        if (in != null) {
            in.handshakeDone();
        }
    }

    void beginNegotiation() throws SocketException {
        appTimeout = access.timeout(current);
        // What is on the socket now: a value the application sets before the agent's first read
        // (another thread, while the negotiation sets up) differs from it and is noticed, not lost.
        agentTimeout = appTimeout;
    }

    int appTimeout() throws SocketException {
        noticeApplicationTimeout();
        return appTimeout;
    }

    void setNegotiationTimeout(int millis) throws SocketException {
        noticeApplicationTimeout();
        access.setTimeout(current, millis);
        agentTimeout = millis;
    }

    /** The application's timeout back, including one it set while the negotiation ran. */
    void restoreApplicationTimeout() throws SocketException {
        noticeApplicationTimeout();
        access.setTimeout(current, appTimeout);
        agentTimeout = -1;
    }

    private void noticeApplicationTimeout() throws SocketException {
        if (agentTimeout >= 0) {
            int now = access.timeout(current);
            if (now != agentTimeout) {
                appTimeout = now; // the application changed it meanwhile: its value wins
            }
        }
    }

    /**
     * A new connection to the same address, from the same local address, with the application's
     * socket options. The broken connection stays open until the application closes its socket:
     * closing it now would make the application's next getOutputStream() fail.
     */
    Socket reconnect(int connectTimeoutMillis) throws IOException {
        Socket old = current;
        Socket replacement = new Socket();
        try {
            replacement.setKeepAlive(old.getKeepAlive());
            replacement.setOOBInline(old.getOOBInline());
            replacement.setTrafficClass(old.getTrafficClass());
            int linger = old.getSoLinger();
            replacement.setSoLinger(linger >= 0, Math.max(linger, 0));
            replacement.bind(new InetSocketAddress(old.getLocalAddress(), 0));
            replacement.connect(old.getRemoteSocketAddress(), connectTimeoutMillis);
        } catch (IOException | RuntimeException e) {
            closeQuietly(replacement);
            throw e;
        }
        return replacement;
    }

    void replaceWith(Socket replacement, InputStream in, OutputStream out) {
        current = replacement;
        rawIn = in;
        rawOut = out;
    }

    /** Closes a replacement socket, if there is one; the application closes its own. */
    void closeReplacement() {
        if (current != appSocket) {
            closeQuietly(current);
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}
