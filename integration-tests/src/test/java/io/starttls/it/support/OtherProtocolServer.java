package io.starttls.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server for protocols that are not mail, to prove that the agent leaves them alone:
 * an FTP server whose greeting reads like an SMTP server's, an SSH-style banner exchange, and an
 * HTTP server. It records every byte each connection sent, exactly as it arrived.
 */
public final class OtherProtocolServer implements AutoCloseable {
    /** The protocols it speaks. */
    public enum Kind { FTP, SSH, HTTP }

    private final Kind kind;
    private final ServerSocket listener;
    private final List<byte[]> received = Collections.synchronizedList(new ArrayList<>());

    public OtherProtocolServer(Kind kind) throws IOException {
        this.kind = kind;
        this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "other-protocol-server");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** What the connections sent, one entry per finished connection, in the order they ended. */
    public List<String> received(int connections, long timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (received.size() < connections && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        List<String> out = new ArrayList<>();
        synchronized (received) {
            for (byte[] b : received) {
                out.add(new String(b, StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "other-protocol-session");
                t.setDaemon(true);
                t.start();
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // next connection
            }
        }
    }

    private void serve(Socket s) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (s) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (kind == Kind.FTP) {
                // Greets as an SMTP server would: only the client's first command tells them apart.
                send(out, "220 mail.example.test ESMTP ready\r\n");
            } else if (kind == Kind.SSH) {
                send(out, "SSH-2.0-OpenSSH_9.6 test\r\n");
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                all.write(b);
                line.write(b);
                if (b != '\n') {
                    continue;
                }
                String text = line.toString(StandardCharsets.ISO_8859_1).trim();
                line.reset();
                String reply = reply(text);
                if (reply != null) {
                    send(out, reply);
                }
                if (kind == Kind.HTTP && text.isEmpty() || kind == Kind.FTP && text.equalsIgnoreCase("QUIT")) {
                    break;
                }
            }
        } catch (IOException e) {
            // the connection ended; what it sent is recorded
        } finally {
            received.add(all.toByteArray());
        }
    }

    private String reply(String line) {
        switch (kind) {
            case FTP:
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "USER": return "331 Password required\r\n";
                    case "PASS": return "230 Logged in\r\n";
                    case "SYST": return "215 UNIX Type: L8\r\n";
                    case "PWD": return "257 \"/\" is the current directory\r\n";
                    case "QUIT": return "221 Goodbye\r\n";
                    default: return "200 OK\r\n";
                }
            case SSH:
                return line.startsWith("SSH-") ? "\u0000\u0000\u0000\u0008kexinit!\n" : null;
            default:
                return line.isEmpty() ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
                        + "Connection: close\r\n\r\nhello\n" : null;
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
