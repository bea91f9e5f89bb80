package io.starttls.agent.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcNetTcpTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
            + "  timeout inode";

    @Test
    void establishedConnectionsOfTheGivenInodesAreRead() throws Exception {
        List<String> tcp = List.of(HEADER,
                // 127.0.0.1:40000 -> 127.0.0.1:25, established, inode 111
                "   0: 0100007F:9C40 0100007F:0019 01 00000000:00000000 00:00000000 00000000     0        0 111 1 0",
                // listening on 0.0.0.0:25 (state 0A): not a connection
                "   1: 00000000:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0",
                // established, but another process's socket
                "   2: 0100007F:9C41 0100007F:0019 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0",
                "garbage line");
        List<ProcNetTcp.Connection> found = ProcNetTcp.established(tcp, Set.of(111L, 222L));
        assertEquals(1, found.size());
        ProcNetTcp.Connection c = found.get(0);
        assertEquals(InetAddress.getByName("127.0.0.1"), c.local);
        assertEquals(40000, c.localPort);
        assertEquals(InetAddress.getByName("127.0.0.1"), c.remote);
        assertEquals(25, c.remotePort);
        assertEquals(111L, c.inode);
        assertEquals(2, ProcNetTcp.established(tcp, null).size(), "without inodes: every established one");
    }

    @Test
    void ipv6AndMappedIpv4AddressesComeOutAsJavaReportsThem() throws Exception {
        List<String> tcp6 = List.of(HEADER,
                // ::1:50000 -> ::1:143
                "   0: 00000000000000000000000001000000:C350 00000000000000000000000001000000:008F 01 "
                        + "00000000:00000000 00:00000000 00000000     0        0 7 1 0",
                // ::ffff:127.0.0.1:50001 -> ::ffff:127.0.0.1:110 (a dual-stack socket to 127.0.0.1)
                "   1: 0000000000000000FFFF00000100007F:C351 0000000000000000FFFF00000100007F:006E 01 "
                        + "00000000:00000000 00:00000000 00000000     0        0 8 1 0");
        List<ProcNetTcp.Connection> found = ProcNetTcp.established(tcp6, null);
        assertEquals(2, found.size());
        assertEquals(InetAddress.getByName("::1"), found.get(0).remote);
        assertEquals(143, found.get(0).remotePort);
        assertEquals(InetAddress.getByName("127.0.0.1"), found.get(1).remote);
        assertEquals(InetAddress.getByName("127.0.0.1"), found.get(1).local);
        assertEquals(110, found.get(1).remotePort);
    }

    @Test
    void socketLinksGiveTheirInode() {
        assertEquals(12345L, ProcNetTcp.socketInode("socket:[12345]"));
        assertEquals(-1L, ProcNetTcp.socketInode("pipe:[12345]"));
        assertEquals(-1L, ProcNetTcp.socketInode("/dev/null"));
        assertEquals(-1L, ProcNetTcp.socketInode("socket:[x]"));
    }
}
