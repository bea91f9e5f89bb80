package io.starttls.agent.config;

/** How much of the server's certificate is checked after the TLS handshake. */
public enum Verify {
    /** Encrypt only: any certificate is accepted (it still protects against passive listeners). */
    NONE,
    /** The chain must lead to a trusted root. */
    CA,
    /** The chain must lead to a trusted root and name the host that the application connected to. */
    HOST;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
