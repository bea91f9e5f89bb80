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
        host = new PolicyTrustManager(Verify.HOST, java.util.Collections.<io.starttls.agent.config.Pin>emptyList(),
                (X509TrustManager) tmf.getTrustManagers()[0], true);
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

    private static PolicyTrustManager with(io.starttls.agent.config.Verify verify, boolean refuse,
                                           io.starttls.agent.config.Pin... pins) throws Exception {
        return new PolicyTrustManager(verify, java.util.Arrays.asList(pins), trusted(), refuse);
    }

    private static X509TrustManager trusted() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    private static String base64(byte[] b) {
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    private static String hexWithColons(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(s.length() == 0 ? "" : ":").append(String.format("%02X", x));
        }
        return s.toString();
    }

    @Test
    void aPinOfTheCertificateOrOfItsKeyReplacesCaTrust() throws Exception {
        KeyPair other = keys();
        X509Certificate selfSigned = sign("CN=fax.corp.example", other.getPublic(), "CN=fax.corp.example",
                other.getPrivate(), -1, 10, false, null);
        X509Certificate[] chain = {selfSigned};
        byte[] certDigest = Digests.sha256(selfSigned.getEncoded());
        byte[] keyDigest = Digests.sha256(selfSigned.getPublicKey().getEncoded());
        // Untrusted by the CA, but pinned: accepted, whatever the name.
        with(io.starttls.agent.config.Verify.NONE, true, io.starttls.agent.config.Pin.parse("cert-sha256:"
                + hexWithColons(certDigest))).check(chain, "UNKNOWN", "other.name");
        with(io.starttls.agent.config.Verify.NONE, true, io.starttls.agent.config.Pin.parse("key-sha256:"
                + base64(keyDigest))).check(chain, "UNKNOWN", "other.name");
        ServerTrust pinned = with(io.starttls.agent.config.Verify.NONE, true, io.starttls.agent.config.Pin.parse(
                "key-sha256:" + base64(keyDigest))).judge(chain, "UNKNOWN", "other.name");
        assertEquals(ServerTrust.Level.VERIFIED, pinned.level());
        // A chain that the CA trusts is refused when it is not the pinned one.
        X509Certificate[] trustedButOther = leaf("x", "dns:mail.example.com");
        TlsPolicyException e = assertThrows(TlsPolicyException.class, () -> with(io.starttls.agent.config.Verify.NONE,
                true, io.starttls.agent.config.Pin.parse("cert-sha256:" + base64(certDigest)))
                .check(trustedButOther, "UNKNOWN", "mail.example.com"));
        assertEquals(Reasons.PIN_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("cert-sha256:" + base64(Digests.sha256(trustedButOther[0].getEncoded()))),
                "the refusal names the server's pins, so the operator can compare: " + e.getMessage());
    }

    @Test
    void theLevelIsTheRealResultWhateverVerifySays() throws Exception {
        PolicyTrustManager none = with(io.starttls.agent.config.Verify.NONE, true);
        assertEquals(ServerTrust.Level.VERIFIED, none.judge(leaf("x", "dns:mail.example.com"), "UNKNOWN",
                "mail.example.com").level());
        assertEquals(ServerTrust.Level.TRUSTED, none.judge(leaf("x", "dns:mx1.example.net"), "UNKNOWN",
                "mail.example.com").level());
        KeyPair other = keys();
        X509Certificate[] untrusted = {
            sign("CN=x", keys().getPublic(), "CN=Other CA", other.getPrivate(), -1, 10, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "mail.example.com")))
        };
        ServerTrust u = none.judge(untrusted, "UNKNOWN", "mail.example.com");
        assertEquals(ServerTrust.Level.UNTRUSTED, u.level());
        assertEquals(null, u.problemReason(), "verify=none refuses nothing");
    }

    @Test
    void testingJudgesWhatEnforceWouldRefuseWithoutRefusingInTheHandshake() throws Exception {
        PolicyTrustManager testing = with(io.starttls.agent.config.Verify.HOST, false);
        X509Certificate[] wrongName = leaf("x", "dns:mx1.example.net");
        testing.checkServerTrusted(wrongName, "UNKNOWN"); // the handshake goes on
        ServerTrust t = testing.judge(wrongName, "UNKNOWN", "mail.example.com");
        assertEquals(ServerTrust.Level.TRUSTED, t.level());
        assertEquals(Reasons.CERTIFICATE_HOST_MISMATCH, t.problemReason());
        assertEquals(null, testing.judge(leaf("x", "dns:mail.example.com"), "UNKNOWN", "mail.example.com")
                .problemReason());
    }
}
