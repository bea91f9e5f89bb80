package io.starttls.agent.config;

/** How a blocked session is shown to the application. */
public enum BlockStyle {
    /** The protocol's own temporary failure (SMTP 421, IMAP BYE, POP3 -ERR), then end of stream. */
    REPLY,
    /** The next read or write throws an IOException with the same message. */
    EXCEPTION;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
