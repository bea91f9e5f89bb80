package io.starttls.testserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A mail server on 127.0.0.1 that follows a {@link ServerScript} and records what each client sent,
 * before and after TLS. One thread per client; everything stops on {@link #close()}.
 */
public final class ScriptedMailServer implements AutoCloseable {
    private final ServerScript script;
    private final TestCertificates certificates;
    private final ServerSocket listener;
    private final List<RecordedSession> sessions = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public ScriptedMailServer(ServerScript script, TestCertificates certificates) throws IOException {
        this(script, certificates, 0);
    }

    /** On a fixed port (0: any free one). */
    public ScriptedMailServer(ServerScript script, TestCertificates certificates, int port) throws IOException {
        this.script = script;
        this.certificates = certificates;
        this.listener = new ServerSocket(port, 1000, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "test-" + script.protocol() + "-server");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    TestCertificates certificates() {
        return certificates;
    }

    public List<RecordedSession> sessions() {
        return sessions;
    }

    /** The n-th session (from 0), once the client has left it. */
    public RecordedSession finishedSession(int n, long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (sessions.size() <= n) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("no session " + n + " reached the server; sessions: " + sessions);
            }
            Thread.sleep(10);
        }
        RecordedSession session = sessions.get(n);
        session.awaitFinished(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        return session;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                clients.add(client);
                RecordedSession session = new RecordedSession();
                session.clientAddress(client.getInetAddress().getHostAddress());
                sessions.add(session);
                Thread t = new Thread(() -> serve(client, session), "test-" + script.protocol() + "-session");
                t.setDaemon(true);
                t.start();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // try the next one
            }
        }
    }

    private void serve(Socket client, RecordedSession session) {
        ServerConnection connection = null;
        try {
            client.setSoTimeout(30_000);
            connection = new ServerConnection(client, session);
            ProtocolHandler handler = handler();
            if (script.implicitTls
                    && !connection.startTls(certificates.serverContext(script.certificate), script.tlsProtocols)) {
                return;
            }
            if (GreetingStep.send(connection, script, handler)) {
                handler.serve(connection, script, this, session);
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or misbehaved; the recording says what happened.
        } finally {
            if (connection != null) {
                connection.close();
            }
            session.finish();
        }
    }

    private ProtocolHandler handler() {
        switch (script.protocol()) {
            case IMAP:
                return new ImapHandler();
            case POP3:
                return new Pop3Handler();
            default:
                return new SmtpHandler();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
