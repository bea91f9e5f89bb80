package io.starttls.agent.tls;

import io.starttls.agent.config.Verify;
import io.starttls.agent.vocabulary.Reasons;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Checks the server's certificate as {@code verify=} says, and says why it refuses one in the
 * TLS-RPT vocabulary, which the JDK's own exceptions do not.
 */
final class PolicyTrustManager extends X509ExtendedTrustManager {
    private final Verify verify;
    private final X509TrustManager trusted;
    private final X509ExtendedTrustManager jdk;

    /**
     * @param trusted the trust store's trust manager; for {@code verify=host} it must be the JDK's
     *     extended one (TrustManagerFactory's PKIX), which does the endpoint identification
     */
    PolicyTrustManager(Verify verify, X509TrustManager trusted) throws GeneralSecurityException {
        this.verify = verify;
        this.trusted = trusted;
        if (verify == Verify.HOST && !(trusted instanceof X509ExtendedTrustManager)) {
            throw new GeneralSecurityException("the trust manager of this JVM cannot check host names ("
                    + trusted.getClass().getName() + "); use verify=ca");
        }
        this.jdk = trusted instanceof X509ExtendedTrustManager ? (X509ExtendedTrustManager) trusted : null;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        SSLSession session = socket instanceof SSLSocket ? ((SSLSocket) socket).getHandshakeSession() : null;
        check(chain, authType, session == null ? null : session.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null);
    }

    void check(X509Certificate[] chain, String authType, String host) throws CertificateException {
        if (verify == Verify.NONE) {
            return;
        }
        if (chain == null || chain.length == 0) {
            throw new TlsPolicyException(Reasons.VALIDATION_FAILURE, "the server sent no certificate");
        }
        if (verify == Verify.HOST) {
            try {
                // The chain and the name in one, as the JDK checks them for HTTPS.
                JdkEndpointCheck.check(jdk, chain, authType, host);
                return;
            } catch (CertificateException e) {
                // Which failed, the chain or the name? The chain alone says; the JDK's exception
                // does not tell in words an operator can grep (the TLS-RPT result types).
            }
        }
        try {
            trusted.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw classify(chain[0], e);
        }
        if (verify == Verify.HOST) {
            throw new TlsPolicyException(Reasons.CERTIFICATE_HOST_MISMATCH,
                    "the certificate is for " + CertificateNames.of(chain[0]) + ", not for " + host);
        }
    }

    private static TlsPolicyException classify(X509Certificate leaf, CertificateException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || isReason(t, CertPathValidatorException.BasicReason.EXPIRED)) {
                return new TlsPolicyException(Reasons.CERTIFICATE_EXPIRED,
                        "a certificate in the chain has expired (the server's expires " + leaf.getNotAfter() + ")");
            }
            if (t instanceof CertificateNotYetValidException
                    || isReason(t, CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return new TlsPolicyException(Reasons.VALIDATION_FAILURE,
                        "a certificate in the chain is not yet valid (the server's from " + leaf.getNotBefore() + ")");
            }
        }
        return new TlsPolicyException(Reasons.CERTIFICATE_NOT_TRUSTED,
                "the certificate chain does not lead to a trusted root (issuer "
                        + leaf.getIssuerX500Principal().getName() + "); add its CA with truststore=PATH");
    }

    private static boolean isReason(Throwable t, CertPathValidatorException.BasicReason reason) {
        return t instanceof CertPathValidatorException && ((CertPathValidatorException) t).getReason() == reason;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the agent acts only as a TLS client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the agent acts only as a TLS client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the agent acts only as a TLS client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted == null ? new X509Certificate[0] : trusted.getAcceptedIssuers();
    }
}
