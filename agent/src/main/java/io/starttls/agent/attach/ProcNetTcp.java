package io.starttls.agent.attach;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads Linux's {@code /proc/net/tcp} and {@code /proc/net/tcp6}: the established connections
 * among the sockets whose inodes are given (this process's, from {@code /proc/self/fd}). Pure: it
 * is given the lines. An address is printed as 32-bit words in the host's byte order (little-endian
 * on the machines Java runs Linux on); an IPv4-mapped IPv6 address comes out as the IPv4 one, as
 * Java reports it.
 */
public final class ProcNetTcp {
    private static final String ESTABLISHED = "01";

    private ProcNetTcp() {
    }

    /** One established TCP connection. */
    public static final class Connection {
        public final InetAddress local;
        public final int localPort;
        public final InetAddress remote;
        public final int remotePort;
        public final long inode;

        Connection(InetAddress local, int localPort, InetAddress remote, int remotePort, long inode) {
            this.local = local;
            this.localPort = localPort;
            this.remote = remote;
            this.remotePort = remotePort;
            this.inode = inode;
        }

        boolean sameEnds(Connection other) {
            return localPort == other.localPort && remotePort == other.remotePort && local.equals(other.local)
                    && remote.equals(other.remote);
        }

        @Override
        public String toString() {
            return remote.getHostAddress() + ":" + remotePort;
        }
    }

    /**
     * The established connections in {@code lines} (a header line first, as the kernel writes it)
     * whose inode is in {@code inodes}, or every one when {@code inodes} is null.
     */
    public static List<Connection> established(List<String> lines, Set<Long> inodes) {
        List<Connection> out = new ArrayList<Connection>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":") || !ESTABLISHED.equals(f[3])) {
                continue; // the header, or another state
            }
            try {
                long inode = Long.parseLong(f[9]);
                if (inodes != null && !inodes.contains(inode)) {
                    continue;
                }
                int[] localPort = new int[1];
                int[] remotePort = new int[1];
                InetAddress local = endpoint(f[1], localPort);
                InetAddress remote = endpoint(f[2], remotePort);
                out.add(new Connection(local, localPort[0], remote, remotePort[0], inode));
            } catch (NumberFormatException | UnknownHostException | IndexOutOfBoundsException e) {
                // a line of another format: not ours to guess at
            }
        }
        return out;
    }

    /** The inode of a {@code /proc/self/fd} link's target ({@code socket:[12345]}), or -1. */
    public static long socketInode(String linkTarget) {
        if (linkTarget == null || !linkTarget.startsWith("socket:[") || !linkTarget.endsWith("]")) {
            return -1;
        }
        try {
            return Long.parseLong(linkTarget.substring(8, linkTarget.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static InetAddress endpoint(String field, int[] port) throws UnknownHostException {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon);
        port[0] = Integer.parseInt(field.substring(colon + 1), 16);
        if (hex.length() != 8 && hex.length() != 32) {
            throw new NumberFormatException("address of " + hex.length() + " digits");
        }
        byte[] address = new byte[hex.length() / 2];
        for (int word = 0; word < address.length / 4; word++) {
            long value = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
            for (int b = 0; b < 4; b++) {
                address[word * 4 + b] = (byte) (value >>> (8 * b)); // little-endian within the word
            }
        }
        return InetAddress.getByAddress(address); // a mapped IPv6 address becomes the IPv4 one
    }
}
