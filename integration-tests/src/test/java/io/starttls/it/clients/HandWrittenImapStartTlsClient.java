package io.starttls.it.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** A hand-written IMAP client whose first command is STARTTLS, which it runs itself: {@code PORT USER PASSWORD}. */
public final class HandWrittenImapStartTlsClient {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        try (Socket plain = new Socket("localhost", port)) {
            BufferedReader in = reader(plain);
            System.out.println("S: " + in.readLine());
            command(plain.getOutputStream(), in, "a1 STARTTLS");
            SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(plain, "localhost", port, true);
            tls.startHandshake();
            System.out.println("TLS " + tls.getSession().getProtocol());
            in = reader(tls);
            command(tls.getOutputStream(), in, "a2 LOGIN " + args[1] + " " + args[2]);
            command(tls.getOutputStream(), in, "a3 LOGOUT");
        }
        System.out.println("RESULT: done");
    }

    private static void command(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String tag = line.substring(0, line.indexOf(' '));
        String reply;
        while ((reply = in.readLine()) != null && !reply.startsWith(tag + " ")) {
            // untagged data
        }
        if (reply == null || !reply.startsWith(tag + " OK")) {
            System.out.println("RESULT: refused: " + reply);
            System.exit(1);
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }
}
