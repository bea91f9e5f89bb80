package io.starttls.testserver;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The server's side of one connection. It reads a byte at a time so that it never reads past a
 * line: what follows STARTTLS belongs to the TLS handshake.
 */
final class ServerConnection {
    private final RecordedSession session;
    private final Socket plain;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean inTls;

    ServerConnection(Socket socket, RecordedSession session) throws IOException {
        this.socket = socket;
        this.plain = socket;
        this.session = session;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** The next line without its line ending, or null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                break;
            }
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        byte[] raw = line.toByteArray();
        session.recordBytes(inTls, raw, 0, raw.length);
        String s = new String(raw, StandardCharsets.ISO_8859_1);
        return s.replaceAll("\r?\n$", "");
    }

    /** A line that is a command: recorded as such. */
    String readCommand() throws IOException {
        String line = readLine();
        if (line != null) {
            session.recordCommand(inTls, line);
        }
        return line;
    }

    byte[] readBytes(int n) throws IOException {
        byte[] buf = new byte[n];
        int got = 0;
        while (got < n) {
            int k = in.read(buf, got, n - got);
            if (k < 0) {
                throw new EOFException();
            }
            got += k;
        }
        session.recordBytes(inTls, buf, 0, n);
        return buf;
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void sendLine(String line) throws IOException {
        send(line + "\r\n");
    }

    /** Closes the sending side only: the client sees the end of the stream, the server still hears it. */
    void shutdownOutput() throws IOException {
        out.flush();
        socket.shutdownOutput();
    }

    boolean inTls() {
        return inTls;
    }

    /**
     * The server's TLS handshake; false (recorded) when the client did not complete it. Asked to,
     * it then reads on: what a client sends in clear after its failed handshake is recorded like
     * anything else it sends in clear.
     */
    boolean startTls(SSLContext context, String[] protocols) {
        return startTls(context, protocols, false);
    }

    boolean startTls(SSLContext context, String[] protocols, boolean listenAfterFailure) {
        try {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), false);
            tls.setUseClientMode(false);
            tls.setEnabledProtocols(protocols);
            tls.startHandshake();
            socket = tls;
            in = tls.getInputStream();
            out = tls.getOutputStream();
            inTls = true;
            session.tlsEstablished(tls.getSession().getProtocol());
            return true;
        } catch (IOException e) {
            session.handshakeFailed(String.valueOf(e.getMessage()));
            if (listenAfterFailure) {
                StartTlsStep.waitForClientToLeave(this);
            }
            return false;
        }
    }

    void close() {
        for (Socket s : new Socket[] {socket, plain}) {
            try {
                s.close();
            } catch (IOException e) {
                // gone
            }
        }
    }
}
