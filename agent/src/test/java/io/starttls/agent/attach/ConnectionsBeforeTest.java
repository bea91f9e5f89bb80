package io.starttls.agent.attach;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.agent.config.AgentArguments;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** This JVM's own loopback connections, as Linux's /proc lists them. */
class ConnectionsBeforeTest {
    @Test
    void aConnectionOpenBeforeIsLeftAloneUntilItClosesAndOneMadeAfterIsNot() throws Exception {
        Assumptions.assumeTrue(new File("/proc/self/fd").isDirectory(), "Linux /proc");
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Socket before = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket accepted = server.accept();
            ConnectionsBefore listed = ConnectionsBefore.now();
            Socket after = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket acceptedAfter = server.accept();

            assertTrue(listed.leftAlone(before), "open before");
            assertTrue(listed.leftAlone(before), "and again (remembered)");
            assertTrue(listed.leftAlone(accepted), "the accepting side too: any TCP connection of the JVM");
            assertFalse(listed.leftAlone(after), "made after the listing");
            String said = listed.describe(AgentArguments.parse("smtp-ports=" + server.getLocalPort()).ports());
            assertTrue(said.contains("TCP connections were open before and are left alone; to mail ports, still in "
                    + "clear: 127.0.0.1:" + server.getLocalPort() + " (smtp)"), said);

            listed.closed(before);
            before.close();
            assertFalse(listed.leftAlone(before), "closed: its ends may be a new connection's");
            after.close();
            accepted.close();
            acceptedAfter.close();
        }
    }

    @Test
    void aConnectionWhoseEndsAnotherSocketHasNowIsNotMistakenForIt() throws Exception {
        Assumptions.assumeTrue(new File("/proc/self/fd").isDirectory(), "Linux /proc");
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket now = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            // Listed with these ends, but another socket inode: the one listed was dropped without
            // close, and this one got its ends again.
            ProcNetTcp.Connection old = new ProcNetTcp.Connection(now.getLocalAddress(), now.getLocalPort(),
                    now.getInetAddress(), now.getPort(), 1L);
            ConnectionsBefore listed = ConnectionsBefore.of(new java.util.ArrayList<>(java.util.List.of(old)));
            assertTrue(listed.mayHold(now), "the cheap test matches the ends");
            assertFalse(listed.leftAlone(now), "another inode: a new connection, guarded");
            assertFalse(listed.mayHold(now), "and the stale entry is gone");
        }
    }
}
