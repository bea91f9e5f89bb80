package io.starttls.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the agent costs a socket that is not a mail connection: run once without and once with
 * {@code -javaagent} (benchmarks/run.sh does both, interleaved) and compare.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NonMailSocketBenchmark {
    private final byte[] kilobyte = new byte[1024];
    private final byte[] back = new byte[1024];
    private static final byte[] HTTP_REQUEST = ("GET /status HTTP/1.1\r\nHost: localhost\r\n"
            + "Accept: */*\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] FTP_USER = "USER anonymous\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final byte[] greeting = new byte[EchoServer.FTP_GREETING.length];
    private final byte[] httpBack = new byte[HTTP_REQUEST.length];
    private final byte[] ftpBack = new byte[FTP_USER.length];
    private EchoServer server;
    private EchoServer greetingServer;
    private Socket established;
    private InputStream in;
    private OutputStream out;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = new EchoServer();
        greetingServer = new EchoServer(true);
        established = new Socket(InetAddress.getLoopbackAddress(), server.port());
        established.setTcpNoDelay(true);
        in = established.getInputStream();
        out = established.getOutputStream();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        established.close();
        server.close();
        greetingServer.close();
    }

    /** Connect, get both streams, echo 1 KB, close. */
    @Benchmark
    public int roundTrip() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setTcpNoDelay(true);
            OutputStream o = s.getOutputStream();
            InputStream i = s.getInputStream();
            o.write(kilobyte);
            return readFully(i, back);
        }
    }

    /** A hot read/write loop on an established socket: the streams are asked for each time, as some code does. */
    @Benchmark
    public int hotLoop() throws IOException {
        established.getOutputStream().write(kilobyte);
        return readFully(established.getInputStream(), back);
    }

    /**
     * Only the two stream requests of the hot loop, without I/O: what the agent's hook costs per
     * call, in nanoseconds, free of the loopback's scatter (the second way looks the guard up in a
     * map where the first reads a field of the socket).
     */
    @Benchmark
    public Object streamRequests() throws IOException {
        established.getOutputStream();
        return established.getInputStream();
    }

    /** A hot loop that keeps its streams. */
    @Benchmark
    public int hotLoopKeptStreams() throws IOException {
        out.write(kilobyte);
        return readFully(in, back);
    }

    /**
     * The client speaks first with a text line (an HTTP request): the agent watches the first
     * exchange of every socket to an unlisted port, and rules this one out at its second word.
     */
    @Benchmark
    public int httpLikeRequest() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setTcpNoDelay(true);
            OutputStream o = s.getOutputStream();
            InputStream i = s.getInputStream();
            o.write(HTTP_REQUEST);
            return readFully(i, httpBack);
        }
    }

    /**
     * The server speaks first with a greeting that reads like a mail server's ({@code 220}, as an
     * FTP server's does), and the client answers with FTP's USER: watched, then ruled out.
     */
    @Benchmark
    public int ftpLikeGreeting() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), greetingServer.port())) {
            s.setTcpNoDelay(true);
            OutputStream o = s.getOutputStream();
            InputStream i = s.getInputStream();
            readFully(i, greeting);
            o.write(FTP_USER);
            return readFully(i, ftpBack);
        }
    }

    private static int readFully(InputStream i, byte[] b) throws IOException {
        int got = 0;
        while (got < b.length) {
            int n = i.read(b, got, b.length - got);
            if (n < 0) {
                throw new IOException("echo closed");
            }
            got += n;
        }
        return got;
    }
}
