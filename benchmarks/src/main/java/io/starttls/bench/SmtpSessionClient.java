package io.starttls.bench;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One JVM's worth of sequential SMTP sessions, timed one by one after a warm-up.
 *
 * <pre>SmtpSessionClient MODE HOST PORT SESSIONS WARMUP MESSAGE_BYTES</pre>
 *
 * Modes: {@code plain} (no TLS); {@code native} (JSSE layered over the socket after STARTTLS, as
 * JavaMail does); {@code native-nodelay} (the same with TCP_NODELAY); {@code legacy} (a plain-text
 * client that knows nothing of TLS: run it under the agent, or against stunnel's local port).
 * Prints {@code first MS}, one {@code session MS} line per timed session, and {@code commands N}.
 */
public final class SmtpSessionClient {
    private final String mode;
    private final String host;
    private final int port;
    private final byte[] message;
    private int commands;

    private SmtpSessionClient(String mode, String host, int port, int messageBytes) {
        this.mode = mode;
        this.host = host;
        this.port = port;
        byte[] body = new byte[messageBytes];
        Arrays.fill(body, (byte) 'x');
        for (int i = 76; i < body.length; i += 78) {
            body[i - 1] = '\r';
            body[i] = '\n';
        }
        String header = "Subject: benchmark\r\n\r\n";
        byte[] end = "\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
        message = new byte[header.length() + body.length + end.length];
        System.arraycopy(header.getBytes(StandardCharsets.US_ASCII), 0, message, 0, header.length());
        System.arraycopy(body, 0, message, header.length(), body.length);
        System.arraycopy(end, 0, message, header.length() + body.length, end.length);
    }

    public static void main(String[] args) throws Exception {
        SmtpSessionClient client = new SmtpSessionClient(args[0], args[1], Integer.parseInt(args[2]),
                Integer.parseInt(args[5]));
        int sessions = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        for (int i = 0; i < warmup + sessions; i++) {
            long start = System.nanoTime();
            client.commands = 0;
            client.session();
            double ms = (System.nanoTime() - start) / 1e6;
            if (i == 0) {
                System.out.println("first " + ms);
            }
            if (i >= warmup) {
                System.out.println("session " + ms);
            }
        }
        System.out.println("commands " + client.commands);
    }

    private void session() throws IOException {
        try (Socket plain = new Socket(host, port)) {
            plain.setSoTimeout(30_000);
            if (mode.equals("native-nodelay")) {
                plain.setTcpNoDelay(true);
            }
            Socket s = plain;
            BufferedReader in = reader(s);
            OutputStream out = output(s);
            expect(in, "220");
            command(out, in, "EHLO bench.example.test", "250");
            if (mode.startsWith("native")) {
                command(out, in, "STARTTLS", "220");
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(plain, host, port, true);
                tls.startHandshake();
                s = tls;
                in = reader(s);
                out = output(s);
                command(out, in, "EHLO bench.example.test", "250");
            }
            command(out, in, "MAIL FROM:<bench@example.test>", "250");
            command(out, in, "RCPT TO:<bench@discard.test>", "250");
            command(out, in, "DATA", "354");
            out.write(message);
            out.flush();
            commands++;
            expect(in, "250");
            command(out, in, "QUIT", "221");
        }
    }

    /** The legacy client writes to the raw stream; the native ones buffer per command, as JavaMail does. */
    private OutputStream output(Socket s) throws IOException {
        return mode.equals("legacy") ? s.getOutputStream() : new BufferedOutputStream(s.getOutputStream(), 8192);
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private void command(OutputStream out, BufferedReader in, String line, String code) throws IOException {
        commands++;
        SmtpReplies.command(out, in, line, code);
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        SmtpReplies.expect(in, code);
    }
}
