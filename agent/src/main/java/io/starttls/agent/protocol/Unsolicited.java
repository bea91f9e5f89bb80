package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import java.io.IOException;

/**
 * A server speaks only in reply to a command. Bytes that arrive before the next command could be
 * taken for its reply (a pre-STARTTLS injection), so the negotiation stops there.
 */
final class Unsolicited {
    private Unsolicited() {
    }

    static void refuse(LineChannel channel, String where) throws IOException {
        if (channel.hasUnreadBytes()) {
            throw new NegotiationException(Reasons.PROTOCOL_VIOLATION, "the server sent unsolicited bytes " + where);
        }
    }
}
