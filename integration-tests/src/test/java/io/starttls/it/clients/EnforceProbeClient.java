package io.starttls.it.clients;

import io.starttls.it.support.Secrets;
import io.starttls.testserver.Mailbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Small clients that do what a careless, hurried or odd application does, each probing one way in
 * which enforce could fail open or hang: {@code main(probe, args...)}. Each prints what it saw, one
 * fact a line, for the test to read.
 */
public final class EnforceProbeClient {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "careless":
                careless(args[1], Integer.parseInt(args[2]), args[3].equals("read-first"));
                break;
            case "close-while-negotiating":
                closeWhileNegotiating(Integer.parseInt(args[1]));
                break;
            case "write-under-socket-lock":
                writeUnderSocketLock(Integer.parseInt(args[1]));
                break;
            case "tls-fails-then-clear":
                tlsFailsThenClear(Integer.parseInt(args[1]));
                break;
            case "alert-mail-from-stderr":
                alertMailFromStderr(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                break;
            case "literal-address-after-reverse-lookup":
                literalAddress(Integer.parseInt(args[1]));
                break;
            case "tamper-with-the-hook":
                tamper();
                SmtpSession.send(new Socket("localhost", Integer.parseInt(args[1])), true);
                break;
            case "mail-from-shutdown-hook":
                int port = Integer.parseInt(args[1]);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        SmtpSession.send(new Socket("localhost", port), true);
                    } catch (IOException e) {
                        System.out.println("HOOK FAILED " + e);
                    }
                }));
                System.out.println("MAIN DONE");
                break;
            case "from-local-address":
                Socket s = new Socket();
                s.bind(new InetSocketAddress(args[2], 0));
                s.connect(new InetSocketAddress("localhost", Integer.parseInt(args[1])), 5000);
                SmtpSession.send(s, false);
                break;
            case "timeout-set-while-negotiating":
                timeoutSetWhileNegotiating(Integer.parseInt(args[1]));
                break;
            case "urgent-data":
                urgentData(Integer.parseInt(args[1]));
                break;
            case "close-while-a-write-blocks":
                closeWhileAWriteBlocks(Integer.parseInt(args[1]));
                break;
            case "drop-without-close":
                dropWithoutClose(Integer.parseInt(args[1]));
                break;
            case "close-without-io":
                Socket quiet = new Socket("localhost", Integer.parseInt(args[1]));
                quiet.getInputStream();
                quiet.close();
                System.out.println("CLOSED");
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    /** The application's lines for the protocol: credentials, then mail where there is any. */
    private static String linesFor(String protocol) {
        switch (protocol) {
            case "smtp":
                return "EHLO careless.example.test\r\nAUTH PLAIN " + Base64.getEncoder().encodeToString(
                        ("\0" + Secrets.SMTP_USER + "\0" + Secrets.SMTP_PASSWORD).getBytes(StandardCharsets.UTF_8))
                        + "\r\nMAIL FROM:<careless@example.test>\r\n";
            case "imap":
                return "a1 LOGIN " + Mailbox.USER + " " + Mailbox.PASSWORD + "\r\n";
            default:
                return "USER " + Mailbox.USER + "\r\nPASS " + Mailbox.PASSWORD + "\r\n";
        }
    }

    /** Writes its commands whatever the server said (or before it said anything), then reads. */
    private static void careless(String protocol, int port, boolean readFirst) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(2_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            StringBuilder got = new StringBuilder();
            if (readFirst) {
                int n = in.read(buffer);
                got.append(n > 0 ? new String(buffer, 0, n, StandardCharsets.ISO_8859_1) : "<end>");
            }
            try {
                OutputStream out = socket.getOutputStream();
                out.write(linesFor(protocol).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                System.out.println("WROTE");
            } catch (IOException e) {
                System.out.println("WRITE FAILED " + e);
            }
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    got.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                got.append("<").append(e.getClass().getSimpleName()).append(">");
            }
            System.out.println("GOT " + got.toString().replace("\r\n", "|"));
        }
    }

    /** One thread reads (and so negotiates); another closes the socket meanwhile. */
    private static void closeWhileNegotiating(int port) throws Exception {
        Socket socket = new Socket("localhost", port);
        AtomicReference<String> reader = new AtomicReference<>("still reading");
        Thread t = new Thread(() -> {
            try {
                int b = socket.getInputStream().read();
                reader.set("read " + b);
            } catch (IOException e) {
                reader.set("exception " + e.getClass().getSimpleName());
            }
        });
        t.start();
        Thread.sleep(700);
        long start = System.nanoTime();
        socket.close();
        System.out.println("CLOSE RETURNED AFTER MS " + (System.nanoTime() - start) / 1_000_000);
        t.join(5000);
        System.out.println("READER " + reader.get());
        System.exit(0);
    }

    /** One thread reads (and negotiates); another writes while it holds the socket's monitor. */
    private static void writeUnderSocketLock(int port) throws Exception {
        Socket socket = new Socket("localhost", port);
        CountDownLatch written = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                socket.getInputStream().read();
            } catch (IOException e) {
                // the test looks at the writer and at the exit
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        Thread writer = new Thread(() -> {
            synchronized (socket) {
                try {
                    socket.getOutputStream().write("EHLO locked.example.test\r\n".getBytes(StandardCharsets.US_ASCII));
                    System.out.println("WRITER RETURNED");
                } catch (IOException e) {
                    System.out.println("WRITER EXCEPTION " + e.getClass().getSimpleName());
                }
            }
            written.countDown();
        });
        writer.setDaemon(true);
        writer.start();
        written.await();
        System.out.println("EXITING");
        System.exit(0); // the agent's shutdown hook must not wait on anything
    }

    /** STARTTLS by hand; its handshake fails (it does not trust the server); then it goes on in clear. */
    private static void tlsFailsThenClear(int port) throws IOException {
        try (Socket plain = new Socket("localhost", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = plain.getOutputStream();
            SmtpLines.expect(in, "220");
            SmtpLines.send(out, "EHLO stubborn.example.test");
            SmtpLines.expect(in, "250");
            SmtpLines.send(out, "STARTTLS");
            SmtpLines.expect(in, "220");
            try {
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(plain, "localhost", port, false);
                tls.startHandshake();
                System.out.println("TLS UP");
            } catch (IOException e) {
                System.out.println("HANDSHAKE FAILED " + e.getClass().getSimpleName());
            }
            try {
                String auth = Base64.getEncoder().encodeToString(
                        ("\0" + Secrets.SMTP_USER + "\0" + Secrets.SMTP_PASSWORD).getBytes(StandardCharsets.UTF_8));
                SmtpLines.send(out, "AUTH PLAIN " + auth);
                SmtpLines.send(out, "MAIL FROM:<stubborn@example.test>");
                System.out.println("SENT IN CLEAR");
            } catch (IOException e) {
                System.out.println("CLEAR WRITE FAILED " + e.getClass().getSimpleName());
            }
        }
    }

    /** Its System.err sends an alert mail: the agent's own log line runs application code. */
    private static void alertMailFromStderr(int mainPort, int alertPort) throws IOException {
        PrintStream original = System.err;
        boolean[] sent = {false};
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                original.write(b);
                if (b == '\n' && !sent[0]) {
                    sent[0] = true;
                    SmtpSession.send(new Socket("localhost", alertPort), true);
                    System.out.println("ALERT SENT");
                }
            }
        }, true));
        try {
            SmtpSession.send(new Socket("localhost", mainPort), true);
        } catch (IOException e) {
            System.out.println("MAIN MAIL FAILED " + e.getMessage());
        }
    }

    /** Connects to an address literal whose PTR name someone looked up first. */
    private static void literalAddress(int port) throws IOException {
        InetAddress address = InetAddress.getByName("127.0.0.1");
        System.out.println("PTR " + address.getHostName());
        SmtpSession.send(new Socket(address, port), true);
    }

    private static void tamper() {
        try {
            Socket.class.getField("starttlsAgent$hook").set(null, null);
            System.out.println("TAMPER getField SUCCEEDED");
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("TAMPER getField FAILED " + e.getClass().getSimpleName());
        }
        try {
            Field f = Socket.class.getDeclaredField("starttlsAgent$hook");
            f.setAccessible(true);
            f.set(null, null);
            System.out.println("TAMPER setAccessible SUCCEEDED");
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("TAMPER setAccessible FAILED " + e.getClass().getSimpleName());
        }
        try {
            // Where the hook lives when Socket was guarded by retransformation (the second way in).
            Field f = Class.forName("java.net.StarttlsAgentHook").getDeclaredField("hook");
            f.setAccessible(true);
            f.set(null, null);
            System.out.println("TAMPER boot-hook SUCCEEDED");
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("TAMPER boot-hook FAILED " + e.getClass().getSimpleName());
        }
    }

    /** Another thread changes the timeout while the first read negotiates. */
    private static void timeoutSetWhileNegotiating(int port) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    socket.setSoTimeout(4321);
                } catch (Exception e) {
                    System.out.println("SET FAILED " + e);
                }
            });
            t.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            SmtpLines.expect(in, "220");
            t.join();
            System.out.println("TIMEOUT " + socket.getSoTimeout());
        }
    }

    private static void urgentData(int port) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            try {
                socket.sendUrgentData('X');
                System.out.println("URGENT SENT");
            } catch (IOException e) {
                System.out.println("URGENT REFUSED " + e.getMessage());
            }
        }
    }

    /** A writer blocks (the server stopped reading) inside the agent's TLS; another thread closes. */
    private static void closeWhileAWriteBlocks(int port) throws Exception {
        Socket socket = new Socket("localhost", port);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        SmtpLines.expect(in, "220");
        Thread writer = new Thread(() -> {
            byte[] block = new byte[64 * 1024];
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < 10_000; i++) {
                    out.write(block);
                }
            } catch (IOException e) {
                System.out.println("WRITER " + e.getClass().getSimpleName());
            }
        });
        writer.setDaemon(true);
        writer.start();
        Thread.sleep(1500);
        long start = System.nanoTime();
        socket.close();
        System.out.println("CLOSE RETURNED AFTER MS " + (System.nanoTime() - start) / 1_000_000);
        writer.join(5000);
        System.exit(0);
    }

    /** Sends in clear, then drops the socket without close(), as careless code does. */
    private static void dropWithoutClose(int port) throws Exception {
        Socket socket = new Socket("localhost", port);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        SmtpLines.expect(in, "220");
        SmtpLines.send(out, "EHLO careless.example.test");
        SmtpLines.expect(in, "250");
        SmtpLines.send(out, "MAIL FROM:<careless@example.test>");
        SmtpLines.expect(in, "250");
        socket = null;
        in = null;
        out = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        System.out.println("DROPPED");
    }

    /** A legacy SMTP session: greeting, EHLO, (AUTH), one mail, QUIT. */
    static final class SmtpSession {
        static void send(Socket socket, boolean auth) throws IOException {
            try (Socket s = socket) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                SmtpLines.expect(in, "220");
                SmtpLines.send(out, "EHLO probe.example.test");
                SmtpLines.expect(in, "250");
                if (auth) {
                    SmtpLines.send(out, "AUTH PLAIN " + Base64.getEncoder().encodeToString(
                            ("\0" + Secrets.SMTP_USER + "\0" + Secrets.SMTP_PASSWORD).getBytes(StandardCharsets.UTF_8)));
                    SmtpLines.expect(in, "235");
                }
                SmtpLines.send(out, "MAIL FROM:<probe@example.test>");
                SmtpLines.expect(in, "250");
                SmtpLines.send(out, "RCPT TO:<alice@example.test>");
                SmtpLines.expect(in, "250");
                SmtpLines.send(out, "DATA");
                SmtpLines.expect(in, "354");
                SmtpLines.send(out, "Subject: probe\r\n\r\nsent by the probe\r\n.");
                SmtpLines.expect(in, "250");
                SmtpLines.send(out, "QUIT");
                SmtpLines.expect(in, "221");
                System.out.println("SENT");
            }
        }
    }
}
