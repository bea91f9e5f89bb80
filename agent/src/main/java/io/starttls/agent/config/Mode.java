package io.starttls.agent.config;

/** What the agent does on a mail connection; after Postfix's TLS security levels. */
public enum Mode {
    /** Never touch the wire; report each connection and what went out in clear. */
    MONITOR,
    /** Upgrade when the server offers STARTTLS, otherwise go on in clear and report it. */
    OPPORTUNISTIC,
    /** Upgrade, or block the session before the application sends a byte. */
    ENFORCE;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
