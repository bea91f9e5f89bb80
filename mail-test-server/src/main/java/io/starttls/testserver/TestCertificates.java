package io.starttls.testserver;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA and server certificates made fresh at start: a good one for localhost and 127.0.0.1,
 * and the broken ones a test needs. Nothing is committed, nothing expires in the repository.
 */
public final class TestCertificates {
    /** Which certificate a test server presents. */
    public enum Kind {
        GOOD, WRONG_NAME, EXPIRED, NOT_YET_VALID, SELF_SIGNED, UNTRUSTED_CA,
        /** Valid for the name localhost only, not for the addresses 127.0.0.1 and ::1. */
        LOCALHOST_NAME_ONLY,
        /** Its subject holds a line feed and a fake log line, and no subject alternative name. */
        FORGED_NAME
    }

    /** The fake log line inside the FORGED_NAME certificate's subject. */
    public static final String FORGED_LOG_LINE = "WARN starttls-agent - forged line from a certificate";

    public static final char[] PASSWORD = "changeit".toCharArray();

    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Map<Kind, SSLContext> contexts = new EnumMap<>(Kind.class);
    private final Map<Kind, X509Certificate> leaves = new EnumMap<>(Kind.class);

    public TestCertificates() throws GeneralSecurityException, IOException {
        try {
            caKeys = keyPair();
            ca = sign("CN=starttls-agent Test CA", caKeys, "CN=starttls-agent Test CA", caKeys.getPrivate(),
                    days(-1), days(365), true, null);
            KeyPair untrustedCaKeys = keyPair();
            for (Kind kind : Kind.values()) {
                KeyPair keys = keyPair();
                X509Certificate cert;
                switch (kind) {
                    case WRONG_NAME:
                        cert = leaf("CN=mail.other.example", keys, new String[] {"mail.other.example"},
                                days(-1), days(30));
                        break;
                    case LOCALHOST_NAME_ONLY:
                        cert = leaf("CN=localhost", keys, new String[] {"localhost"}, days(-1), days(30));
                        break;
                    case FORGED_NAME:
                        cert = sign("CN=mail.forged.example\n" + FORGED_LOG_LINE, keys, "CN=starttls-agent Test CA",
                                caKeys.getPrivate(), days(-1), days(30), false, null);
                        break;
                    case EXPIRED:
                        cert = leaf("CN=localhost", keys, null, days(-30), days(-1));
                        break;
                    case NOT_YET_VALID:
                        cert = leaf("CN=localhost", keys, null, days(10), days(40));
                        break;
                    case SELF_SIGNED:
                        cert = sign("CN=localhost", keys, "CN=localhost", keys.getPrivate(), days(-1), days(30),
                                false, names(null));
                        break;
                    case UNTRUSTED_CA:
                        cert = sign("CN=localhost", keys, "CN=Unknown CA", untrustedCaKeys.getPrivate(), days(-1),
                                days(30), false, names(null));
                        break;
                    default:
                        cert = leaf("CN=localhost", keys, null, days(-1), days(30));
                        break;
                }
                leaves.put(kind, cert);
                boolean chainsToTestCa = kind != Kind.SELF_SIGNED && kind != Kind.UNTRUSTED_CA;
                contexts.put(kind, serverContext(keys.getPrivate(),
                        chainsToTestCa ? new X509Certificate[] {cert, ca} : new X509Certificate[] {cert}));
            }
        } catch (GeneralSecurityException | IOException e) {
            throw e;
        } catch (Exception e) {
            throw new GeneralSecurityException(e);
        }
    }

    public SSLContext serverContext(Kind kind) {
        return contexts.get(kind);
    }

    /** The server's own certificate of a kind (for pins). */
    public X509Certificate certificate(Kind kind) {
        return leaves.get(kind);
    }

    public X509Certificate ca() {
        return ca;
    }

    /** Writes a PKCS12 trust store holding the test CA, for the agent's {@code truststore=}. */
    public File writeTrustStore(File file) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("starttls-agent-test-ca", ca);
        try (OutputStream out = new FileOutputStream(file)) {
            store.store(out, PASSWORD);
        }
        return file;
    }

    private X509Certificate leaf(String subject, KeyPair keys, String[] dns, Date from, Date to) throws Exception {
        return sign(subject, keys, "CN=starttls-agent Test CA", caKeys.getPrivate(), from, to, false, names(dns));
    }

    private static GeneralNames names(String[] dns) {
        if (dns == null) {
            return new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")
            });
        }
        GeneralName[] out = new GeneralName[dns.length];
        for (int i = 0; i < dns.length; i++) {
            out[i] = new GeneralName(GeneralName.dNSName, dns[i]);
        }
        return new GeneralNames(out);
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey,
                                        Date from, Date to, boolean isCa, GeneralNames sans) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                new BigInteger(64, new SecureRandom()), from, to, new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (sans != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static SSLContext serverContext(PrivateKey key, X509Certificate[] chain) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, PASSWORD, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static Date days(int n) {
        return Date.from(Instant.now().plus(Duration.ofDays(n)));
    }
}
