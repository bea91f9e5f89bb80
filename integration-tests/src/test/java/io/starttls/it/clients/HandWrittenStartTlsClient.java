package io.starttls.it.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** A hand-written SMTP client that does STARTTLS itself on its raw socket, then sends one mail. */
public final class HandWrittenStartTlsClient {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        try (Socket plain = new Socket("localhost", port)) {
            BufferedReader in = reader(plain);
            OutputStream out = plain.getOutputStream();
            expect(in, "220");
            send(out, "EHLO handwritten.example.test");
            expect(in, "250");
            send(out, "STARTTLS");
            expect(in, "220");
            SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(plain, "localhost", port, true);
            tls.startHandshake();
            System.out.println("TLS " + tls.getSession().getProtocol());
            in = reader(tls);
            out = tls.getOutputStream();
            send(out, "EHLO handwritten.example.test");
            expect(in, "250");
            send(out, "MAIL FROM:<hand@example.test>");
            expect(in, "250");
            send(out, "RCPT TO:<alice@example.test>");
            expect(in, "250");
            send(out, "DATA");
            expect(in, "354");
            send(out, "Subject: by hand\r\n\r\nsent by hand\r\n.");
            expect(in, "250");
            send(out, "QUIT");
            System.out.println("SENT");
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            System.out.println("S: " + line);
            if (line == null || !line.startsWith(code)) {
                throw new IOException("expected " + code + ", got " + line);
            }
        } while (line.charAt(3) == '-');
    }
}
