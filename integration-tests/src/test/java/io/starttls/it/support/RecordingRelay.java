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

/**
 * A wire capture for loopback: the application connects to the relay, the relay to the real
 * server, and every byte the application sent is recorded as it crossed the wire.
 */
public final class RecordingRelay implements AutoCloseable {
    private static final int MAX_RECORDED = 4 * 1024 * 1024;
    private final ServerSocket listener;
    private final int targetPort;
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();

    public RecordingRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "recording-relay");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Everything the clients sent, as it was on the wire. */
    public synchronized String clientBytes() {
        return fromClient.toString(StandardCharsets.ISO_8859_1);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pump(client, server, true);
                pump(server, client, false);
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // next connection
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (record) {
                        synchronized (this) {
                            if (fromClient.size() < MAX_RECORDED) {
                                fromClient.write(buf, 0, n);
                            }
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    closeQuietly(to);
                }
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
