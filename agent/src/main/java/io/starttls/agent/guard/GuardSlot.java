package io.starttls.agent.guard;

import java.net.Socket;

/**
 * Where a socket keeps its guard. The agent adds a field to {@code java.net.Socket} for it, so a
 * guard lives exactly as long as its socket: no map to clean, nothing retained after the socket.
 */
public interface GuardSlot {
    Object get(Socket socket);

    void set(Socket socket, Object guard);
}
