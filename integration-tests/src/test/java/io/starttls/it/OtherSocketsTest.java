package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.EchoClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.RunResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** Sockets that are not mail connections behave exactly as without the agent. */
class OtherSocketsTest {
    @Test
    void aNonMailSocketGetsTheJdkStreamsAndItsBytesUntouched() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> echoOnce(echo));
            server.setDaemon(true);
            server.start();
            // conversation=off: a socket to an unlisted port keeps the JDK's own streams. (With the
            // default, its first exchange is watched: UnlistedPortsTest shows the bytes unchanged.)
            RunResult run = AgentRun.testClient(EchoClient.class, String.valueOf(echo.getLocalPort()))
                    .agent("mode=enforce,conversation=off").run();

            assertEquals(0, run.exitCode, run::toString);
            String[] lines = run.stdout.split("\n");
            assertTrue(lines[0].startsWith("socket class java.net."), "the JDK's own stream class: " + lines[0]);
            assertEquals(lines[1].substring(5), lines[2].substring(5), "echo differs: " + run);
            assertTrue(run.audit.isEmpty(), "no audit record for a non-mail socket");
            assertEquals("", run.stderrBesidesStartLine(), "nothing logged for a non-mail socket");
        }
    }

    private static void echoOnce(ServerSocket listener) {
        try (Socket s = listener.accept()) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[8192];
            int total = 0;
            int n;
            while (total < 64 * 1024 && (n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                total += n;
            }
        } catch (IOException e) {
            // the test reports what the client saw
        }
    }
}
