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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server whose replies during the STARTTLS negotiation are mutated, case by case, from a
 * seed: truncated lines, bad codes, binary noise, huge lines, duplicates, early close, delays.
 * When a case leaves the dialogue intact it completes TLS and serves EHLO and QUIT inside it.
 */
public final class FuzzingSmtpServer implements AutoCloseable {
    private static final String[] REPLIES = {
        "220 fuzz.localhost ESMTP\r\n", "250-fuzz.localhost\r\n250 STARTTLS\r\n", "220 go ahead\r\n"
    };
    private final ServerSocket listener;
    private final SSLContext tls;
    private final long seed;
    private final Set<Integer> tlsCases = ConcurrentHashMap.newKeySet();
    private final Set<Integer> clearSessions = ConcurrentHashMap.newKeySet();

    public FuzzingSmtpServer(SSLContext tls, long seed) throws IOException {
        this.tls = tls;
        this.seed = seed;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fuzz-server");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Cases in which the client completed a TLS handshake. */
    public Set<Integer> tlsCases() {
        return tlsCases;
    }

    /** Cases in which a client sent mail commands in clear (must stay empty under enforce). */
    public Set<Integer> clearSessions() {
        return clearSessions;
    }

    private void acceptLoop() {
        int n = 0;
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                int caseNumber = n++;
                Thread t = new Thread(() -> serve(s, caseNumber), "fuzz-case-" + caseNumber);
                t.setDaemon(true);
                t.start();
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // next
            }
        }
    }

    private void serve(Socket socket, int caseNumber) {
        Random random = new Random(seed * 1_000_003L + caseNumber);
        try (Socket s = socket) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String[] replies = REPLIES.clone();
            int mutated = random.nextInt(replies.length + 1); // == length: an intact case
            boolean closeEarly = false;
            if (mutated < replies.length) {
                replies[mutated] = mutate(replies[mutated], random);
                closeEarly = replies[mutated].isEmpty();
            }
            for (int step = 0; step < replies.length; step++) {
                if (step > 0) {
                    String command = readLine(in);
                    if (command == null) {
                        return;
                    }
                    if (command.equals("QUIT")) { // the agent's goodbye when it blocks
                        return;
                    }
                    if (!command.startsWith("EHLO") && !command.equals("STARTTLS")) {
                        clearSessions.add(caseNumber);
                        return;
                    }
                }
                if (closeEarly && step == mutated) {
                    return;
                }
                out.write(replies[step].getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false);
            t.setUseClientMode(false);
            t.startHandshake();
            tlsCases.add(caseNumber);
            InputStream tin = t.getInputStream();
            OutputStream tout = t.getOutputStream();
            String line;
            while ((line = readLine(tin)) != null) {
                tout.write((line.startsWith("QUIT") ? "221 bye\r\n" : "250 ok\r\n").getBytes(StandardCharsets.US_ASCII));
                tout.flush();
                if (line.startsWith("QUIT")) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client gave up or the handshake failed: that is what the client side reports
        }
    }

    private static String mutate(String reply, Random random) {
        byte[] b = reply.getBytes(StandardCharsets.ISO_8859_1);
        switch (random.nextInt(7)) {
            case 0:
                return reply.substring(0, 1 + random.nextInt(reply.length() - 1)); // truncated: no line end
            case 1:
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return new String(b, StandardCharsets.ISO_8859_1);
            case 2:
                byte[] noise = new byte[1 + random.nextInt(64)];
                random.nextBytes(noise);
                return reply + new String(noise, StandardCharsets.ISO_8859_1);
            case 3:
                return reply.substring(0, 4) + "x".repeat(70_000) + "\r\n";
            case 4:
                return (random.nextBoolean() ? "554" : "4") + reply.substring(3);
            case 5:
                return reply + reply;
            default:
                return "";
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        if (c < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
