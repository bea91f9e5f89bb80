package io.starttls.agent.check;

import io.starttls.agent.config.Mode;
import io.starttls.agent.vocabulary.Reasons;

/**
 * What the agent would do with the destination, in one line and an exit status, from what the
 * check saw and the destination's mode: the same decisions the guard takes (SessionSetup), said
 * ahead of time. Pure: unit-tested without a server.
 */
final class Verdict {
    static final int UPGRADED = 0;
    static final int BAD_ARGUMENTS = 2;
    static final int CANNOT_CONNECT = 3;
    static final int NO_STARTTLS = 4;
    static final int CERTIFICATE_REFUSED = 5;
    static final int TLS_FAILED = 6;
    static final int SERVER_MISBEHAVED = 7;
    static final int LEFT_IN_CLEAR = 8;

    /** What happened on the wire. */
    enum Seen {
        /** TLS is up; {@code reason} is what the policy refuses in it (null: nothing). */
        TLS,
        /** The TLS handshake failed ({@code reason}: tls-handshake-failed, negotiation-timeout, ...). */
        TLS_FAILED,
        /** No upgrade is possible and the session could go on in clear (not offered, refused, PREAUTH). */
        CLEAR_ONLY,
        /** STARTTLS was asked for and the server broke the session: a new connection in clear could work. */
        BROKEN_AFTER_STARTTLS,
        /** The server ended the session by itself. */
        SERVER_CLOSING,
        /** The session cannot go on at all (injection, a protocol violation, a timeout). */
        ABORT,
        /** No connection. */
        NO_CONNECTION
    }

    final int exitStatus;
    /** The outcome word the audit record would carry (upgraded, blocked, plaintext-fallback, ...). */
    final String outcome;
    final String sentence;

    private Verdict(int exitStatus, String outcome, String sentence) {
        this.exitStatus = exitStatus;
        this.outcome = outcome;
        this.sentence = sentence;
    }

    /**
     * @param under "mode=enforce,verify=host" and the rule, as the sentence starts
     * @param reason the audit reason; null for TLS the policy accepts
     */
    static Verdict of(Mode mode, String under, Seen seen, String reason, String detail) {
        String why = reason == null ? "" : ": " + reason + (detail == null ? "" : ": " + detail);
        String start = "under " + under + " this destination ";
        if (seen == Seen.NO_CONNECTION) {
            return new Verdict(CANNOT_CONNECT, "none", start + "could not be checked" + why);
        }
        if (mode == Mode.OFF || mode == Mode.MONITOR) {
            return new Verdict(LEFT_IN_CLEAR, mode == Mode.OFF ? "none" : "plaintext-observed",
                    start + (mode == Mode.OFF ? "is left alone" : "is only watched") + ", in clear (what "
                            + "mode=enforce would do is shown above, verify level by level)");
        }
        boolean enforce = mode == Mode.ENFORCE;
        int status = reason == null ? UPGRADED : statusOf(reason);
        switch (seen) {
            case TLS:
                if (reason == null) {
                    return new Verdict(UPGRADED, "upgraded", start + "would be upgraded");
                }
                if (mode == Mode.TESTING) {
                    return new Verdict(status, "upgraded", start + "would be upgraded, and mode=enforce would block it"
                            + why);
                }
                if (!enforce && Reasons.TLS_HANDSHAKE_FAILED.equals(reason)) {
                    return new Verdict(status, "plaintext-fallback", start + "would go on in clear over a new "
                            + "connection" + why);
                }
                return new Verdict(status, "blocked", start + "would be blocked" + why);
            case TLS_FAILED:
            case BROKEN_AFTER_STARTTLS:
                if (enforce || !Reasons.TLS_HANDSHAKE_FAILED.equals(reason) && seen == Seen.TLS_FAILED) {
                    return new Verdict(status, "blocked", start + "would be blocked" + why);
                }
                return new Verdict(status, "plaintext-fallback", start + "would go on in clear over a new connection"
                        + testing(mode) + why);
            case CLEAR_ONLY:
                if (enforce) {
                    return new Verdict(status, "blocked", start + "would be blocked" + why);
                }
                return new Verdict(status, "plaintext-fallback", start + "would go on in clear" + testing(mode) + why);
            case SERVER_CLOSING:
                return new Verdict(SERVER_MISBEHAVED, "server-closed", start + "would see the server end the session"
                        + why);
            default:
                return new Verdict(status, "blocked", start + "would be blocked" + why);
        }
    }

    private static String testing(Mode mode) {
        return mode == Mode.TESTING ? ", and mode=enforce would block it" : "";
    }

    /** The exit status of each kind of refusal (README, "Before you enforce"). */
    static int statusOf(String reason) {
        switch (reason) {
            case Reasons.STARTTLS_NOT_SUPPORTED:
            case Reasons.STARTTLS_REFUSED:
            case Reasons.PREAUTH_GREETING:
                return NO_STARTTLS;
            case Reasons.CERTIFICATE_HOST_MISMATCH:
            case Reasons.CERTIFICATE_EXPIRED:
            case Reasons.CERTIFICATE_NOT_TRUSTED:
            case Reasons.VALIDATION_FAILURE:
            case Reasons.PIN_MISMATCH:
            case Reasons.TRUSTSTORE_UNUSABLE:
                return CERTIFICATE_REFUSED;
            case Reasons.TLS_HANDSHAKE_FAILED:
                return TLS_FAILED;
            default:
                return SERVER_MISBEHAVED;
        }
    }
}
