package io.starttls.agent.guard;

import io.starttls.agent.config.Mode;
import io.starttls.agent.vocabulary.Reasons;
import io.starttls.agent.tls.TlsDetails;
import io.starttls.agent.tls.TlsUpgradeException;
import javax.net.ssl.SSLSocket;

/**
 * The agent's TLS policy (trust, host name, minimum version) applied to TLS that the application
 * runs itself: a TLS-aware library or an app-managed rule must be at least as safe as a legacy
 * client under the agent. The check runs when the application's first application data is about
 * to go out, so its handshake is complete and nothing of it has reached the server yet.
 *
 * <p>The application's SSLSocket is known when it was layered over the mail socket by the JDK's
 * TLS (JSSE's createSocket is instrumented): its session is checked like the agent's own. Without
 * it (another TLS provider) only the version on the wire can be checked, and under a policy that
 * verifies certificates that is not enough: the session is refused.
 */
final class AppTlsCheck {
    private final GuardedConnection connection;
    private volatile SSLSocket ssl;
    private volatile boolean checked;

    AppTlsCheck(GuardedConnection connection) {
        this.connection = connection;
    }

    void layered(SSLSocket socket) {
        ssl = socket;
    }

    boolean checked() {
        return checked;
    }

    /**
     * Called before the application's first application-data record goes out. Returns false when
     * the connection was blocked instead.
     */
    boolean allowsApplicationData(AppTlsWatch watch) {
        SSLSocket socket = ssl;
        String reason = null;
        String why = null;
        TlsDetails session = null;
        Boolean resumed;
        String version;
        synchronized (watch) {
            resumed = watch.serverHello().resumed();
            version = watch.serverHello().version();
        }
        try {
            if (socket != null) {
                if (socket.getHandshakeSession() != null) {
                    return true; // still its handshake: the TLS 1.3 Finished is an application-data record
                }
                session = connection.runtime.upgrader(connection.policy).checkApplicationSession(socket.getSession(),
                        connection.destination.host(), resumed);
            } else {
                connection.runtime.upgrader(connection.policy).checkVersion(version);
                if (connection.policy.checksCertificate()) {
                    throw new TlsUpgradeException(Reasons.VALIDATION_FAILURE, "the application's own TLS could not be "
                            + "checked (it does not use the JDK's TLS), so its certificate was not verified", null);
                }
            }
        } catch (TlsUpgradeException e) {
            reason = e.reason();
            why = e.getMessage();
        }
        if (why == null || !refuses(reason)) {
            // The record reports the session, and what the policy found wrong where the mode let
            // it go on anyway (monitor, or an old version under opportunistic).
            connection.record.appTls(session, why == null ? null
                    : "the policy would refuse it: " + why + " [" + reason + "]", reason);
            checked = true;
            return true;
        }
        connection.refuse(reason, "the application's own TLS: " + why);
        return false;
    }

    /**
     * Enforce refuses every failure. Opportunistic refuses a certificate that verify=ca|host
     * refuses, as it does for the agent's own TLS, and lets an old version go (better than the
     * clear text it would otherwise fall back to). Monitor only reports.
     */
    private boolean refuses(String reason) {
        Mode mode = connection.policy.mode();
        if (mode == Mode.ENFORCE) {
            return true;
        }
        return mode == Mode.OPPORTUNISTIC && connection.policy.checksCertificate()
                && !Reasons.TLS_HANDSHAKE_FAILED.equals(reason);
    }
}
