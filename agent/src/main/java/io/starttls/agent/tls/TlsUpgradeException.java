package io.starttls.agent.tls;

import java.io.IOException;

/** The TLS handshake or the certificate check failed; {@link #reason()} is an audit word. */
public final class TlsUpgradeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public TlsUpgradeException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
