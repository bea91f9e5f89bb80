package io.starttls.agent.guard;

/**
 * Marks the thread on which the agent itself drives a socket (negotiating, handshaking, closing).
 * JSSE's layered socket asks the plain socket for its streams; on this thread the hook must hand
 * over the real ones, not the guarded ones that would send JSSE back into the agent.
 */
final class Reentry {
    private static final ThreadLocal<GuardedConnection> DRIVING = new ThreadLocal<GuardedConnection>();

    private Reentry() {
    }

    static GuardedConnection driving() {
        return DRIVING.get();
    }

    static GuardedConnection enter(GuardedConnection connection) {
        GuardedConnection previous = DRIVING.get();
        DRIVING.set(connection);
        return previous;
    }

    static void exit(GuardedConnection previous) {
        if (previous == null) {
            DRIVING.remove();
        } else {
            DRIVING.set(previous);
        }
    }
}
