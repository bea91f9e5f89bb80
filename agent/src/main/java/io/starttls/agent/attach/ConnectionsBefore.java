package io.starttls.agent.attach;

import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.PortMap;
import io.starttls.agent.guard.SocketGuardMap;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP connections this process had open when the agent came in by the second way (attached
 * to a running JVM, or started after an agent that had loaded Socket): they are left alone, since
 * a mail session already under way cannot be taken to STARTTLS, and they are reported. They are
 * listed once Socket calls the hook, so that no connection escapes both the list and the guard:
 * one made before is listed (and reported), one that asked for a stream since is guarded. Known from
 * Linux's /proc (the JDK keeps no list of its sockets); elsewhere they cannot be listed, which the
 * report says.
 *
 * <p>A socket is one of them when its two ends are those of a connection listed at the start and
 * that connection (its socket inode) is still the one with these ends: a socket dropped without
 * close whose ends a new connection got again is not mistaken for it. The ends leave the list
 * when their socket closes.
 */
public final class ConnectionsBefore {
    private static final Path PROC_NET = Paths.get("/proc/net");

    private final List<ProcNetTcp.Connection> listed;
    private final String unavailable;
    /** Local and remote port of each listed connection, for a cheap first test. */
    private final Set<Long> ports = ConcurrentHashMap.newKeySet();
    private final List<ProcNetTcp.Connection> open;
    private final SocketGuardMap confirmed = new SocketGuardMap();
    private volatile boolean none;

    private ConnectionsBefore(List<ProcNetTcp.Connection> listed, String unavailable) {
        this.listed = listed;
        this.unavailable = unavailable;
        this.open = new ArrayList<ProcNetTcp.Connection>(listed);
        for (ProcNetTcp.Connection c : listed) {
            ports.add(key(c.localPort, c.remotePort));
        }
        none = listed.isEmpty();
    }

    /** The connections open now. */
    public static ConnectionsBefore now() {
        if (!new File("/proc/self/fd").isDirectory()) {
            return new ConnectionsBefore(new ArrayList<ProcNetTcp.Connection>(),
                    "the connections open before cannot be listed on this system (no /proc)");
        }
        try {
            return new ConnectionsBefore(established(socketInodes()), null);
        } catch (IOException | RuntimeException e) {
            return new ConnectionsBefore(new ArrayList<ProcNetTcp.Connection>(),
                    "the connections open before could not be listed (" + e + ")");
        }
    }

    static ConnectionsBefore of(List<ProcNetTcp.Connection> listed) {
        return new ConnectionsBefore(listed, null);
    }

    /** The cheap first test (two ports): false for nearly every socket, and for all once none is left. */
    public boolean mayHold(Socket socket) {
        return !none && ports.contains(key(socket.getLocalPort(), socket.getPort()));
    }

    /** True for a socket that was open before the agent came in: the agent leaves it alone. */
    public boolean leftAlone(Socket socket) {
        if (!mayHold(socket)) {
            return false;
        }
        if (confirmed.get(socket) != null) {
            return true;
        }
        ProcNetTcp.Connection match = match(socket);
        if (match == null) {
            return false;
        }
        if (!stillOpen(match)) {
            forget(match); // dropped without close; this socket is a new one with the same ends
            return false;
        }
        confirmed.put(socket, Boolean.TRUE);
        return true;
    }

    /** A socket left alone is closed: its ends may now be a new connection's. */
    public void closed(Socket socket) {
        if (none || confirmed.get(socket) == null) {
            return;
        }
        confirmed.remove(socket);
        ProcNetTcp.Connection match = match(socket);
        if (match != null) {
            forget(match);
        }
    }

    /** What the operator is told: how many, and which to mail ports. */
    public String describe(PortMap ports) {
        if (unavailable != null) {
            return unavailable + "; one whose stream is asked for again is guarded from then on";
        }
        if (listed.isEmpty()) {
            return "no TCP connection was open before";
        }
        List<String> mail = new ArrayList<String>();
        for (ProcNetTcp.Connection c : listed) {
            MailProtocol p = ports.protocolOf(c.remotePort);
            if (p != null) {
                mail.add(c + " (" + p.word() + ")");
            }
        }
        return listed.size() + " TCP connection" + (listed.size() == 1 ? " was" : "s were")
                + " open before and " + (listed.size() == 1 ? "is" : "are") + " left alone"
                + (mail.isEmpty() ? ", none to a mail port" : "; to mail ports, still in clear: " + String.join(", ", mail));
    }

    /** How many connections to mail ports were open before. */
    public int mailConnections(PortMap ports) {
        int n = 0;
        for (ProcNetTcp.Connection c : listed) {
            if (ports.protocolOf(c.remotePort) != null) {
                n++;
            }
        }
        return n;
    }

    private synchronized ProcNetTcp.Connection match(Socket socket) {
        InetAddress remote = socket.getInetAddress();
        InetAddress local = socket.getLocalAddress();
        if (remote == null || local == null) {
            return null;
        }
        for (ProcNetTcp.Connection c : open) {
            if (c.localPort == socket.getLocalPort() && c.remotePort == socket.getPort() && c.remote.equals(remote)
                    && c.local.equals(local)) {
                return c;
            }
        }
        return null;
    }

    private synchronized void forget(ProcNetTcp.Connection c) {
        open.remove(c);
        for (ProcNetTcp.Connection o : open) {
            if (o.localPort == c.localPort && o.remotePort == c.remotePort) {
                none = open.isEmpty();
                return; // another open one has the same ports: the cheap test must still let it through
            }
        }
        ports.remove(key(c.localPort, c.remotePort));
        none = open.isEmpty();
    }

    private static boolean stillOpen(ProcNetTcp.Connection c) {
        try {
            for (ProcNetTcp.Connection now : established(null)) {
                if (now.sameEnds(c)) {
                    return now.inode == c.inode;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // cannot tell: guard it (a fresh guard on an old session fails closed)
        }
    }

    private static List<ProcNetTcp.Connection> established(Set<Long> inodes) throws IOException {
        List<ProcNetTcp.Connection> out = new ArrayList<ProcNetTcp.Connection>();
        for (String table : new String[] {"tcp", "tcp6"}) {
            Path path = PROC_NET.resolve(table);
            if (Files.isReadable(path)) {
                out.addAll(ProcNetTcp.established(Files.readAllLines(path, StandardCharsets.US_ASCII), inodes));
            }
        }
        return out;
    }

    private static Set<Long> socketInodes() throws IOException {
        Set<Long> inodes = new HashSet<Long>();
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) {
            throw new IOException("/proc/self/fd cannot be read");
        }
        for (File fd : fds) {
            try {
                long inode = ProcNetTcp.socketInode(Files.readSymbolicLink(fd.toPath()).toString());
                if (inode >= 0) {
                    inodes.add(inode);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // closed meanwhile
            }
        }
        return inodes;
    }

    private static long key(int localPort, int remotePort) {
        return ((long) localPort << 16) | remotePort;
    }
}
