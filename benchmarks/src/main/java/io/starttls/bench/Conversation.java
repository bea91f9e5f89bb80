package io.starttls.bench;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One client connection of a benchmark session: lines out, replies checked, and (for the native
 * modes) JSSE layered over the socket after the server's go-ahead, as JavaMail does. A reply that
 * is not the expected one throws, so a run counts only when every exchange was right.
 */
final class Conversation implements AutoCloseable {
    private final Socket plain;
    private SSLSocket tls;
    private final String host;
    private final int port;
    private final boolean buffered;
    private BufferedReader in;
    private OutputStream out;
    private int commands;
    private boolean resumed;

    /**
     * @param nodelay TCP_NODELAY on the client socket, as a tuned native client would set it
     * @param buffered one buffered write per command (JavaMail's way); false writes straight to the
     *     socket stream, as hand-written legacy code does
     */
    Conversation(String host, int port, boolean nodelay, boolean buffered) throws IOException {
        this.plain = new Socket(host, port);
        this.host = host;
        this.port = port;
        this.buffered = buffered;
        plain.setSoTimeout(30_000);
        plain.setTcpNoDelay(nodelay);
        streams(plain);
    }

    private void streams(Socket s) throws IOException {
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        out = buffered ? new BufferedOutputStream(s.getOutputStream(), 8192) : s.getOutputStream();
    }

    /** Layers TLS over the connection (the default SSLContext, so its session cache is the JVM's). */
    void startTls() throws IOException {
        tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, true);
        long started = System.currentTimeMillis();
        tls.startHandshake();
        // JSSE keeps a resumed session's creation time; a full handshake makes a new session.
        resumed = tls.getSession().getCreationTime() < started;
        streams(tls);
    }

    void send(String line) throws IOException {
        send((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        commands++;
    }

    /** An SMTP reply with this code (multi-line replies read to their last line). */
    void smtp(String code) throws IOException {
        SmtpReplies.expect(in, code);
    }

    /** The tagged IMAP reply to {@code tag}, which must be OK; untagged lines before it are read over. */
    void imap(String tag) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("expected " + tag + " OK, the server closed the connection");
            }
        } while (!line.startsWith(tag + " "));
        if (!line.startsWith(tag + " OK")) {
            throw new IOException("expected " + tag + " OK, got " + line);
        }
    }

    /** An untagged IMAP line such as the greeting. */
    void imapUntagged(String start) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(start)) {
            throw new IOException("expected " + start + ", got " + line);
        }
    }

    /** A positive POP3 reply. */
    void pop3() throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith("+OK")) {
            throw new IOException("expected +OK, got " + line);
        }
    }

    /** A positive POP3 multi-line reply (CAPA): its lines up to the terminating dot. */
    List<String> pop3List() throws IOException {
        pop3();
        List<String> lines = new ArrayList<>();
        for (String line = in.readLine(); !".".equals(line); line = in.readLine()) {
            if (line == null) {
                throw new IOException("the server closed the connection inside a multi-line reply");
            }
            lines.add(line);
        }
        return lines;
    }

    int commands() {
        return commands;
    }

    boolean resumed() {
        return resumed;
    }

    /** Closes TLS first when there is TLS (close_notify, as JavaMail's native STARTTLS does), then the socket. */
    @Override
    public void close() throws IOException {
        try {
            if (tls != null) {
                tls.close();
            }
        } finally {
            plain.close();
        }
    }
}
