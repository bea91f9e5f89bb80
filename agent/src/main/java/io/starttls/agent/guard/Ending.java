package io.starttls.agent.guard;

import io.starttls.agent.guard.ConnectionStates.State;
import io.starttls.agent.protocol.BlockReply;
import io.starttls.agent.protocol.Dialects;
import io.starttls.agent.vocabulary.Outcome;
import io.starttls.agent.vocabulary.Reasons;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How a session that may not go on ends: its one record, then the blocked state (waiters are
 * released), and only then the goodbye and the close, outside every lock, because a released
 * waiter may hold the socket's monitor.
 */
final class Ending {
    private final GuardedConnection c;
    private final ConnectionStates states;

    Ending(GuardedConnection connection, ConnectionStates states) {
        this.c = connection;
        this.states = states;
    }

    /** @param reply what the application reads (null: the protocol's temporary failure) */
    void end(Outcome outcome, String reason, String detail, byte[] reply, boolean sayGoodbye) {
        boolean closing = states.closing();
        if (closing && states.state() == State.NEGOTIATING) {
            // The negotiation failed because the application closed the socket meanwhile.
            outcome = Outcome.BLOCKED;
            reason = Reasons.APP_CLOSED;
            detail = "the application closed the socket during the negotiation";
        }
        String message = "starttls-agent blocked the session to " + c.destination.host() + ":"
                + c.destination.port() + ": " + detail + " [" + reason + "]; nothing was sent, try again later";
        Block block = new Block(c.config.blockStyle(), reply != null ? reply : BlockReply.of(c.protocol, message),
                message);
        c.record.now(outcome, reason, detail, null);
        // Closed by the application meanwhile: its reads get the JDK's own "Socket is closed".
        states.settle(closing ? State.CLOSED : State.BLOCKED, closing ? Session.CLOSED : block);
        GuardedConnection previous = Reentry.enter(c);
        try {
            if (sayGoodbye && !closing) {
                OutputStream out = c.transport.out();
                out.write(Dialects.quit(c.protocol));
                out.flush();
            }
        } catch (IOException e) {
            // The server is gone already; nothing to say goodbye to.
        } finally {
            c.transport.closeReplacement();
            Transport.closeQuietly(c.transport.appSocket());
            Reentry.exit(previous);
        }
    }
}
