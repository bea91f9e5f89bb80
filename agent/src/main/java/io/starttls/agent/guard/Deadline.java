package io.starttls.agent.guard;

import io.starttls.agent.protocol.NegotiationException;
import io.starttls.agent.vocabulary.Reasons;

/**
 * One deadline for the whole negotiation: the plain-text dialogue and the TLS handshake. A server
 * that drips a byte at a time cannot stretch it, because every read gets only what is left.
 */
public final class Deadline {
    private final long endNanos;
    private final int timeoutMillis;

    public Deadline(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.endNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    int timeoutMillis() {
        return timeoutMillis;
    }

    /** What is left, at least 1 ms; past the deadline, the timeout. */
    public int remainingMillis() throws NegotiationException {
        long left = (endNanos - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
            throw expired();
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, left));
    }

    NegotiationException expired() {
        return new NegotiationException(Reasons.NEGOTIATION_TIMEOUT,
                "the server did not complete the negotiation within " + timeoutMillis + " ms");
    }
}
