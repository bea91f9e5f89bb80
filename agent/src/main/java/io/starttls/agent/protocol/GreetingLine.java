package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import java.io.EOFException;
import java.io.IOException;

/** The first line of an IMAP or POP3 greeting, and what to do when the server closes before it. */
final class GreetingLine {
    private GreetingLine() {
    }

    /** The greeting line, or null when the server closed the connection before sending one. */
    static byte[] readOrNull(LineChannel channel) throws IOException {
        try {
            return channel.readLine();
        } catch (EOFException e) {
            return null;
        }
    }

    /** The application sees the end of the stream, as it would have without the agent. */
    static NegotiationOutcome closedBeforeGreeting() {
        return NegotiationOutcome.serverClosing(Reasons.CONNECTION_CLOSED,
                "the server closed the connection before its greeting", new byte[0]);
    }
}
