package io.starttls.agent.tls;

import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.Verify;
import io.starttls.agent.vocabulary.Reasoned;
import io.starttls.agent.vocabulary.Reasons;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Layers TLS over an established plain socket and checks the server as policy says. One SSLContext
 * serves every connection, so its session cache lets repeated connections to a server resume.
 */
public final class TlsUpgrader {
    private static final String[] VERSIONS_OLDEST_FIRST = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

    private final AgentConfig config;
    private final SSLSocketFactory factory;
    private final String[] protocols;
    private final PolicyTrustManager policy;

    public TlsUpgrader(AgentConfig config) throws GeneralSecurityException, IOException {
        this.config = config;
        SSLContext context = SSLContext.getInstance("TLS");
        X509TrustManager trusted = config.verify() == Verify.NONE ? null : trustManager(config);
        policy = new PolicyTrustManager(config.verify(), trusted);
        context.init(null, new TrustManager[] {policy}, null);
        this.factory = context.getSocketFactory();
        this.protocols = protocolsFrom(config.minTls(), context.getSupportedSSLParameters().getProtocols());
    }

    /** Loads the configured trust store (PKCS12 or JKS), or the JDK's default one. */
    public static X509TrustManager trustManager(AgentConfig config) throws GeneralSecurityException, IOException {
        KeyStore store = null;
        if (config.trustStore() != null) {
            store = loadStore(config);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager) {
                return (X509TrustManager) tm;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    private static KeyStore loadStore(AgentConfig config) throws GeneralSecurityException, IOException {
        GeneralSecurityException last = null;
        IOException lastIo = null;
        for (String type : new String[] {"PKCS12", "JKS"}) {
            KeyStore store = KeyStore.getInstance(type);
            try (InputStream in = new FileInputStream(config.trustStore())) {
                store.load(in, config.trustStorePassword());
                return store;
            } catch (IOException e) {
                lastIo = e;
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        if (lastIo != null) {
            throw new IOException("cannot read trust store " + config.trustStore() + " as PKCS12 or JKS ("
                    + lastIo.getMessage() + "); check the file and truststore-password", lastIo);
        }
        throw last;
    }

    static String[] protocolsFrom(String minimum, String[] supported) {
        int min = Arrays.asList(VERSIONS_OLDEST_FIRST).indexOf(minimum);
        List<String> out = new ArrayList<String>();
        for (int i = Math.max(min, 0); i < VERSIONS_OLDEST_FIRST.length; i++) {
            if (Arrays.asList(supported).contains(VERSIONS_OLDEST_FIRST[i])) {
                out.add(VERSIONS_OLDEST_FIRST[i]);
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * A TLS client socket over {@code plain}, handshake done and certificate checked.
     * Closing the returned socket leaves {@code plain} open: the plain socket is the application's,
     * and it is closed when the application closes it (and not by JSSE when a handshake fails, so
     * that opportunistic mode can still go on over a new connection).
     *
     * @param host the name the application connected to: used for SNI and the host check
     */
    public EstablishedTls upgrade(Socket plain, String host, int port) throws TlsUpgradeException {
        try {
            SSLSocket tls = (SSLSocket) factory.createSocket(plain, host, port, false);
            tls.setUseClientMode(true);
            SSLParameters params = tls.getSSLParameters();
            params.setProtocols(protocols);
            tls.setSSLParameters(params);
            long started = System.currentTimeMillis();
            tls.startHandshake();
            return new EstablishedTls(tls, TlsDetails.of(tls.getSession(), config.verify() != Verify.NONE, started));
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * Applies the policy to a TLS session that the application ran itself: the same trust store,
     * host-name check and minimum version as the agent's own TLS.
     *
     * @param host the name the application connected to
     */
    public TlsDetails checkApplicationSession(SSLSession session, String host, Boolean resumed)
            throws TlsUpgradeException {
        checkVersion(session.getProtocol());
        if (config.verify() != Verify.NONE) {
            X509Certificate[] chain;
            try {
                java.security.cert.Certificate[] peer = session.getPeerCertificates();
                chain = new X509Certificate[peer.length];
                for (int i = 0; i < peer.length; i++) {
                    chain[i] = (X509Certificate) peer[i];
                }
            } catch (SSLPeerUnverifiedException | ClassCastException e) {
                throw new TlsUpgradeException(Reasons.VALIDATION_FAILURE, "the server sent no X.509 certificate", e);
            }
            try {
                // "UNKNOWN": the key-exchange-independent check JSSE uses for TLS 1.3.
                policy.check(chain, "UNKNOWN", host);
            } catch (TlsPolicyException e) {
                throw new TlsUpgradeException(e.reason(), e.getMessage(), e);
            } catch (java.security.cert.CertificateException e) {
                throw new TlsUpgradeException(Reasons.VALIDATION_FAILURE, String.valueOf(e.getMessage()), e);
            }
        }
        return TlsDetails.ofApplicationSession(session, config.verify() != Verify.NONE, resumed);
    }

    /** Refuses a version older than min-tls (as the agent's own handshake would). */
    public void checkVersion(String version) throws TlsUpgradeException {
        if (version == null) {
            throw new TlsUpgradeException(Reasons.TLS_HANDSHAKE_FAILED,
                    "the TLS version of the application's session is not known", null);
        }
        if (Arrays.asList(protocols).contains(version)) {
            return;
        }
        throw new TlsUpgradeException(Reasons.TLS_HANDSHAKE_FAILED, "the server chose " + version
                + ", older than min-tls=" + config.minTls(), null);
    }

    private static TlsUpgradeException failure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // The policy's refusal, or the guard's own stream refusing what it read during the
            // handshake (plain text where the server's first TLS record belongs, the deadline).
            if (t instanceof Reasoned) {
                return new TlsUpgradeException(((Reasoned) t).reason(), t.getMessage(), e);
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SSLException && message.toLowerCase().contains("protocol")) {
            message = message + " (the server may offer only TLS versions older than min-tls)";
        }
        return new TlsUpgradeException(Reasons.TLS_HANDSHAKE_FAILED, "the TLS handshake failed: " + message, e);
    }
}
