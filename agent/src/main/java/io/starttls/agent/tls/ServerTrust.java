package io.starttls.agent.tls;

/**
 * What the server's certificate really is, whatever the policy asked for: Postfix's words at its
 * level "may". Verified: the chain leads to a trusted root and names the host (or the certificate
 * is a pinned one); Trusted: the chain is trusted but names another host; Untrusted: the chain
 * does not lead to a trusted root. And, when the policy's own check refuses it, why.
 */
public final class ServerTrust {
    public enum Level {
        VERIFIED, TRUSTED, UNTRUSTED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The word that starts the human line: "Verified TLS connection established ...". */
        public String title() {
            return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Level level;
    private final String problemReason;
    private final String problemDetail;

    ServerTrust(Level level, String problemReason, String problemDetail) {
        this.level = level;
        this.problemReason = problemReason;
        this.problemDetail = problemDetail;
    }

    public Level level() {
        return level;
    }

    /** Why the destination's policy (verify, pins) refuses this certificate; null when it accepts it. */
    public String problemReason() {
        return problemReason;
    }

    public String problemDetail() {
        return problemDetail;
    }
}
