package io.starttls.demo.pop3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A legacy mailbox reader: hand-written POP3 over a plain socket, no TLS code. It logs in with
 * USER/PASS, lists the mailbox and retrieves the first message.
 *
 * <p>Exit status: 0 read; 75 temporary failure (try later); 1 other failure. The password is masked
 * in what it prints.
 */
public final class LegacyPop3Reader {
    private final BufferedReader in;
    private final OutputStream out;

    private LegacyPop3Reader(Socket socket) throws IOException {
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = socket.getOutputStream();
    }

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        try (Socket socket = new Socket(opts.getOrDefault("host", "localhost"),
                Integer.parseInt(opts.getOrDefault("port", "110")))) {
            socket.setSoTimeout(60_000);
            System.exit(new LegacyPop3Reader(socket).read(opts.getOrDefault("user", "alice"),
                    opts.getOrDefault("password", "")));
        } catch (IOException e) {
            System.out.println("ERROR: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.println("RESULT: temporary failure, try again later");
            System.exit(75);
        }
    }

    private int read(String user, String password) throws IOException {
        String line = in.readLine();
        System.out.println("S: " + line);
        if (line == null || !line.startsWith("+OK")) {
            return failed(line);
        }
        if (!(line = command("USER " + user, null)).startsWith("+OK")
                || !(line = command("PASS " + password, "PASS ********")).startsWith("+OK")
                || !(line = command("STAT", null)).startsWith("+OK")) {
            return failed(line);
        }
        if (!(line = command("LIST", null)).startsWith("+OK")) {
            return failed(line);
        }
        printUntilDot();
        if (!(line = command("RETR 1", null)).startsWith("+OK")) {
            return failed(line);
        }
        printUntilDot();
        command("QUIT", null);
        System.out.println("RESULT: mailbox read");
        return 0;
    }

    private String command(String command, String shown) throws IOException {
        System.out.println("C: " + (shown != null ? shown : command));
        out.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String line = in.readLine();
        System.out.println("S: " + line);
        return line == null ? "(connection closed)" : line;
    }

    private void printUntilDot() throws IOException {
        String line;
        while ((line = in.readLine()) != null && !line.equals(".")) {
            System.out.println("S: " + line);
        }
    }

    private static int failed(String line) {
        if (line == null || line.contains("[SYS/TEMP]") || line.contains("closed")) {
            System.out.println("RESULT: temporary failure, try again later");
            return 75;
        }
        System.out.println("RESULT: failed");
        return 1;
    }
}
