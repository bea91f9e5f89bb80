package io.starttls.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One JVM's worth of sequential mail sessions, timed one by one after a warm-up.
 *
 * <pre>MailSessionClient smtp MODE HOST PORT SESSIONS WARMUP MESSAGE_BYTES
 * MailSessionClient imap|pop3 MODE HOST PORT SESSIONS WARMUP USER PASSWORD</pre>
 *
 * Modes: {@code plain} (no TLS); {@code native} (the client does STARTTLS itself with JSSE, as
 * JavaMail does); {@code native-nodelay} (the same with TCP_NODELAY); {@code legacy} (a plain-text
 * client that knows nothing of TLS: run it under the agent, or against stunnel's local port).
 * Sessions: SMTP sends one message; IMAP logs in, selects INBOX and logs out; POP3 logs in, asks
 * STAT and quits. The native clients send what JavaMail sends before TLS (SMTP EHLO, STARTTLS;
 * IMAP STARTTLS when the greeting lists it; POP3 CAPA, STLS). Prints {@code first MS}, one {@code session MS} line per timed session,
 * {@code commands N} (commands the client sent in one session) and, for the native modes,
 * {@code resumed N} (TLS sessions resumed, warm-up included).
 */
public final class MailSessionClient {
    private final String protocol;
    private final String mode;
    private final String host;
    private final int port;
    private final String[] extra;
    private final byte[] message;

    private MailSessionClient(String[] args) {
        protocol = args[0];
        mode = args[1];
        host = args[2];
        port = Integer.parseInt(args[3]);
        extra = Arrays.copyOfRange(args, 6, args.length);
        message = protocol.equals("smtp") ? message(Integer.parseInt(extra[0])) : null;
    }

    public static void main(String[] args) throws Exception {
        MailSessionClient client = new MailSessionClient(args);
        int sessions = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        int commands = 0;
        int resumed = 0;
        for (int i = 0; i < warmup + sessions; i++) {
            long start = System.nanoTime();
            Conversation c = client.session();
            double ms = (System.nanoTime() - start) / 1e6;
            commands = c.commands();
            resumed += c.resumed() ? 1 : 0;
            if (i == 0) {
                System.out.println("first " + ms);
            }
            if (i >= warmup) {
                System.out.println("session " + ms);
            }
        }
        System.out.println("commands " + commands);
        if (client.mode.startsWith("native")) {
            System.out.println("resumed " + resumed);
        }
    }

    private Conversation session() throws IOException {
        boolean nativeTls = mode.startsWith("native");
        try (Conversation c = new Conversation(host, port, mode.equals("native-nodelay"), !mode.equals("legacy"))) {
            switch (protocol) {
                case "smtp":
                    smtp(c, nativeTls);
                    break;
                case "imap":
                    imap(c, nativeTls);
                    break;
                case "pop3":
                    pop3(c, nativeTls);
                    break;
                default:
                    throw new IllegalArgumentException("protocol must be smtp, imap or pop3: " + protocol);
            }
            return c;
        }
    }

    private void smtp(Conversation c, boolean nativeTls) throws IOException {
        c.smtp("220");
        c.send("EHLO bench.example.test");
        c.smtp("250");
        if (nativeTls) {
            c.send("STARTTLS");
            c.smtp("220");
            c.startTls();
            c.send("EHLO bench.example.test");
            c.smtp("250");
        }
        c.send("MAIL FROM:<bench@example.test>");
        c.smtp("250");
        c.send("RCPT TO:<bench@discard.test>");
        c.smtp("250");
        c.send("DATA");
        c.smtp("354");
        c.send(message);
        c.smtp("250");
        c.send("QUIT");
        c.smtp("221");
    }

    private void imap(Conversation c, boolean nativeTls) throws IOException {
        c.imapUntagged("* OK");
        if (nativeTls) {
            c.send("a0 STARTTLS");
            c.imap("a0");
            c.startTls();
        }
        c.send("a1 LOGIN " + extra[0] + " " + extra[1]);
        c.imap("a1");
        c.send("a2 SELECT INBOX");
        c.imap("a2");
        c.send("a3 LOGOUT");
        c.imap("a3");
    }

    private void pop3(Conversation c, boolean nativeTls) throws IOException {
        c.pop3();
        if (nativeTls) {
            // As JavaMail's POP3 store does: STLS only when CAPA lists it.
            c.send("CAPA");
            if (!c.pop3List().contains("STLS")) {
                throw new IOException("the server does not offer STLS");
            }
            c.send("STLS");
            c.pop3();
            c.startTls();
        }
        c.send("USER " + extra[0]);
        c.pop3();
        c.send("PASS " + extra[1]);
        c.pop3();
        c.send("STAT");
        c.pop3();
        c.send("QUIT");
        c.pop3();
    }

    /** A header, {@code bytes} of 78-character lines, and the end-of-data line. */
    private static byte[] message(int bytes) {
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) 'x');
        for (int i = 76; i < body.length; i += 78) {
            body[i - 1] = '\r';
            body[i] = '\n';
        }
        byte[] header = "Subject: benchmark\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[header.length + body.length + end.length];
        System.arraycopy(header, 0, message, 0, header.length);
        System.arraycopy(body, 0, message, header.length, body.length);
        System.arraycopy(end, 0, message, header.length + body.length, end.length);
        return message;
    }
}
