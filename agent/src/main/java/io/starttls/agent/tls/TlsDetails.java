package io.starttls.agent.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.Locale;
import java.util.TimeZone;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** What an established TLS session is, for the audit record. */
public final class TlsDetails {
    private final String protocol;
    private final String cipherSuite;
    private final String peerSubject;
    private final String peerIssuer;
    private final String peerNotAfter;
    private final ServerTrust trust;
    private final Boolean resumed;

    TlsDetails(String protocol, String cipherSuite, String peerSubject, String peerIssuer, String peerNotAfter,
               ServerTrust trust, Boolean resumed) {
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.peerSubject = peerSubject;
        this.peerIssuer = peerIssuer;
        this.peerNotAfter = peerNotAfter;
        this.trust = trust;
        this.resumed = resumed;
    }

    /**
     * @param handshakeStartedMillis when the handshake began: JSSE keeps a resumed session's
     *     creation time (TLS 1.2 reuses the cached session, TLS 1.3 copies it into the session made
     *     from the pre-shared key), so a session older than its handshake was resumed. JSSE has no
     *     other public sign of resumption.
     */
    public static TlsDetails of(SSLSession session, ServerTrust trust, long handshakeStartedMillis) {
        String subject = null;
        String issuer = null;
        String notAfter = null;
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate) {
                X509Certificate leaf = (X509Certificate) chain[0];
                subject = leaf.getSubjectX500Principal().getName();
                issuer = leaf.getIssuerX500Principal().getName();
                SimpleDateFormat iso = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT);
                iso.setTimeZone(TimeZone.getTimeZone("UTC"));
                notAfter = iso.format(leaf.getNotAfter());
            }
        } catch (SSLPeerUnverifiedException e) {
            // An anonymous suite: no certificate to report.
        }
        return new TlsDetails(session.getProtocol(), session.getCipherSuite(), subject, issuer, notAfter, trust,
                wasResumed(session.getCreationTime(), handshakeStartedMillis));
    }

    /** The session of TLS that the application ran itself; resumption as its ServerHello said. */
    public static TlsDetails ofApplicationSession(SSLSession session, ServerTrust trust, Boolean resumed) {
        TlsDetails d = of(session, trust, Long.MAX_VALUE);
        return new TlsDetails(d.protocol, d.cipherSuite, d.peerSubject, d.peerIssuer, d.peerNotAfter, trust, resumed);
    }

    static boolean wasResumed(long sessionCreatedMillis, long handshakeStartedMillis) {
        return sessionCreatedMillis < handshakeStartedMillis;
    }

    public String protocol() {
        return protocol;
    }

    public String cipherSuite() {
        return cipherSuite;
    }

    public String peerSubject() {
        return peerSubject;
    }

    public String peerIssuer() {
        return peerIssuer;
    }

    public String peerNotAfter() {
        return peerNotAfter;
    }

    /**
     * True when the handshake resumed an earlier session (no certificate sent, no full key
     * exchange); null when that cannot be known (an application's own TLS 1.2 session).
     */
    public Boolean resumed() {
        return resumed;
    }

    /**
     * What the certificate really is (Verified, Trusted, Untrusted, as Postfix says at level may),
     * and what the destination's policy found wrong with it; null when the agent did not see the
     * certificate (TLS that the application ran with another provider).
     */
    public ServerTrust trust() {
        return trust;
    }
}
