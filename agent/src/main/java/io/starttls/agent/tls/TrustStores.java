package io.starttls.agent.tls;

import io.starttls.agent.config.TrustSettings;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Enumeration;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust manager of a destination: the JDK's roots, a trust store (PKCS12, JKS, or a PEM bundle
 * of CA certificates, what Postfix and stunnel take), or the store and the JDK's roots together.
 * A file that cannot serve says why in words an operator can act on.
 */
public final class TrustStores {
    private TrustStores() {
    }

    public static X509TrustManager trustManager(TrustSettings trust) throws GeneralSecurityException, IOException {
        KeyStore store = null;
        if (trust.store() != null) {
            store = load(trust.store(), trust.password());
            if (trust.jdkRoots()) {
                addAll(store, jdkRoots().getAcceptedIssuers());
            }
        }
        return fromStore(store);
    }

    private static X509TrustManager jdkRoots() throws GeneralSecurityException {
        return fromStore(null);
    }

    private static X509TrustManager fromStore(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager) {
                return (X509TrustManager) tm;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    private static void addAll(KeyStore store, X509Certificate[] roots) throws GeneralSecurityException {
        int n = 0;
        for (X509Certificate root : roots) {
            store.setCertificateEntry("jdk-root-" + n++, root);
        }
    }

    /** The CA certificates of {@code file}, as a key store. */
    static KeyStore load(File file, char[] password) throws GeneralSecurityException, IOException {
        byte[] bytes = Files.readAllBytes(file.toPath());
        if (bytes.length == 0) {
            throw new IOException("the trust store " + file + " is empty: give a PKCS12 or JKS store, or a PEM file of "
                    + "CA certificates");
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 64 * 1024), StandardCharsets.ISO_8859_1);
        if (head.contains("-----BEGIN")) {
            return pem(file, bytes, head);
        }
        IOException wrongPassword = null;
        for (String type : new String[] {"PKCS12", "JKS"}) {
            KeyStore store = KeyStore.getInstance(type);
            try {
                store.load(new ByteArrayInputStream(bytes), password);
                return checkHoldsCertificates(file, store, type);
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage())
                        .contains("password")) {
                    wrongPassword = e;
                }
            } catch (GeneralSecurityException e) {
                // not this type: try the next
            }
        }
        if (wrongPassword != null) {
            throw new IOException("the trust store " + file + " did not open with the password given (" + (password == null
                    ? "none was given" : "it is wrong") + "): check truststore-password or truststore-password-file");
        }
        throw new IOException("the trust store " + file + " is neither a PKCS12 nor a JKS key store nor a PEM file of "
                + "certificates: convert it, or give the CA certificates in PEM (-----BEGIN CERTIFICATE-----)");
    }

    private static KeyStore pem(File file, byte[] bytes, String head) throws GeneralSecurityException, IOException {
        if (!head.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IOException("the PEM file " + file + " holds no certificate (" + (head.contains("PRIVATE KEY")
                    ? "it holds a private key" : "no -----BEGIN CERTIFICATE----- block")
                    + "): give the CA certificates that sign the server's certificate");
        }
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("the PEM file " + file + " has a certificate that cannot be read (" + e.getMessage()
                    + "): check that each block is a whole base64 certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        for (Certificate c : certificates) {
            store.setCertificateEntry("pem-" + n++, c);
        }
        return checkHoldsCertificates(file, store, "PEM");
    }

    private static KeyStore checkHoldsCertificates(File file, KeyStore store, String type)
            throws GeneralSecurityException, IOException {
        for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements();) {
            if (store.isCertificateEntry(aliases.nextElement())) {
                return store;
            }
        }
        throw new IOException("the " + type + " trust store " + file + " holds no trusted certificate entry (a key "
                + "store of private keys is not a trust store): import the CA certificates into it");
    }
}
