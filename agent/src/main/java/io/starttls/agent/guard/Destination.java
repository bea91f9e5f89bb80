package io.starttls.agent.guard;

import io.starttls.agent.audit.CallerLocator;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Where a guarded connection goes and who opened it. The host is the name the application asked
 * for, or the address literal it gave: never a name found by reverse DNS, which anyone who controls
 * the PTR record chooses. {@code InetAddress.getHostName()} caches such a name in the address, and
 * {@code getHostString()} then returns it; the JDK keeps the name the address was made from apart
 * ("originalHostName"; the rewritten Socket reads it, from inside java.net), and that is the one
 * used here, for SNI and for the name check.
 */
final class Destination {
    private final String host;
    private final String address;
    private final int port;
    private final String appClass;

    Destination(String host, String address, int port, String appClass) {
        this.host = host;
        this.address = address;
        this.port = port;
        this.appClass = appClass;
    }

    /**
     * Where {@code socket} goes. When the JDK's internals are not as expected, the host is the
     * address literal: a literal never matches a name that was not meant, so that fails closed.
     */
    static Destination of(Socket socket, SocketAccess access) {
        return of(socket, access, true);
    }

    /** @param withCaller false: no application class (it costs a walk of the stack) */
    static Destination of(Socket socket, SocketAccess access, boolean withCaller) {
        InetAddress remote = socket.getInetAddress();
        return new Destination(hostOf(remote, access), remote.getHostAddress(), socket.getPort(),
                withCaller ? CallerLocator.applicationClass() : null);
    }

    /** The name {@code remote} was made from, or its literal: never a reverse-DNS name. */
    static String hostOf(InetAddress remote, SocketAccess access) {
        String name = access.originalHostName(remote);
        return name == null || name.isEmpty() ? remote.getHostAddress() : name;
    }

    /** A socket to a proxy that tunnels to {@code host:port}: the record names the real destination. */
    static Destination through(Socket proxySocket, String host, int port) {
        return new Destination(host, proxySocket.getInetAddress().getHostAddress(), port,
                CallerLocator.applicationClass());
    }

    String host() {
        return host;
    }

    String address() {
        return address;
    }

    int port() {
        return port;
    }

    String appClass() {
        return appClass;
    }

    @Override
    public String toString() {
        return host + ":" + port + " (app=" + appClass + ")";
    }
}
