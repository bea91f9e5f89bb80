package io.starttls.it.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.SocketFactory;

/**
 * A legacy-style SMTP client that opens its socket in one of the ways found in old code, and can
 * speak before it has read the greeting (as some impatient clients do).
 */
public final class SmtpIdiomsClient {
    /** A subclass, as frameworks make them. */
    static final class TracingSocket extends Socket {
        TracingSocket(String host, int port) throws IOException {
            super(host, port);
        }
    }

    /**
     * A subclass that hides its remote address: the agent cannot describe the connection, which
     * exercises its fault handling (a fault of the agent's must fail closed only under enforce).
     */
    static final class SecretiveSocket extends Socket {
        SecretiveSocket(String host, int port) throws IOException {
            super(host, port);
        }

        @Override
        public java.net.SocketAddress getRemoteSocketAddress() {
            return null;
        }

        @Override
        public java.net.InetAddress getInetAddress() {
            return null;
        }
    }

    public static void main(String[] args) throws IOException {
        String idiom = args[0];
        int port = Integer.parseInt(args[1]);
        Integer timeout = args.length > 2 ? Integer.valueOf(args[2]) : null;
        // A batch job that opens one connection per message, as most legacy senders do.
        int sessions = idiom.equals("three-in-a-row") ? 3 : 1;
        for (int i = 0; i < sessions; i++) {
            session(idiom, port, timeout);
        }
    }

    private static void session(String idiom, int port, Integer timeout) throws IOException {
        Socket socket;
        switch (idiom) {
            case "unconnected-then-connect":
                socket = new Socket();
                socket.connect(new InetSocketAddress("localhost", port), 5000);
                break;
            case "socket-factory":
                socket = SocketFactory.getDefault().createSocket("localhost", port);
                break;
            case "subclass":
                socket = new TracingSocket("localhost", port);
                break;
            case "secretive-subclass":
                socket = new SecretiveSocket("localhost", port);
                break;
            default:
                socket = new Socket("localhost", port);
                break;
        }
        if (timeout != null) {
            socket.setSoTimeout(timeout);
        }
        try (Socket s = socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            boolean writeFirst = idiom.equals("write-first");
            if (idiom.equals("polls-available")) {
                // Old code that waits for the greeting by polling available() before it reads.
                long end = System.currentTimeMillis() + 10_000;
                while (s.getInputStream().available() == 0) {
                    if (System.currentTimeMillis() > end) {
                        throw new IOException("no greeting became available");
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            }
            if (writeFirst) {
                SmtpLines.send(out, "EHLO idioms.example.test");
            }
            SmtpLines.expect(in, "220");
            if (!writeFirst) {
                SmtpLines.send(out, "EHLO idioms.example.test");
            }
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "MAIL FROM:<idioms@example.test>");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "RCPT TO:<alice@example.test>");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "DATA");
            SmtpLines.expect(in, "354");
            SmtpLines.send(out, "Subject: " + idiom + "\r\n\r\nsent by " + idiom + "\r\n.");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "QUIT");
            SmtpLines.expect(in, "221");
            System.out.println("SENT " + idiom);
        }
    }
}
