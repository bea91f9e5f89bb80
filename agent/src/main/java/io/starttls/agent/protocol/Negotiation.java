package io.starttls.agent.protocol;

import java.io.IOException;

/** One protocol's plain-text dialogue up to the point where TLS starts (or cannot). */
public interface Negotiation {
    NegotiationOutcome negotiate(LineChannel channel) throws IOException;
}
