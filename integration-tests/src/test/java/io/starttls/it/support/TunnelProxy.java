package io.starttls.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A loopback proxy that tunnels to one loopback port, as a SOCKS5 server (no authentication) or an
 * HTTP server answering CONNECT. It records the destination each client asked for, and every byte
 * a client sent inside the tunnel, as it crossed.
 */
public final class TunnelProxy implements AutoCloseable {
    /** The proxy protocols. */
    public enum Kind { SOCKS5, HTTP_CONNECT }

    private final Kind kind;
    private final int targetPort;
    private final ServerSocket listener;
    private final ByteArrayOutputStream tunnelled = new ByteArrayOutputStream();
    private volatile String requested;

    public TunnelProxy(Kind kind, int targetPort) throws IOException {
        this.kind = kind;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tunnel-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The destination the last client asked for: host:port. */
    public String requested() {
        return requested;
    }

    /** Everything the clients sent through the tunnel. */
    public synchronized String tunnelledBytes() {
        return tunnelled.toString(StandardCharsets.ISO_8859_1);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread t = new Thread(() -> serve(client), "tunnel-proxy-session");
                t.setDaemon(true);
                t.start();
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // next connection
            }
        }
    }

    private void serve(Socket client) {
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            if (kind == Kind.SOCKS5) {
                socksHandshake(in, out);
            } else {
                connectHandshake(in, out);
            }
            // JavaMail reads the CONNECT reply through a BufferedReader, which swallows a greeting
            // that arrives in the same read (with or without the agent): a real proxy's latency
            // keeps them apart, and so does this pause.
            Thread.sleep(kind == Kind.HTTP_CONNECT ? 200 : 0);
            Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            pump(in, server.getOutputStream(), true, client, server);
            pump(server.getInputStream(), out, false, server, client);
        } catch (IOException e) {
            closeQuietly(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(client);
        }
    }

    private void socksHandshake(DataInputStream in, OutputStream out) throws IOException {
        if (in.readUnsignedByte() != 5) {
            throw new IOException("not SOCKS5");
        }
        in.readFully(new byte[in.readUnsignedByte()]); // the methods offered
        out.write(new byte[] {5, 0}); // no authentication
        out.flush();
        in.readUnsignedByte(); // version
        in.readUnsignedByte(); // CONNECT
        in.readUnsignedByte(); // reserved
        int type = in.readUnsignedByte();
        String host;
        if (type == 1) {
            byte[] a = new byte[4];
            in.readFully(a);
            host = InetAddress.getByAddress(a).getHostAddress();
        } else if (type == 3) {
            byte[] name = new byte[in.readUnsignedByte()];
            in.readFully(name);
            host = new String(name, StandardCharsets.US_ASCII);
        } else {
            byte[] a = new byte[16];
            in.readFully(a);
            host = InetAddress.getByAddress(a).getHostAddress();
        }
        requested = host + ":" + in.readUnsignedShort();
        out.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 1, 0, 0});
        out.flush();
    }

    private void connectHandshake(InputStream in, OutputStream out) throws IOException {
        StringBuilder line = new StringBuilder();
        String first = null;
        int b;
        while ((b = in.read()) >= 0) {
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String text = line.toString().trim();
            line.setLength(0);
            if (first == null) {
                first = text;
            } else if (text.isEmpty()) {
                break;
            }
        }
        if (first == null || !first.startsWith("CONNECT ")) {
            throw new IOException("not CONNECT: " + first);
        }
        requested = first.split(" ")[1];
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void pump(InputStream from, OutputStream to, boolean record, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                int n;
                while ((n = from.read(buf)) > 0) {
                    if (record) {
                        synchronized (this) {
                            tunnelled.write(buf, 0, n);
                        }
                    }
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "tunnel-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
