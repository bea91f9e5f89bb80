package io.starttls.agent.protocol;

/**
 * What the plain-text part of a STARTTLS negotiation ended in. The guard turns it into an action
 * according to the mode; this class only says what happened.
 */
public final class NegotiationOutcome {
    /** What the guard may do next. */
    public enum Kind {
        /** The server accepted STARTTLS and sent nothing more: start the TLS handshake. */
        START_TLS,
        /** No upgrade is possible, but the session can go on in clear (the application sees {@link #replay()}). */
        CLEAR_ONLY,
        /** The server is ending the session by itself: give the application what it said. */
        SERVER_CLOSING,
        /**
         * STARTTLS was asked for and the server then broke the session (closed it, answered out of
         * protocol, went silent): this connection is lost, a new one in clear may work.
         */
        RETRY_IN_CLEAR,
        /** The session cannot go on at all: abort it. */
        ABORT
    }

    private final Kind kind;
    private final String reason;
    private final String detail;
    private final byte[] replay;

    private NegotiationOutcome(Kind kind, String reason, String detail, byte[] replay) {
        this.kind = kind;
        this.reason = reason;
        this.detail = detail;
        this.replay = replay;
    }

    /** STARTTLS accepted; {@code greetingForApp} is given to the application once TLS is up. */
    public static NegotiationOutcome startTls(byte[] greetingForApp) {
        return new NegotiationOutcome(Kind.START_TLS, null, null, greetingForApp);
    }

    public static NegotiationOutcome clearOnly(String reason, String detail, byte[] replay) {
        return new NegotiationOutcome(Kind.CLEAR_ONLY, reason, detail, replay);
    }

    public static NegotiationOutcome serverClosing(String reason, String detail, byte[] replay) {
        return new NegotiationOutcome(Kind.SERVER_CLOSING, reason, detail, replay);
    }

    public static NegotiationOutcome retryInClear(String reason, String detail) {
        return new NegotiationOutcome(Kind.RETRY_IN_CLEAR, reason, detail, new byte[0]);
    }

    public static NegotiationOutcome abort(String reason, String detail) {
        return new NegotiationOutcome(Kind.ABORT, reason, detail, new byte[0]);
    }

    public Kind kind() {
        return kind;
    }

    /** A word of the audit vocabulary ({@code starttls-not-supported}, ...); null for START_TLS. */
    public String reason() {
        return reason;
    }

    /** What the server did, in words, for logs and block messages; never application data. */
    public String detail() {
        return detail;
    }

    /** The bytes the application is given before anything else the server sends. */
    public byte[] replay() {
        return replay.clone();
    }

    @Override
    public String toString() {
        return kind + (reason != null ? " " + reason + ": " + detail : "");
    }
}
