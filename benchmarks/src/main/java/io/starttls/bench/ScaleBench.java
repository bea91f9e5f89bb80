package io.starttls.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Memory and scale. {@code concurrent MODE PORT N}: N SMTP sessions open at once, each past its
 * (post-TLS) EHLO and then idle; prints errors and retained heap per connection. MODE {@code legacy}
 * is a plain client (run it under the agent), {@code native} does STARTTLS itself with JSSE: the
 * baseline of what JSSE holds. {@code short PORT N}: N short sessions in a row (greeting, QUIT);
 * prints the retained heap after the first tenth and at the end.
 */
public final class ScaleBench {
    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("concurrent")) {
            concurrent(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } else {
            shortSessions(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        }
    }

    private static void concurrent(String mode, int port, int n) throws Exception {
        List<Socket> open = new ArrayList<>();
        long before = retainedHeap();
        int errors = 0;
        for (int i = 0; i < n; i++) {
            try {
                open.add(session(mode, port));
            } catch (IOException e) {
                errors++;
            }
        }
        long after = retainedHeap();
        System.out.printf("concurrent %s sessions=%d errors=%d heapPerConnectionKiB=%.1f%n", mode, open.size(), errors,
                (after - before) / 1024.0 / Math.max(1, open.size()));
        for (Socket s : open) {
            s.close();
        }
    }

    private static Socket session(String mode, int port) throws Exception {
        Socket plain = new Socket("localhost", port);
        plain.setSoTimeout(30_000);
        Socket s = plain;
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        SmtpReplies.expect(in, "220");
        if (mode.equals("native")) {
            SmtpReplies.command(out, in, "EHLO scale.example.test", "250");
            SmtpReplies.command(out, in, "STARTTLS", "220");
            SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "localhost", port, true);
            tls.startHandshake();
            s = tls;
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out = s.getOutputStream();
        }
        SmtpReplies.command(out, in, "EHLO scale.example.test", "250");
        return s;
    }

    private static void shortSessions(int port, int n) throws Exception {
        long early = 0;
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket("localhost", port)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                SmtpReplies.expect(in, "220");
                SmtpReplies.command(out, in, "QUIT", "221");
            }
            if (i + 1 == n / 10) {
                early = retainedHeap();
            }
        }
        long end = retainedHeap();
        System.out.printf("short sessions=%d retainedKiBAfterTenth=%d retainedKiBAtEnd=%d%n", n, early / 1024,
                end / 1024);
    }

    private static SSLContext trustAllContext;

    private static synchronized SSLContext trustAll() throws Exception {
        if (trustAllContext == null) {
            trustAllContext = SSLContext.getInstance("TLS");
            trustAllContext.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
        }
        return trustAllContext;
    }

    private static long retainedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
