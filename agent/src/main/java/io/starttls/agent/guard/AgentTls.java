package io.starttls.agent.guard;

import io.starttls.agent.config.MailProtocol;
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
final class AgentTls {
    private static final int WATCHED = 1024;

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private CommandObserver commandWatch;
    private int watched;

    AgentTls(SSLSocket socket, MailProtocol protocol) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.commandWatch = new CommandObserver(protocol);
    }

    InputStream in() {
        return in;
    }

    /** Writes; returns true (once) when the application just sent STARTTLS itself. */
    boolean write(byte[] b, int off, int len) throws IOException {
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
        out.write(b, off, len);
        return ownStartTls;
    }

    void flush() throws IOException {
        out.flush();
    }

    /** close_notify; the application's own close then closes the plain socket. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
