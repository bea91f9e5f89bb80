package io.starttls.agent.check;

import io.starttls.agent.config.Pin;
import io.starttls.agent.tls.CertificateNames;
import io.starttls.agent.tls.Digests;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.Locale;
import java.util.TimeZone;

/** One certificate of the server's chain, as the check shows it: enough to write a pin rule. */
final class CertificateFacts {
    final String subject;
    final String issuer;
    final String names;
    final String notBefore;
    final String notAfter;
    final long notAfterMillis;
    final String certificatePin;
    final String keyPin;

    CertificateFacts(X509Certificate c) {
        subject = c.getSubjectX500Principal().getName();
        issuer = c.getIssuerX500Principal().getName();
        names = CertificateNames.of(c);
        notBefore = iso(c.getNotBefore().getTime());
        notAfter = iso(c.getNotAfter().getTime());
        notAfterMillis = c.getNotAfter().getTime();
        String certificate;
        try {
            certificate = Pin.format(Pin.Kind.CERTIFICATE, Digests.sha256(c.getEncoded()));
        } catch (CertificateEncodingException e) {
            certificate = "(cannot be encoded)";
        }
        certificatePin = certificate;
        keyPin = Pin.format(Pin.Kind.PUBLIC_KEY, Digests.sha256(c.getPublicKey().getEncoded()));
    }

    static String iso(long millis) {
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT);
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f.format(new java.util.Date(millis));
    }
}
