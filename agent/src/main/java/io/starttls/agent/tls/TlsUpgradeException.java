package io.starttls.agent.tls;

import io.starttls.agent.vocabulary.Reasoned;
import java.io.IOException;

/** The TLS handshake or the certificate check failed; {@link #reason()} is an audit word. */
public final class TlsUpgradeException extends IOException implements Reasoned {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public TlsUpgradeException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    @Override
    public String reason() {
        return reason;
    }
}
