package io.starttls.agent.guard;

import java.io.InterruptedIOException;

/**
 * The states of a guarded connection and which may follow which; the session of each settled
 * state does its I/O.
 *
 * <pre>
 *   NEW ──first read/write──▶ NEGOTIATING ──▶ TLS | CLEAR | BLOCKED | CLOSED
 *   NEW ──monitor, app-managed, the application's own TLS──▶ CLEAR
 *   TLS, CLEAR ──refused by the watch or the TLS policy──▶ BLOCKED
 *   NEW, TLS, CLEAR ──the application closes the socket──▶ CLOSED   (BLOCKED stays: its reply is read)
 *   NEGOTIATING ──the application closes the socket──▶ (the negotiation ends, then) CLOSED
 * </pre>
 *
 * The lock guards these changes only and is never held across I/O: a thread that must wait for
 * the negotiation waits on the lock's condition, not on anything the negotiation needs, and a
 * close never waits at all.
 */
final class ConnectionStates {
    enum State { NEW, NEGOTIATING, TLS, CLEAR, BLOCKED, CLOSED }

    private final Object lock = new Object();
    private volatile State state = State.NEW;
    private volatile Session session;
    private volatile boolean closing;

    State state() {
        return state;
    }

    /** The session of the settled state (null before). */
    Session session() {
        return session;
    }

    boolean closing() {
        return closing;
    }

    /** NEW to NEGOTIATING; true for the one thread that then runs the negotiation. */
    boolean claimNegotiation() {
        synchronized (lock) {
            if (state != State.NEW) {
                return false;
            }
            state = State.NEGOTIATING;
            return true;
        }
    }

    /** Waits until the negotiation (run by another thread) has settled. */
    void awaitSettled() throws InterruptedIOException {
        synchronized (lock) {
            while (state == State.NEGOTIATING) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the mail session was negotiated");
                }
            }
        }
    }

    /** NEW straight to CLEAR (nothing to negotiate); false when it is too late for that. */
    boolean watchFromTheStart(Session clear, Runnable whenTaken) {
        synchronized (lock) {
            if (state != State.NEW) {
                return false;
            }
            session = clear;
            whenTaken.run();
            state = State.CLEAR;
            return true;
        }
    }

    /** The negotiation's result, or a refusal on a settled session; waiters are released. */
    void settle(State settled, Session next) {
        synchronized (lock) {
            if (state != State.CLOSED) {
                session = next;
                state = settled;
            }
            lock.notifyAll();
        }
    }

    /**
     * The application closes the socket. Returns the state it was in: a negotiation in progress
     * is not waited for (the close that follows ends its I/O, and the negotiation then settles).
     */
    State close() {
        synchronized (lock) {
            closing = true;
            State was = state;
            if (was != State.NEGOTIATING && was != State.BLOCKED) {
                state = State.CLOSED;
                session = Session.CLOSED;
            }
            lock.notifyAll();
            return was;
        }
    }
}
