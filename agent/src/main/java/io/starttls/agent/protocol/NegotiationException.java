package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasoned;
import java.io.IOException;

/** The negotiation cannot go on; {@link #reason()} is one word of the audit vocabulary. */
public final class NegotiationException extends IOException implements Reasoned {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public NegotiationException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    @Override
    public String reason() {
        return reason;
    }
}
