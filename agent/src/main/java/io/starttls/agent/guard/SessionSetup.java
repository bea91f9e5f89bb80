package io.starttls.agent.guard;

import io.starttls.agent.vocabulary.Outcome;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.protocol.Dialects;
import io.starttls.agent.protocol.NegotiationException;
import io.starttls.agent.protocol.NegotiationOutcome;
import io.starttls.agent.vocabulary.Reasons;
import io.starttls.agent.tls.EstablishedTls;
import io.starttls.agent.tls.TlsUpgradeException;
import java.io.IOException;
import java.net.Socket;

/**
 * Runs a connection's negotiation once, on the thread of the application's first read or write:
 * the plain-text dialogue, then the agent's TLS handshake, all under one deadline, and settles the
 * connection in the state the outcome and the mode call for. It never leaves the connection
 * negotiating: every path ends in {@code settle*} or {@code block}.
 */
final class SessionSetup {
    private final GuardedConnection c;
    private final AgentConfig config;
    private final Transport transport;

    SessionSetup(GuardedConnection connection) {
        this.c = connection;
        this.config = connection.config;
        this.transport = connection.transport;
    }

    void run() {
        GuardedConnection previous = Reentry.enter(c);
        try {
            transport.beginNegotiation();
            int appTimeout = transport.appTimeout();
            Socket socket = transport.appSocket();
            boolean appNoDelay = socket.getTcpNoDelay();
            int timeout = appTimeout > 0 ? Math.min(appTimeout, config.negotiationTimeoutMillis())
                    : config.negotiationTimeoutMillis();
            Deadline deadline = new Deadline(timeout);
            // The negotiation alternates short writes and reads: Nagle's algorithm would hold each
            // write until the server's delayed ACK. TLS records are whole writes, so it stays off.
            socket.setTcpNoDelay(true);
            RawLineChannel channel = new RawLineChannel(transport::setNegotiationTimeout, transport.in(), transport.out(), deadline,
                    config.maxLineBytes());
            byte[] greetingRead = c.greetingRead();
            if (greetingRead != null) {
                channel.pushBack(greetingRead); // the application read it; the negotiation starts there
            }
            NegotiationOutcome outcome;
            try {
                outcome = c.greetingTooLong() ? NegotiationOutcome.abort(Reasons.REPLY_TOO_LONG,
                        "the server sent more than " + config.maxLineBytes() + " bytes (max-line) before the "
                                + "application's first command")
                        : Dialects.negotiation(c.protocol, config.ehloName(), socket.getLocalAddress(),
                                config.maxLineBytes()).negotiate(channel);
            } catch (NegotiationException e) {
                outcome = NegotiationOutcome.abort(e.reason(), e.getMessage());
            } catch (IOException e) {
                outcome = NegotiationOutcome.abort(Reasons.CONNECTION_CLOSED,
                        "the connection failed during the negotiation: " + e.getMessage());
            }
            act(outcome, channel, deadline, appNoDelay);
        } catch (IOException e) {
            c.block(Reasons.CONNECTION_CLOSED, "the connection failed during the negotiation: " + e.getMessage(), false);
        } catch (RuntimeException | Error e) {
            // Fail closed: a fault of the agent's must not let the session go out unprotected.
            c.block(Reasons.AGENT_FAULT, "internal error in starttls-agent (" + e + "); please report it", false);
        } finally {
            Reentry.exit(previous);
        }
    }

    private void act(NegotiationOutcome outcome, RawLineChannel channel, Deadline deadline, boolean appNoDelay)
            throws IOException {
        boolean enforce = c.policy.enforces();
        switch (outcome.kind()) {
            case START_TLS:
                startTls(outcome, deadline, appNoDelay);
                break;
            case CLEAR_ONLY:
                if (enforce) {
                    // Say goodbye in the server's protocol, unless it turned out to speak another one.
                    c.block(outcome.reason(), outcome.detail(), !Reasons.UNEXPECTED_GREETING.equals(outcome.reason()));
                } else {
                    clear(Replay.concat(forApplication(outcome.replay()), channel.unread()), appNoDelay,
                            Outcome.PLAINTEXT_FALLBACK,
                            outcome.reason(), outcome.detail());
                }
                break;
            case RETRY_IN_CLEAR:
                retryInClearOrBlock(outcome.reason(), outcome.detail(), deadline, appNoDelay);
                break;
            case SERVER_CLOSING:
                // A goodbye or a half-close is no licence to talk in clear: under enforce nothing of
                // the application's goes out; otherwise what it sends is watched and reported.
                byte[] words = Replay.concat(forApplication(outcome.replay()), channel.unread());
                if (enforce) {
                    c.settleServerEnded(outcome.reason(), outcome.detail(), words);
                } else {
                    clear(words, appNoDelay, Outcome.SERVER_CLOSED, outcome.reason(), outcome.detail());
                }
                break;
            default:
                c.block(outcome.reason(), outcome.detail(), false);
                break;
        }
    }

    private void startTls(NegotiationOutcome outcome, Deadline deadline, boolean appNoDelay) throws IOException {
        EstablishedTls upgraded = null;
        TlsUpgradeException failure = null;
        transport.beginAgentHandshake(deadline);
        try {
            upgraded = c.runtime.upgrader(c.policy).upgrade(transport.appSocket(), c.destination.host(), c.destination.port());
        } catch (TlsUpgradeException e) {
            failure = e;
        } finally {
            transport.endAgentHandshake(); // before a reconnect asks for the new socket's streams
        }
        if (failure != null) {
            if (Reasons.TLS_HANDSHAKE_FAILED.equals(failure.reason())) {
                retryInClearOrBlock(failure.reason(), failure.getMessage(), deadline, appNoDelay);
            } else {
                c.block(failure.reason(), failure.getMessage(), false);
            }
            return;
        }
        transport.restoreApplicationTimeout();
        c.settleTls(upgraded.socket(), forApplication(outcome.replay()), upgraded.details());
    }

    /** The greeting the application is to read: none when it read the greeting itself already. */
    private byte[] forApplication(byte[] greeting) {
        return c.greetingRead() != null ? new byte[0] : greeting;
    }

    /**
     * The server broke the session after STARTTLS. Enforce blocks. Opportunistic does what Postfix
     * does at security level "may": it goes on in clear over a new connection to the same address,
     * from the same local address and with the application's socket options, so that a broken TLS
     * server does not stop mail that would have gone out without the agent.
     */
    private void retryInClearOrBlock(String reason, String detail, Deadline first, boolean appNoDelay)
            throws IOException {
        if (c.policy.enforces() || c.closing()) {
            c.block(reason, detail, false);
            return;
        }
        if (c.proxied) {
            // A new connection would go to the proxy, or around it: neither is the application's.
            c.block(reason, detail + "; the session goes through a proxy, so no new connection in clear is tried",
                    false);
            return;
        }
        Deadline deadline = new Deadline(first.timeoutMillis()); // a new connection, a new budget
        try {
            Socket replacement = transport.reconnect(deadline.remainingMillis());
            transport.replaceWith(replacement, null, null); // before its streams are asked for: raw ones
            RawLineChannel channel = new RawLineChannel(transport::setNegotiationTimeout, transport.in(), transport.out(), deadline,
                    config.maxLineBytes());
            byte[] greeting = Dialects.readGreeting(c.protocol, channel);
            transport.restoreApplicationTimeout();
            replacement.setTcpNoDelay(appNoDelay);
            clearOver(Replay.concat(forApplication(greeting), channel.unread()), reason, detail + "; went on in clear over a new "
                    + "connection");
        } catch (IOException e) {
            transport.closeReplacement();
            c.block(reason, detail + "; a new connection in clear failed too (" + e.getMessage() + ")", false);
        }
    }

    private void clear(byte[] forApplication, boolean appNoDelay, Outcome outcome, String reason, String detail)
            throws IOException {
        transport.restoreApplicationTimeout();
        transport.appSocket().setTcpNoDelay(appNoDelay);
        c.settleClear(forApplication, outcome, reason, detail);
    }

    private void clearOver(byte[] forApplication, String reason, String detail) {
        c.settleClear(forApplication, Outcome.PLAINTEXT_FALLBACK, reason, detail);
    }
}
