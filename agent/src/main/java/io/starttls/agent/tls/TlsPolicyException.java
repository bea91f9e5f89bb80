package io.starttls.agent.tls;

import io.starttls.agent.vocabulary.Reasoned;
import java.security.cert.CertificateException;

/** A certificate refused by the verification policy, with the TLS-RPT result type that fits. */
public final class TlsPolicyException extends CertificateException implements Reasoned {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public TlsPolicyException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    @Override
    public String reason() {
        return reason;
    }
}
