package io.starttls.agent.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starttls.agent.config.AgentConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The watcher of a socket to an unlisted port, over byte-array streams: what reaches the wire and
 * when, for exchanges that turn out not to be mail. (Mail is handed to a GuardedConnection; the
 * child-JVM tests cover that.)
 */
class UnlistedConnectionTest {
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    private UnlistedConnection watching(String serverSends) {
        UnlistedSockets runtime = new UnlistedSockets(AgentConfig.defaults(), new NoAccess(), () -> {
            throw new AssertionError("not mail: the mail machinery must not be built");
        });
        UnlistedConnection c = new UnlistedConnection(new Socket(), runtime);
        c.offer(new ByteArrayInputStream(serverSends.getBytes(StandardCharsets.ISO_8859_1)));
        c.offer(wire);
        return c;
    }

    private String sent() {
        return new String(wire.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    private static void write(UnlistedConnection c, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        c.write(b, 0, b.length);
    }

    @Test
    void aClientThatSpeaksFirstWithAnotherProtocolGoesOutAtOnce() throws IOException {
        UnlistedConnection c = watching("");
        write(c, "GET / HTTP/1.1\r\n");
        assertEquals("GET / HTTP/1.1\r\n", sent());
        write(c, "Host: x\r\n\r\n");
        assertEquals("GET / HTTP/1.1\r\nHost: x\r\n\r\n", sent());
    }

    @Test
    void anFtpSessionThatGreetsLikeSmtpIsLeftAlone() throws IOException {
        UnlistedConnection c = watching("220 ftp.example ESMTP\r\n331 ok\r\n");
        byte[] buf = new byte[23];
        assertEquals(23, c.read(buf, 0, buf.length));
        write(c, "USER anonymous\r\n");
        assertEquals("USER anonymous\r\n", sent());
    }

    @Test
    void aWordThatCouldBeginAMailCommandWaitsOnlyUntilTheClientReadsOrFlushes() throws IOException {
        UnlistedConnection c = watching("");
        write(c, "EH");
        assertEquals("", sent(), "held: it may become EHLO");
        c.flush();
        assertEquals("EH", sent(), "a flush sends it");
        write(c, "LO x\r\n");
        assertEquals("EHLO x\r\n", sent(), "and the connection is left alone from then on");

        UnlistedConnection reader = watching("+PONG\r\n");
        wire.reset();
        write(reader, "PING");
        assertEquals("", sent());
        reader.read(new byte[16], 0, 16);
        assertEquals("PING", sent(), "a read sends what was held first");
    }

    @Test
    void aHeldWordGoesOutByItselfSoon() throws Exception {
        UnlistedConnection c = watching("");
        write(c, "hello");
        long end = System.currentTimeMillis() + 5_000;
        while (sent().isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertEquals("hello", sent());
    }

    @Test
    void urgentDataSendsWhatWasHeldFirstSoTheOrderStaysTheApplications() throws IOException {
        UnlistedConnection c = watching("");
        Socket socket = new Socket();
        UnlistedSockets runtime = new UnlistedSockets(AgentConfig.defaults(), new NoAccess() {
            @Override
            public Object guardOf(Socket s) {
                return c;
            }
        }, () -> {
            throw new AssertionError("not mail");
        });
        write(c, "EH");
        runtime.onUrgentData(socket);
        assertEquals("EH", sent(), "held bytes go before the urgent byte");
        write(c, "LO x\r\n");
        assertEquals("EHLO x\r\n", sent(), "and the connection is left alone from then on");
    }

    @Test
    void theBytesOfABinaryProtocolAreNeverHeld() throws IOException {
        UnlistedConnection c = watching("");
        c.write(new byte[] {0, 0, 0, 8, 1, 2}, 0, 6);
        assertEquals(6, wire.size());
    }

    /** No rewritten Socket here: the watcher itself needs none of it. */
    private static class NoAccess implements SocketAccess {
        @Override
        public Object guardOf(Socket socket) {
            return null;
        }

        @Override
        public void setGuard(Socket socket, Object guard) {
        }

        @Override
        public void setTimeout(Socket socket, int millis) {
        }

        @Override
        public int timeout(Socket socket) {
            return 0;
        }

        @Override
        public String originalHostName(InetAddress address) {
            return null;
        }
    }
}
