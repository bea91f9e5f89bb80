package io.starttls.agent.protocol;

import java.io.IOException;

/** The negotiation cannot go on; {@link #reason()} is one word of the audit vocabulary. */
public final class NegotiationException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public NegotiationException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
