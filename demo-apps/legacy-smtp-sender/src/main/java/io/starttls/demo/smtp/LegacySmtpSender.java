package io.starttls.demo.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A legacy mail sender, as found in old batch jobs: hand-written SMTP over a plain socket, no TLS
 * code at all. It authenticates with AUTH PLAIN or LOGIN when given credentials.
 *
 * <p>Exit status: 0 sent; 75 temporary failure (the message stays queued for a retry); 1 other
 * failure. It prints the dialogue, with the password and AUTH payloads masked.
 */
public final class LegacySmtpSender {
    private final BufferedReader in;
    private final OutputStream out;

    private LegacySmtpSender(Socket socket) throws IOException {
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = socket.getOutputStream();
    }

    public static void main(String[] args) {
        Map<String, String> opts = parse(args);
        String host = opts.getOrDefault("host", "localhost");
        int port = Integer.parseInt(opts.getOrDefault("port", "25"));
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(60_000);
            int status = new LegacySmtpSender(socket).send(opts);
            System.exit(status);
        } catch (IOException e) {
            System.out.println("ERROR: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.println("RESULT: temporary failure, message kept for retry");
            System.exit(75);
        }
    }

    private int send(Map<String, String> opts) throws IOException {
        String from = opts.getOrDefault("from", "batch@example.test");
        String to = opts.getOrDefault("to", "alice@example.test");
        Reply r = expect("220");
        if (r.failed()) {
            return r.exitStatus();
        }
        if ((r = command("EHLO legacy-app.example.test", "250")).failed()) {
            return r.exitStatus();
        }
        String user = opts.get("user");
        if (user != null) {
            String password = opts.getOrDefault("password", "");
            if ("login".equalsIgnoreCase(opts.getOrDefault("auth", "plain"))) {
                if ((r = command("AUTH LOGIN", "334")).failed()
                        || (r = secret(base64(user), "334")).failed()
                        || (r = secret(base64(password), "235")).failed()) {
                    return r.exitStatus();
                }
            } else if ((r = secretCommand("AUTH PLAIN ", base64("\0" + user + "\0" + password), "235")).failed()) {
                return r.exitStatus();
            }
        }
        if ((r = command("MAIL FROM:<" + from + ">", "250")).failed()
                || (r = command("RCPT TO:<" + to + ">", "250")).failed()
                || (r = command("DATA", "354")).failed()) {
            return r.exitStatus();
        }
        String body = "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: "
                + opts.getOrDefault("subject", "Nightly batch report") + "\r\n\r\n"
                + opts.getOrDefault("body", "All 42 jobs completed.") + "\r\n.\r\n";
        System.out.println("C: (message, " + body.length() + " bytes)");
        out.write(body.getBytes(StandardCharsets.ISO_8859_1));
        if ((r = expect("250")).failed()) {
            return r.exitStatus();
        }
        command("QUIT", "221");
        System.out.println("RESULT: message sent");
        return 0;
    }

    private Reply command(String line, String expected) throws IOException {
        System.out.println("C: " + line);
        write(line);
        return expect(expected);
    }

    private Reply secretCommand(String prefix, String secret, String expected) throws IOException {
        System.out.println("C: " + prefix + "********");
        write(prefix + secret);
        return expect(expected);
    }

    private Reply secret(String secret, String expected) throws IOException {
        System.out.println("C: ********");
        write(secret);
        return expect(expected);
    }

    private void write(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private Reply expect(String expected) throws IOException {
        String line;
        String last = null;
        while ((line = in.readLine()) != null) {
            System.out.println("S: " + line);
            last = line;
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        return new Reply(last, expected);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return opts;
    }

    /** A server reply judged against the code the dialogue expects. */
    private static final class Reply {
        private final String line;
        private final String expected;

        Reply(String line, String expected) {
            this.line = line;
            this.expected = expected;
        }

        boolean failed() {
            return line == null || !line.startsWith(expected);
        }

        int exitStatus() {
            if (line == null) {
                System.out.println("RESULT: connection closed by the server, message kept for retry");
                return 75;
            }
            if (line.startsWith("4")) {
                System.out.println("RESULT: temporary failure, message kept for retry");
                return 75;
            }
            System.out.println("RESULT: permanent failure");
            return 1;
        }
    }
}
