package io.starttls.agent.tls;

import io.starttls.agent.config.Pin;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the server's certificate as {@code verify=} says, and says why it refuses one in the
 * TLS-RPT vocabulary, which the JDK's own exceptions do not.
 */
final class PolicyTrustManager extends X509ExtendedTrustManager {
    private static final long VERDICT_TTL_MILLIS = 5 * 60 * 1000L;

    private final Verify verify;
    private final List<Pin> pins;
    private final X509TrustManager trusted;
    private final X509ExtendedTrustManager jdk;
    private final boolean refuseInHandshake;
    // The real level of a chain for a host, kept a while: repeated sessions to one server (and
    // resumed ones, which carry the first session's chain) cost a lookup, not a PKIX validation.
    private final Map<List<Object>, Object[]> levels = new LinkedHashMap<List<Object>, Object[]>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Object[]> eldest) {
            return size() > 128;
        }
    };

    /**
     * @param trusted the trust store's trust manager (TrustManagerFactory's PKIX, which also does
     *     the endpoint identification), or null when there is none to use: then every chain is
     *     Untrusted, and a policy that checks certificates refuses it
     * @param refuseInHandshake false for mode=testing: the handshake accepts any certificate, and
     *     {@link #judge} tells what enforce would have refused
     */
    PolicyTrustManager(Verify verify, List<Pin> pins, X509TrustManager trusted, boolean refuseInHandshake)
            throws GeneralSecurityException {
        this.verify = verify;
        this.pins = pins;
        this.trusted = trusted;
        this.refuseInHandshake = refuseInHandshake;
        if (trusted != null && !(trusted instanceof X509ExtendedTrustManager)) {
            if (verify == Verify.HOST) {
                throw new GeneralSecurityException("the trust manager of this JVM cannot check host names ("
                        + trusted.getClass().getName() + "); use verify=ca");
            }
        }
        this.jdk = trusted instanceof X509ExtendedTrustManager ? (X509ExtendedTrustManager) trusted : null;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        SSLSession session = socket instanceof SSLSocket ? ((SSLSocket) socket).getHandshakeSession() : null;
        inHandshake(chain, authType, session == null ? null : session.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        inHandshake(chain, authType, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        inHandshake(chain, authType, null);
    }

    private void inHandshake(X509Certificate[] chain, String authType, String host) throws CertificateException {
        if (refuseInHandshake) {
            check(chain, authType, host);
        }
    }

    /** True when the handshake itself refuses what {@link #check} refuses. */
    boolean refusesInHandshake() {
        return refuseInHandshake;
    }

    /** The policy's check: the pins, or the chain (verify=ca) and the name (verify=host). */
    void check(X509Certificate[] chain, String authType, String host) throws CertificateException {
        if (pins.isEmpty() && verify == Verify.NONE) {
            return;
        }
        if (chain == null || chain.length == 0) {
            throw new TlsPolicyException(Reasons.VALIDATION_FAILURE, "the server sent no certificate");
        }
        if (!pins.isEmpty()) {
            checkPins(chain[0]);
            return;
        }
        if (trusted == null) {
            throw new TlsPolicyException(Reasons.TRUSTSTORE_UNUSABLE, "the trust store could not be read, so no "
                    + "certificate can be verified");
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

    private void checkPins(X509Certificate leaf) throws TlsPolicyException {
        byte[] certificate = Digests.sha256(encoded(leaf));
        byte[] key = Digests.sha256(leaf.getPublicKey().getEncoded());
        for (Pin pin : pins) {
            if (pin.matches(pin.kind() == Pin.Kind.CERTIFICATE ? certificate : key)) {
                return;
            }
        }
        throw new TlsPolicyException(Reasons.PIN_MISMATCH, "the server's certificate (" + Pin.format(Pin.Kind.CERTIFICATE,
                certificate) + ", " + Pin.format(Pin.Kind.PUBLIC_KEY, key) + ") is none of the pins of this destination");
    }

    private static byte[] encoded(X509Certificate c) throws TlsPolicyException {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new TlsPolicyException(Reasons.VALIDATION_FAILURE, "the server's certificate cannot be encoded");
        }
    }

    /**
     * What the certificate really is (Verified, Trusted, Untrusted), and what the policy finds
     * wrong with it, after a handshake that {@code passedInHandshake} with this trust manager.
     */
    ServerTrust judge(X509Certificate[] chain, String authType, String host) {
        if (chain == null || chain.length == 0) {
            return new ServerTrust(ServerTrust.Level.UNTRUSTED, checksCertificate() ? Reasons.VALIDATION_FAILURE : null,
                    checksCertificate() ? "the server sent no certificate" : null);
        }
        String reason = null;
        String detail = null;
        if (!refuseInHandshake) {
            try {
                check(chain, authType, host);
            } catch (TlsPolicyException e) {
                reason = e.reason();
                detail = e.getMessage();
            } catch (CertificateException e) {
                reason = Reasons.VALIDATION_FAILURE;
                detail = String.valueOf(e.getMessage());
            }
        }
        ServerTrust.Level level;
        if (reason == null && (!pins.isEmpty() || verify == Verify.HOST)) {
            level = ServerTrust.Level.VERIFIED; // the handshake (or the check just now) proved it
        } else {
            level = realLevel(chain, authType, host);
        }
        return new ServerTrust(level, reason, detail);
    }

    private boolean checksCertificate() {
        return !pins.isEmpty() || verify != Verify.NONE;
    }

    private ServerTrust.Level realLevel(X509Certificate[] chain, String authType, String host) {
        if (trusted == null) {
            return ServerTrust.Level.UNTRUSTED;
        }
        List<Object> key = new ArrayList<Object>(Arrays.asList((Object[]) chain));
        key.add(host);
        long now = System.currentTimeMillis();
        synchronized (levels) {
            Object[] known = levels.get(key);
            if (known != null && (Long) known[1] > now) {
                return (ServerTrust.Level) known[0];
            }
        }
        ServerTrust.Level level;
        try {
            JdkEndpointCheck.check(jdk, chain, authType, host);
            level = ServerTrust.Level.VERIFIED;
        } catch (CertificateException | RuntimeException e) {
            try {
                trusted.checkServerTrusted(chain, authType);
                level = ServerTrust.Level.TRUSTED;
            } catch (CertificateException | RuntimeException e2) {
                level = ServerTrust.Level.UNTRUSTED;
            }
        }
        synchronized (levels) {
            levels.put(key, new Object[] {level, now + VERDICT_TTL_MILLIS});
        }
        return level;
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
