package io.starttls.agent.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The application's read timeout survives the negotiation, whenever another thread of it sets one. */
class TransportTimeoutTest {
    /** The socket's SO_TIMEOUT, as a field another thread can change. */
    private static final class Timeouts implements SocketAccess {
        volatile int onSocket;

        @Override
        public Object guardOf(Socket socket) {
            return null;
        }

        @Override
        public void setGuard(Socket socket, Object guard) {
        }

        @Override
        public void setTimeout(Socket socket, int millis) {
            onSocket = millis;
        }

        @Override
        public int timeout(Socket socket) {
            return onSocket;
        }

        @Override
        public String originalHostName(InetAddress address) {
            return null;
        }
    }

    @Test
    void aTimeoutSetBeforeTheAgentsFirstReadIsKept() throws Exception {
        Timeouts socket = new Timeouts();
        Transport transport = new Transport(new Socket(), socket, null);
        transport.beginNegotiation();
        socket.onSocket = 4321; // the application's other thread, before the first read
        transport.setNegotiationTimeout(30_000);
        transport.restoreApplicationTimeout();
        assertEquals(4321, socket.onSocket);
    }

    @Test
    void aTimeoutSetWhileTheAgentWaitsIsKeptAndTheAgentsOwnIsNotLeftBehind() throws Exception {
        Timeouts socket = new Timeouts();
        socket.onSocket = 1000;
        Transport transport = new Transport(new Socket(), socket, null);
        transport.beginNegotiation();
        transport.setNegotiationTimeout(500);
        transport.setNegotiationTimeout(400);
        assertEquals(400, socket.onSocket);
        transport.restoreApplicationTimeout();
        assertEquals(1000, socket.onSocket, "the application's, not the agent's");

        transport.beginNegotiation();
        transport.setNegotiationTimeout(300);
        socket.onSocket = 77; // set while the agent's read waits
        transport.setNegotiationTimeout(200);
        transport.restoreApplicationTimeout();
        assertEquals(77, socket.onSocket);
    }
}
