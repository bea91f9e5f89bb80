package io.starttls.demo.imap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A legacy mailbox reader: hand-written IMAP over a plain socket, no TLS code. It logs in with a
 * password, selects the inbox and fetches the first message.
 *
 * <p>Exit status: 0 read; 75 temporary failure (try later); 1 other failure. The password is masked
 * in what it prints.
 */
public final class LegacyImapReader {
    private final BufferedReader in;
    private final OutputStream out;
    private int tag;

    private LegacyImapReader(Socket socket) throws IOException {
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = socket.getOutputStream();
    }

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        try (Socket socket = new Socket(opts.getOrDefault("host", "localhost"),
                Integer.parseInt(opts.getOrDefault("port", "143")))) {
            socket.setSoTimeout(60_000);
            System.exit(new LegacyImapReader(socket).read(opts.getOrDefault("user", "alice"),
                    opts.getOrDefault("password", "")));
        } catch (IOException e) {
            System.out.println("ERROR: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.println("RESULT: temporary failure, try again later");
            System.exit(75);
        }
    }

    private int read(String user, String password) throws IOException {
        String greeting = in.readLine();
        System.out.println("S: " + greeting);
        if (greeting == null || !greeting.startsWith("* OK")) {
            return failed(greeting);
        }
        String done = command("LOGIN " + user + " " + password, "LOGIN " + user + " ********");
        if (!done.contains(" OK")) {
            return failed(done);
        }
        done = command("SELECT INBOX", null);
        if (!done.contains(" OK")) {
            return failed(done);
        }
        done = command("FETCH 1 BODY[]", null);
        if (!done.contains(" OK")) {
            return failed(done);
        }
        command("LOGOUT", null);
        System.out.println("RESULT: mailbox read");
        return 0;
    }

    /** Sends a command and prints responses up to its tagged completion, which it returns. */
    private String command(String command, String shown) throws IOException {
        String t = "A" + (++tag);
        System.out.println("C: " + t + " " + (shown != null ? shown : command));
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            System.out.println("S: " + line);
            if (line.startsWith(t + " ")) {
                return line;
            }
        }
        return "(connection closed)";
    }

    private static int failed(String line) {
        if (line == null || line.startsWith("* BYE") || line.contains("[UNAVAILABLE]") || line.contains("closed")) {
            System.out.println("RESULT: temporary failure, try again later");
            return 75;
        }
        System.out.println("RESULT: failed");
        return 1;
    }
}
