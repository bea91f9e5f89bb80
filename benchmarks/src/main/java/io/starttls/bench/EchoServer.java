package io.starttls.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback echo server for the non-mail socket benchmarks: a thread per connection; with
 * {@code greets}, it first sends an FTP server's greeting (which starts as an SMTP one does).
 */
final class EchoServer implements AutoCloseable {
    static final byte[] FTP_GREETING = "220 ftp.example.test FTP server ready\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final ServerSocket listener;
    private final boolean greets;

    EchoServer() throws IOException {
        this(false);
    }

    EchoServer(boolean greets) throws IOException {
        this.greets = greets;
        listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "echo-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                s.setTcpNoDelay(true);
                Thread t = new Thread(() -> echo(s, greets), "echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket s, boolean greets) {
        try (Socket socket = s) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (greets) {
                out.write(FTP_GREETING);
            }
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // client gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
