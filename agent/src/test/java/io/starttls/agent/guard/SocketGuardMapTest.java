package io.starttls.agent.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class SocketGuardMapTest {
    /** A socket type whose equals says yes to everything: the map must go by identity. */
    private static final class EqualToAll extends Socket {
        @Override
        public boolean equals(Object o) {
            return true;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    @Test
    void guardsAreFoundByTheIdentityOfTheirSocket() {
        SocketGuardMap map = new SocketGuardMap();
        Socket a = new EqualToAll();
        Socket b = new EqualToAll();
        Object guardA = new Object();
        map.put(a, guardA);
        assertSame(guardA, map.get(a));
        assertNull(map.get(b), "another socket, equal by equals(), has no guard");
        Object guardB = new Object();
        map.put(b, guardB);
        assertSame(guardB, map.get(b));
        assertSame(guardA, map.get(a));
        Object again = new Object();
        map.put(a, again);
        assertSame(again, map.get(a), "a second put replaces");
        assertEquals(2, map.size());
    }

    @Test
    void aClosedSocketLeavesNothingBehind() {
        SocketGuardMap map = new SocketGuardMap();
        Socket[] sockets = new Socket[100_000];
        for (int i = 0; i < sockets.length; i++) {
            sockets[i] = new Socket();
            map.put(sockets[i], "guard");
        }
        assertEquals(100_000, map.size());
        for (Socket s : sockets) {
            map.remove(s);
        }
        assertEquals(0, map.size());
        map.put(sockets[0], null);
        assertNull(map.get(sockets[0]), "a null guard is no entry");
    }

    @Test
    void aSocketDroppedWithoutCloseIsCollectedAndItsEntryGoes() throws Exception {
        SocketGuardMap map = new SocketGuardMap();
        Socket dropped = new Socket();
        WeakReference<Socket> ref = new WeakReference<>(dropped);
        map.put(dropped, "a guard that does not refer to its socket");
        dropped = null;
        long end = System.nanoTime() + 10_000_000_000L;
        while (ref.get() != null || map.size() != 0) {
            assertTrue(System.nanoTime() < end, "the socket was kept alive by the map");
            System.gc();
            Thread.sleep(10);
        }
    }
}
