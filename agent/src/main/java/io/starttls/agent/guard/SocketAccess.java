package io.starttls.agent.guard;

import java.net.Socket;

/**
 * What the agent needs of a socket beyond its public methods. On the first way in (Socket
 * rewritten as it loads) this is what the agent added to {@code java.net.Socket}: the field where
 * a socket keeps its guard (so a guard lives exactly as long as its socket: no map to clean), the
 * name an address was made from
 * (java.net keeps it apart from a cached reverse-DNS name), and timeout accessors that do not
 * take the socket's monitor (JDK 8-17 declare {@code setSoTimeout} and {@code getSoTimeout}
 * {@code synchronized}; an application thread blocked inside {@code synchronized (socket)} must
 * never stop the negotiation that it is waiting for). On the second way in (Socket retransformed)
 * the guards are kept in a map instead, and the rest comes from a small class of the agent's in
 * {@code java.net}.
 */
public interface SocketAccess {
    Object guardOf(Socket socket);

    void setGuard(Socket socket, Object guard);

    void setTimeout(Socket socket, int millis) throws java.net.SocketException;

    int timeout(Socket socket) throws java.net.SocketException;

    /** The socket is being closed: its guard need not be found from it any more. */
    default void closed(Socket socket) {
    }

    /**
     * A watcher found that its socket carries no mail: where guards are held apart from their
     * sockets, it is then held only while the application's streams refer to it, and
     * {@code afterwards} (which refers to nothing) is the socket's guard once it is collected.
     */
    default void release(Socket socket, Object guard, Object afterwards) {
    }

    /** The name {@code address} was made from, or null (an address literal, or not known). */
    String originalHostName(java.net.InetAddress address);
}
