package io.starttls.it.clients;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * A legacy sender that nobody can restart: it keeps one SMTP session open from its start (a
 * long-lived relay connection) and sends a session to each HOST:PORT every 300 ms, printing
 * "SENT n host:port" or "FAILED n host:port: why". When CONTROL/finish-open appears it ends the
 * long-lived session with a message, written to the socket's output stream asked for anew
 * ("OPEN-SESSION SENT" or "OPEN-SESSION FAILED: why"); it exits
 * when CONTROL/exit appears. Its PID goes to CONTROL/pid.
 */
public final class LoopingSender {
    private LoopingSender() {
    }

    public static void main(String[] args) throws Exception {
        File control = new File(args[0]);
        String first = args[1];
        int colon = first.lastIndexOf(':');
        Socket open = new Socket(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
        open.setSoTimeout(10_000);
        BufferedReader openIn = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream openOut = open.getOutputStream();
        SmtpLines.expect(openIn, "220");
        SmtpLines.send(openOut, "EHLO long-lived.example.test");
        SmtpLines.expect(openIn, "250");
        Files.write(new File(control, "pid.tmp").toPath(), Long.toString(ProcessHandle.current().pid()).getBytes());
        Files.move(new File(control, "pid.tmp").toPath(), new File(control, "pid").toPath());
        boolean openFinished = false;
        for (int n = 0; !new File(control, "exit").exists(); n++) {
            if (!openFinished && new File(control, "finish-open").exists()) {
                openFinished = true;
                // Asked again after the attach: the socket's stream must still be its own (left alone).
                openOut = open.getOutputStream();
                try {
                    SmtpLines.send(openOut, "MAIL FROM:<relay@example.test>");
                    SmtpLines.expect(openIn, "250");
                    SmtpLines.send(openOut, "RCPT TO:<alice@example.test>");
                    SmtpLines.expect(openIn, "250");
                    SmtpLines.send(openOut, "DATA");
                    SmtpLines.expect(openIn, "354");
                    SmtpLines.send(openOut, "Subject: long-lived\r\n\r\nsent on the connection opened before\r\n.");
                    SmtpLines.expect(openIn, "250");
                    SmtpLines.send(openOut, "QUIT");
                    SmtpLines.expect(openIn, "221");
                    System.out.println("OPEN-SESSION SENT");
                } catch (IOException e) {
                    System.out.println("OPEN-SESSION FAILED: " + e.getMessage());
                }
                open.close();
            }
            for (int i = 1; i < args.length; i++) {
                System.out.print(n + " ");
                MultiDestinationSender.main(new String[] {args[i]});
            }
            System.out.flush();
            Thread.sleep(300);
        }
    }
}
