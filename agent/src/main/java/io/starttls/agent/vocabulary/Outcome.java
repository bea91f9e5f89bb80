package io.starttls.agent.vocabulary;

/** How a watched connection ended, in the words of the audit record. */
public enum Outcome {
    UPGRADED("upgraded"),
    APP_MANAGED_TLS("app-managed-tls"),
    PLAINTEXT_FALLBACK("plaintext-fallback"),
    BLOCKED("blocked"),
    PLAINTEXT_OBSERVED("plaintext-observed"),
    SERVER_CLOSED("server-closed");

    private final String word;

    Outcome(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
