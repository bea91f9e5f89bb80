package io.starttls.it.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A legacy SMTP client that opens many sessions in a row to a fuzzing server and says, for each,
 * whether it got a working session, a block reply, or an I/O error, and how long it took. At the
 * end it reports its live thread count before and after.
 */
public final class FuzzClient {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int cases = Integer.parseInt(args[1]);
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < cases; i++) {
            long start = System.nanoTime();
            String outcome;
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                outcome = session(s);
            } catch (IOException e) {
                outcome = "error";
            } catch (RuntimeException e) {
                outcome = "crash:" + e;
            }
            System.out.println("case " + i + " " + outcome + " " + (System.nanoTime() - start) / 1_000_000);
        }
        System.gc();
        Thread.sleep(200);
        System.out.println("threads " + threadsBefore + " " + Thread.activeCount());
    }

    private static String session(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        String greeting = in.readLine();
        if (greeting == null) {
            return "error";
        }
        if (greeting.startsWith("421 4.7.0 starttls-agent")) {
            return "blocked";
        }
        out.write("EHLO fuzz.example.test\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        if (line == null || !line.startsWith("250")) {
            return "error";
        }
        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return "session";
    }
}
