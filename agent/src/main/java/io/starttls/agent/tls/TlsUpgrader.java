package io.starttls.agent.tls;

import io.starttls.agent.config.Mode;
import io.starttls.agent.config.Policy;
import io.starttls.agent.vocabulary.Reasoned;
import io.starttls.agent.vocabulary.Reasons;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Layers TLS over an established plain socket and checks the server as a destination's policy
 * says. One per policy (the global one, each rule of the policy file): its SSLContext serves every
 * connection of that policy, so its session cache lets repeated connections to a server resume.
 */
public final class TlsUpgrader {
    private static final String[] VERSIONS_OLDEST_FIRST = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

    private final Policy policy;
    private final SSLSocketFactory factory;
    private final String[] protocols;
    // What the handshake offers: the versions from min-tls, or under mode=testing every version the
    // JDK enables, since testing encrypts whatever it can and reports a version enforce would refuse.
    private final String[] offered;
    private final PolicyTrustManager trust;
    private final X509TrustManager trusted;
    private final String trustStoreProblem;

    /**
     * @throws IOException when the trust store cannot be read and the policy needs it to refuse
     *     certificates (a policy that only encrypts, or only tests, goes on, every certificate then
     *     Untrusted, and {@link #trustStoreProblem()} says why)
     */
    public TlsUpgrader(Policy policy) throws GeneralSecurityException, IOException {
        this(policy, policy.mode() != Mode.TESTING);
    }

    /**
     * For the check command: the policy's TLS context and the versions the agent would offer, but
     * the handshake accepts any certificate, so that the chain can be shown and {@link #judgeAs}
     * can judge it at every level; the session's {@link TlsDetails#trust()} says what the policy
     * itself would refuse, as it does under mode=testing.
     */
    public static TlsUpgrader forInspection(Policy policy) throws GeneralSecurityException, IOException {
        return new TlsUpgrader(policy, false);
    }

    private TlsUpgrader(Policy policy, boolean refuses) throws GeneralSecurityException, IOException {
        this.policy = policy;
        X509TrustManager trusted = null;
        String problem = null;
        if (policy.pins().isEmpty() || policy.trust().store() == null) {
            try {
                trusted = TrustStores.trustManager(policy.trust());
            } catch (GeneralSecurityException | IOException e) {
                if (refuses && policy.checksCertificate()) {
                    throw e;
                }
                problem = e.getMessage();
            }
        }
        this.trustStoreProblem = problem;
        this.trusted = trusted;
        SSLContext context = SSLContext.getInstance("TLS");
        trust = new PolicyTrustManager(policy.verify(), policy.pins(), trusted, refuses);
        context.init(null, new TrustManager[] {trust}, null);
        this.factory = context.getSocketFactory();
        this.protocols = protocolsFrom(policy.minTls(), context.getSupportedSSLParameters().getProtocols());
        // The versions the agent would offer for this policy: the check's handshake offers the same.
        this.offered = policy.mode() != Mode.TESTING ? protocols
                : protocolsFrom("TLSv1", context.getSupportedSSLParameters().getProtocols());
    }

    /** Why the trust store could not be used, when the policy went on without it; else null. */
    public String trustStoreProblem() {
        return trustStoreProblem;
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
            params.setProtocols(offered);
            tls.setSSLParameters(params);
            long started = System.currentTimeMillis();
            tls.startHandshake();
            SSLSession session = tls.getSession();
            return new EstablishedTls(tls, TlsDetails.of(session, withVersion(trust.judge(chain(session), "UNKNOWN",
                    host), session.getProtocol()), started));
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Under testing, a version older than min-tls is what enforce would have refused first. */
    private ServerTrust withVersion(ServerTrust judged, String version) {
        if (Arrays.asList(protocols).contains(version)) {
            return judged;
        }
        return new ServerTrust(judged.level(), Reasons.TLS_HANDSHAKE_FAILED, "the server chose " + version
                + ", older than min-tls=" + policy.minTls());
    }

    /**
     * What the policy's trust store and pins make of {@code chain} at one level of verify=: the
     * check command shows all of them side by side.
     *
     * @param withPins judge by the policy's pins (they replace the CA and name checks)
     */
    public ServerTrust judgeAs(io.starttls.agent.config.Verify verify, boolean withPins, X509Certificate[] chain,
                               String host) throws GeneralSecurityException {
        return new PolicyTrustManager(verify, withPins ? policy.pins() : java.util.Collections.<io.starttls.agent.config.Pin>emptyList(),
                trusted, false).judge(chain, "UNKNOWN", host);
    }

    /** The server's X.509 chain of a session, or null when it sent none. */
    public static X509Certificate[] chain(SSLSession session) {
        try {
            Certificate[] peer = session.getPeerCertificates();
            X509Certificate[] chain = new X509Certificate[peer.length];
            for (int i = 0; i < peer.length; i++) {
                chain[i] = (X509Certificate) peer[i];
            }
            return chain;
        } catch (SSLPeerUnverifiedException | ClassCastException e) {
            return null;
        }
    }

    /**
     * Applies the policy to a TLS session that the application ran itself: the same trust store,
     * host-name check, pins and minimum version as the agent's own TLS.
     *
     * @param host the name the application connected to
     */
    public TlsDetails checkApplicationSession(SSLSession session, String host, Boolean resumed)
            throws TlsUpgradeException {
        checkVersion(session.getProtocol());
        X509Certificate[] chain = chain(session);
        if (policy.checksCertificate() && trust.refusesInHandshake()) {
            if (chain == null) {
                throw new TlsUpgradeException(Reasons.VALIDATION_FAILURE, "the server sent no X.509 certificate", null);
            }
            try {
                // "UNKNOWN": the key-exchange-independent check JSSE uses for TLS 1.3.
                trust.check(chain, "UNKNOWN", host);
            } catch (TlsPolicyException e) {
                throw new TlsUpgradeException(e.reason(), e.getMessage(), e);
            } catch (java.security.cert.CertificateException e) {
                throw new TlsUpgradeException(Reasons.VALIDATION_FAILURE, String.valueOf(e.getMessage()), e);
            }
        }
        return TlsDetails.ofApplicationSession(session, trust.judge(chain, "UNKNOWN", host), resumed);
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
                + ", older than min-tls=" + policy.minTls(), null);
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
