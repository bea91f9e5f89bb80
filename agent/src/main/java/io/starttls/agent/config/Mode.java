package io.starttls.agent.config;

/** What the agent does on a mail connection; after Postfix's TLS security levels and MTA-STS. */
public enum Mode {
    /** Never touch the connection: no guard, no record (a destination that will never speak TLS). */
    OFF,
    /** Never touch the wire; report each connection and what went out in clear. */
    MONITOR,
    /**
     * MTA-STS's "testing": upgrade as opportunistic does, check everything that enforce would
     * check, block nothing, and record what enforce would have done.
     */
    TESTING,
    /** Upgrade when the server offers STARTTLS, otherwise go on in clear and report it. */
    OPPORTUNISTIC,
    /** Upgrade, or block the session before the application sends a byte. */
    ENFORCE;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
