package io.starttls.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.agent.config.AgentArguments;
import io.starttls.agent.config.TrustSettings;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustStoresTest {
    @TempDir
    static Path dir;
    private static X509Certificate ca;

    @BeforeAll
    static void ca() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair keys = g.generateKeyPair();
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=Corp CA"), BigInteger.ONE,
                new Date(now - 86_400_000L), new Date(now + 86_400_000L), new X500Name("CN=Corp CA"), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(keys.getPrivate())));
    }

    private static TrustSettings settings(Path store, String password, boolean jdkRoots) throws Exception {
        String args = "truststore=" + store + (password == null ? "" : ",truststore-password=" + password)
                + ",jdk-roots=" + (jdkRoots ? "on" : "off");
        return AgentArguments.parse(args).policies().global().trust();
    }

    private static Path pkcs12(String name, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("corp", ca);
        Path p = dir.resolve(name);
        try (OutputStream out = new FileOutputStream(p.toFile())) {
            store.store(out, password);
        }
        return p;
    }

    private static Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, text.getBytes(StandardCharsets.US_ASCII));
        return p;
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private static int jdkRootCount() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return ((X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers().length;
    }

    @Test
    void aStoreReplacesTheJdkRootsUnlessTheyAreKept() throws Exception {
        Path p12 = pkcs12("corp.p12", "changeit".toCharArray());
        X509TrustManager alone = TrustStores.trustManager(settings(p12, "changeit", false));
        assertEquals(1, alone.getAcceptedIssuers().length);
        X509TrustManager both = TrustStores.trustManager(settings(p12, "changeit", true));
        assertEquals(jdkRootCount() + 1, both.getAcceptedIssuers().length);
    }

    @Test
    void aPemBundleIsAcceptedWithCommentsAndSeveralCertificates() throws Exception {
        Path bundle = write("bundle.pem", "# corp CA\n" + pem(ca) + "\n" + pem(ca));
        X509TrustManager tm = TrustStores.trustManager(settings(bundle, null, false));
        assertEquals(ca, tm.getAcceptedIssuers()[0]);
    }

    private static String failure(Path store, String password) throws Exception {
        TrustSettings s = settings(store, password, false);
        return assertThrows(java.io.IOException.class, () -> TrustStores.trustManager(s)).getMessage();
    }

    @Test
    void aFileThatCannotServeSaysWhy() throws Exception {
        Path p12 = pkcs12("pw.p12", "changeit".toCharArray());
        String wrong = failure(p12, "wrong");
        assertTrue(wrong.contains("did not open with the password given (it is wrong)"), wrong);
        assertTrue(!wrong.contains("wrong)") || !wrong.contains("'wrong'"), "the password itself is never shown");
        assertTrue(failure(write("key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), null)
                .contains("holds no certificate (it holds a private key)"));
        assertTrue(failure(write("empty.p12", ""), null).contains("is empty"));
        assertTrue(failure(write("garbage.bin", "not a store at all"), null)
                .contains("is neither a PKCS12 nor a JKS key store nor a PEM file of certificates"));
        assertTrue(failure(write("broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), null)
                .contains("has a certificate that cannot be read"));
    }
}
