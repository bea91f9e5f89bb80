package io.starttls.it.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The two halves of a hand-written SMTP client: send a command line, read a (multi-line) reply. */
final class SmtpLines {
    private SmtpLines() {
    }

    static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads a reply, printing it; fails unless it has the expected code. */
    static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            System.out.println("S: " + line);
            if (line == null || !line.startsWith(code)) {
                throw new IOException("expected " + code + ", got " + line);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
    }
}
