package io.starttls.it.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.apache.commons.net.ftp.FTPClient;

/**
 * Clients of protocols that are not mail, each printing what it got: Commons Net's FTPClient, a
 * hand-written FTP client, an SSH-style banner exchange with binary bytes after it, and
 * HttpURLConnection, and a client that writes one short token and exits without closing (the
 * agent holds such a word back while it could begin a mail command: it must still go out).
 * Usage: {@code ftp-commons-net|ftp-by-hand|ssh|http|token-then-exit PORT}.
 */
public final class OtherProtocolClient {
    public static void main(String[] args) throws IOException, InterruptedException {
        int port = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "ftp-commons-net": {
                FTPClient ftp = new FTPClient();
                ftp.connect("127.0.0.1", port);
                System.out.println("greeting " + ftp.getReplyString().trim());
                System.out.println("login " + ftp.login("anonymous", "guest@example.test"));
                System.out.println("syst " + ftp.getSystemType());
                ftp.logout();
                ftp.disconnect();
                break;
            }
            case "ftp-by-hand":
                try (Socket s = new Socket("127.0.0.1", port)) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.ISO_8859_1));
                    PrintWriter out = new PrintWriter(s.getOutputStream());
                    System.out.println("S: " + in.readLine());
                    for (String command : new String[] {"USER anonymous", "PASS guest@example.test", "PWD", "QUIT"}) {
                        out.print(command + "\r\n");
                        out.flush();
                        System.out.println("S: " + in.readLine());
                    }
                }
                break;
            case "ssh":
                try (Socket s = new Socket("127.0.0.1", port)) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    System.out.println("S: " + readLine(in));
                    out.write("SSH-2.0-TestClient_1.0\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    byte[] packet = in.readNBytes(13);
                    System.out.println("S: " + packet.length + " bytes");
                    out.write(new byte[] {0, 0, 0, 12, 10, 20, (byte) 0x80, (byte) 0xff, 'E', 'H', 'L', 'O', '\n'});
                    out.flush();
                }
                break;
            case "token-then-exit": {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(500);
                System.out.println("done");
                System.exit(0); // no close: the token must have gone out by itself
                break;
            }
            default: {
                HttpURLConnection http = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/status")
                        .openConnection();
                System.out.println("status " + http.getResponseCode());
                System.out.println("body " + new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .trim());
                http.disconnect();
            }
        }
        System.out.println("done");
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return line.toString().trim();
    }
}
