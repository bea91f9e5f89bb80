package io.starttls.it.clients;

import io.starttls.it.support.Secrets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A legacy sender with several servers in one JVM (a relay, a provider, a fax gateway): a
 * hand-written SMTP session to each HOST:PORT of its arguments, one after the other. Prints
 * "SENT host:port" or "FAILED host:port: why" for each, and goes on with the next.
 */
public final class MultiDestinationSender {
    private MultiDestinationSender() {
    }

    public static void main(String[] args) {
        for (String destination : args) {
            int colon = destination.lastIndexOf(':');
            String host = destination.substring(0, colon);
            int port = Integer.parseInt(destination.substring(colon + 1));
            try (Socket socket = new Socket(host, port)) {
                socket.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII));
                OutputStream out = socket.getOutputStream();
                SmtpLines.expect(in, "220");
                SmtpLines.send(out, "EHLO multi.example.test");
                SmtpLines.expect(in, "250");
                String plain = Base64.getEncoder().encodeToString(("\0" + Secrets.SMTP_USER + "\0"
                        + Secrets.SMTP_PASSWORD).getBytes(StandardCharsets.UTF_8));
                SmtpLines.send(out, "AUTH PLAIN " + plain);
                SmtpLines.expect(in, "235");
                SmtpLines.send(out, "MAIL FROM:<batch@example.test>");
                SmtpLines.expect(in, "250");
                SmtpLines.send(out, "RCPT TO:<alice@example.test>");
                SmtpLines.expect(in, "250");
                SmtpLines.send(out, "DATA");
                SmtpLines.expect(in, "354");
                SmtpLines.send(out, "Subject: to " + port + "\r\n\r\nconfidential figures\r\n.");
                SmtpLines.expect(in, "250");
                SmtpLines.send(out, "QUIT");
                SmtpLines.expect(in, "221");
                System.out.println("SENT " + destination);
            } catch (IOException e) {
                System.out.println("FAILED " + destination + ": " + e.getMessage());
            }
        }
    }
}
