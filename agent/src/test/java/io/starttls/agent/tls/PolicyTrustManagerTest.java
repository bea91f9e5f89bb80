package io.starttls.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.agent.config.Verify;
import io.starttls.agent.vocabulary.Reasons;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * verify=host through the JDK's own endpoint identification, and the agent's classification of a
 * refusal into the audit's words: a wrong name apart from an untrusted or expired chain.
 */
class PolicyTrustManagerTest {
    private static final long DAY = 24L * 3600 * 1000;
    private static KeyPair caKeys;
    private static X509Certificate ca;
    private static PolicyTrustManager host;

    @BeforeAll
    static void ca() throws Exception {
        caKeys = keys();
        ca = sign("CN=Test CA", caKeys.getPublic(), "CN=Test CA", caKeys.getPrivate(), -1, 30, true, null);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        host = new PolicyTrustManager(Verify.HOST, (X509TrustManager) tmf.getTrustManagers()[0]);
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String subject, java.security.PublicKey key, String issuer, PrivateKey by,
                                        int fromDays, int toDays, boolean isCa, GeneralNames sans) throws Exception {
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now), new Date(now + fromDays * DAY), new Date(now + toDays * DAY),
                new X500Name(subject), key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (sans != null) {
            b.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(by)));
    }

    /** A chain from the test CA to a leaf with these names ("dns:" or "ip:" prefixes; none: CN only). */
    private static X509Certificate[] leaf(String cn, String... names) throws Exception {
        GeneralNames sans = null;
        if (names.length > 0) {
            List<GeneralName> list = new ArrayList<>();
            for (String n : names) {
                list.add(n.startsWith("ip:") ? new GeneralName(GeneralName.iPAddress, n.substring(3))
                        : new GeneralName(GeneralName.dNSName, n.substring(4)));
            }
            sans = new GeneralNames(list.toArray(new GeneralName[0]));
        }
        return new X509Certificate[] {
            sign("CN=" + cn, keys().getPublic(), "CN=Test CA", caKeys.getPrivate(), -1, 10, false, sans), ca
        };
    }

    private static String refusal(X509Certificate[] chain, String name) {
        return assertThrows(TlsPolicyException.class, () -> host.check(chain, "UNKNOWN", name)).reason();
    }

    @Test
    void namesMatchAsTheJdkMatchesThemForHttps() throws Exception {
        host.check(leaf("x", "dns:mail.example.com"), "UNKNOWN", "mail.example.com");
        host.check(leaf("x", "dns:Mail.Example.COM"), "UNKNOWN", "mail.example.com");
        host.check(leaf("x", "dns:*.example.com"), "UNKNOWN", "mail.example.com");
        assertEquals(Reasons.CERTIFICATE_HOST_MISMATCH, refusal(leaf("x", "dns:*.example.com"), "a.mail.example.com"));
        assertEquals(Reasons.CERTIFICATE_HOST_MISMATCH, refusal(leaf("x", "dns:*.example.com"), "example.com"));
        assertEquals(Reasons.CERTIFICATE_HOST_MISMATCH, refusal(leaf("x", "dns:mail.example.com"), "example.com"));
    }

    @Test
    void addressesMatchOnlyAddressNames() throws Exception {
        host.check(leaf("localhost", "dns:localhost", "ip:127.0.0.1"), "UNKNOWN", "127.0.0.1");
        assertEquals(Reasons.CERTIFICATE_HOST_MISMATCH, refusal(leaf("127.0.0.1", "dns:localhost"), "127.0.0.1"));
    }

    @Test
    void theCommonNameCountsOnlyWithoutDnsNames() throws Exception {
        host.check(leaf("mail.example.com"), "UNKNOWN", "mail.example.com");
        assertEquals(Reasons.CERTIFICATE_HOST_MISMATCH,
                refusal(leaf("mail.example.com", "dns:other.example.com"), "mail.example.com"));
    }

    @Test
    void internationalisedNamesMatchInTheirAsciiForm() throws Exception {
        host.check(leaf("x", "dns:xn--bcher-kva.example"), "UNKNOWN", "xn--bcher-kva.example");
        assertEquals(Reasons.CERTIFICATE_HOST_MISMATCH, refusal(leaf("x", "dns:xn--bcher-kva.example"),
                "bucher.example"));
    }

    @Test
    void aChainProblemIsReportedAsSuchEvenWhenTheNameIsWrongToo() throws Exception {
        KeyPair other = keys();
        X509Certificate[] untrusted = {
            sign("CN=x", keys().getPublic(), "CN=Other CA", other.getPrivate(), -1, 10, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "mail.example.com")))
        };
        assertEquals(Reasons.CERTIFICATE_NOT_TRUSTED, refusal(untrusted, "other.example.com"));
        X509Certificate[] expired = {
            sign("CN=x", keys().getPublic(), "CN=Test CA", caKeys.getPrivate(), -20, -1, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "mail.example.com"))), ca
        };
        assertEquals(Reasons.CERTIFICATE_EXPIRED, refusal(expired, "mail.example.com"));
    }

    @Test
    void aMismatchSaysWhatTheCertificateIsFor() throws Exception {
        TlsPolicyException e = assertThrows(TlsPolicyException.class,
                () -> host.check(leaf("x", "dns:mx1.example.net"), "UNKNOWN", "mail.example.com"));
        assertTrue(e.getMessage().equals("the certificate is for DNS:mx1.example.net, not for mail.example.com"),
                e.getMessage());
    }
}
