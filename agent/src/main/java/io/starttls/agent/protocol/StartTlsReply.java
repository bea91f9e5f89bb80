package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import java.io.IOException;

/**
 * Reading the reply to STARTTLS: when the server breaks the session there (closes it, answers
 * out of protocol, goes silent) that is a downgrade attempt or a broken server, and a fresh
 * connection in clear is what opportunistic mode may try. Injection is never retried.
 */
final class StartTlsReply {
    private StartTlsReply() {
    }

    interface Read<T> {
        T read() throws IOException;
    }

    /** The reply, or null with {@code failure[0]} set to the outcome to return. */
    static <T> T readOrRetry(Read<T> read, NegotiationOutcome[] failure) throws IOException {
        try {
            return read.read();
        } catch (NegotiationException e) {
            if (e.reason().equals(Reasons.CONNECTION_CLOSED) || e.reason().equals(Reasons.PROTOCOL_VIOLATION)
                    || e.reason().equals(Reasons.NEGOTIATION_TIMEOUT)) {
                failure[0] = NegotiationOutcome.retryInClear(e.reason(), e.getMessage());
                return null;
            }
            throw e;
        }
    }
}
