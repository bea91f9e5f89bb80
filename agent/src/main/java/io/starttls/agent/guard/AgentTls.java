package io.starttls.agent.guard;

import io.starttls.agent.protocol.CommandObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/**
 * A session over the agent's own TLS. It looks at the first kilobyte the application sends, to
 * notice a hand-written client that runs STARTTLS itself (inside the agent's TLS, where the server
 * refuses it) and say how to fix that.
 */
final class AgentTls implements Session {
    private static final int WATCHED = 1024;

    private final SSLSocket socket;
    private final GuardedConnection connection;
    private final InputStream in;
    private final OutputStream out;
    private CommandObserver commandWatch;
    private int watched;
    /** Writes under way: a close_notify would wait for JSSE's write lock, which a blocked write holds. */
    private final java.util.concurrent.atomic.AtomicInteger writing = new java.util.concurrent.atomic.AtomicInteger();

    AgentTls(SSLSocket socket, GuardedConnection connection) throws IOException {
        this.socket = socket;
        this.connection = connection;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.commandWatch = new CommandObserver(connection.protocol);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (watch(b, off, len)) {
            Destination d = connection.destination;
            connection.runtime.warn("the application sent STARTTLS itself to " + d + " inside the agent's TLS, "
                    + "where the server will refuse it: if it manages TLS itself, start the agent with app-managed="
                    + d.host() + "@" + d.port() + " or app-managed=" + d.appClass());
        }
        writing.incrementAndGet();
        try {
            out.write(b, off, len);
        } finally {
            writing.decrementAndGet();
        }
    }

    /** True (once) when the application just sent STARTTLS itself. */
    private boolean watch(byte[] b, int off, int len) {
        boolean ownStartTls = false;
        CommandObserver w = commandWatch;
        if (w != null) {
            synchronized (this) {
                int n = Math.min(len, WATCHED - watched);
                w.feed(b, off, n);
                watched += n;
                if (w.sawStartTls()) {
                    ownStartTls = true;
                    commandWatch = null;
                } else if (watched >= WATCHED) {
                    commandWatch = null;
                }
            }
        }
        return ownStartTls;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * close_notify; the application's own close then closes the plain socket. Skipped while a write
     * is blocked (a server that stopped reading): the close of the plain socket then ends that
     * write at once, where a close_notify would wait for it.
     */
    void close() {
        if (writing.get() > 0) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
