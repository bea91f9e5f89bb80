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
            SmtpLines.expect(in, "220");
            SmtpLines.send(out, "EHLO handwritten.example.test");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "STARTTLS");
            SmtpLines.expect(in, "220");
            SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(plain, "localhost", port, true);
            tls.startHandshake();
            System.out.println("TLS " + tls.getSession().getProtocol());
            in = reader(tls);
            out = tls.getOutputStream();
            SmtpLines.send(out, "EHLO handwritten.example.test");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "MAIL FROM:<hand@example.test>");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "RCPT TO:<alice@example.test>");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "DATA");
            SmtpLines.expect(in, "354");
            SmtpLines.send(out, "Subject: by hand\r\n\r\nsent by hand\r\n.");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "QUIT");
            System.out.println("SENT");
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
