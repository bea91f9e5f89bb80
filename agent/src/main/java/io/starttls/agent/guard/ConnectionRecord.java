package io.starttls.agent.guard;

import io.starttls.agent.audit.AuditRecord;
import io.starttls.agent.vocabulary.FoundBy;
import io.starttls.agent.vocabulary.Outcome;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.Mode;
import io.starttls.agent.config.Policy;
import io.starttls.agent.vocabulary.Reasons;
import io.starttls.agent.tls.TlsDetails;

/**
 * The one audit record of a connection. A session whose outcome is known at once (upgraded,
 * blocked) is written at once; a clear-text session is written when it ends, with the flags of
 * what crossed in clear. Whatever happens, at most one record is written.
 */
final class ConnectionRecord {
    private final MailSockets runtime;
    private final Destination destination;
    private final MailProtocol protocol;
    private final AgentConfig config;
    private final Policy policy;
    private final FoundBy foundBy;
    private AuditRecord.Builder pending;
    private boolean written;
    // What completes a clear-text session's record. Held here, not in the connection, so that the
    // record of a socket dropped without close() can still be written (see OpenSessions).
    private volatile AppTlsWatch watch;
    private volatile TlsDetails appTls;
    private volatile String appTlsProblem;
    private volatile String appTlsProblemReason;

    ConnectionRecord(MailSockets runtime, Destination destination, MailProtocol protocol, AgentConfig config,
                     Policy policy, FoundBy foundBy) {
        this.policy = policy;
        this.runtime = runtime;
        this.destination = destination;
        this.protocol = protocol;
        this.config = config;
        this.foundBy = foundBy;
    }

    void watch(AppTlsWatch w) {
        watch = w;
    }

    /** The application's own TLS session, checked by the policy, and what it found, if anything. */
    void appTls(TlsDetails details, String problem, String problemReason) {
        appTls = details;
        appTlsProblem = problem;
        appTlsProblemReason = problemReason;
    }

    /** Writes the record now (unless one was written already). */
    void now(Outcome outcome, String reason, String detail, TlsDetails tls) {
        AppTlsWatch watch = this.watch;
        AuditRecord.Builder b = builder(outcome, reason, detail).tls(tls);
        if (watch != null) {
            synchronized (watch) {
                b.clearText(watch.sawCredentials(), watch.sawMail());
            }
        }
        synchronized (this) {
            if (written) {
                return;
            }
            written = true;
            pending = null;
        }
        runtime.audit(b.build());
    }

    /** The record to write when the session ends; replaces an earlier pending one. */
    synchronized void later(Outcome outcome, String reason, String detail) {
        if (!written) {
            pending = builder(outcome, reason, detail);
        }
    }

    /** Writes the pending record, completed by what the watch saw; once only. */
    void flush() {
        flush(null);
    }

    /** The application dropped its socket without closing it (found when the guard was collected). */
    void flushDropped() {
        flush("; the application dropped the socket without closing it");
    }

    private void flush(String note) {
        AppTlsWatch watch = this.watch;
        AuditRecord.Builder b;
        synchronized (this) {
            if (written || pending == null) {
                return;
            }
            b = pending;
            pending = null;
            written = true;
        }
        if (watch != null) {
            synchronized (watch) {
                complete(b, watch, appTls, appTlsProblem);
                b.appTlsProblem(appTlsProblemReason);
            }
        }
        if (note != null) {
            b.outcome(b.outcome(), b.reason(), (b.detail() == null ? "" : b.detail()) + note);
        }
        runtime.audit(b.build());
    }

    private static void complete(AuditRecord.Builder b, AppTlsWatch watch, TlsDetails appTls, String appTlsProblem) {
        b.clearText(watch.sawCredentials(), watch.sawMail());
        // TLS is claimed only for a handshake that completed: the application's session, checked
        // when its first application data went out, or application data seen in both directions.
        boolean completed = !watch.clearAfterTls()
                && (appTls != null || (watch.tlsCompleted() && watch.serverHello().details() != null));
        if (completed) {
            b.outcome(Outcome.APP_MANAGED_TLS, null, appTlsProblem == null ? "the application started TLS itself"
                    : "the application started TLS itself; " + appTlsProblem)
                    .tls(appTls != null ? appTls : watch.serverHello().details());
        } else if (watch.tlsStarted()) {
            b.outcome(b.outcome(), Reasons.TLS_HANDSHAKE_FAILED, "the application's own TLS handshake did not complete"
                    + (watch.clearAfterTls() ? ", and it went on in clear" : ""));
        }
    }

    private AuditRecord.Builder builder(Outcome outcome, String reason, String detail) {
        return new AuditRecord.Builder()
                .destination(destination.host(), destination.address(), destination.port())
                .policy(protocol.word(), policy.mode().word(), policy.verifyWord())
                .rule(policy.rule(), policy.mode() == Mode.TESTING)
                .outcome(outcome, reason, detail)
                .foundBy(foundBy.word(), foundBy == FoundBy.CONVERSATION ? portListEntry() : null)
                .appClass(destination.appClass());
    }

    /** The {@code *-ports=} entry that would make a connection found by its conversation explicit. */
    private String portListEntry() {
        String listed = config.ports().portsOf(protocol);
        return protocol.portsKey() + "=" + (listed.isEmpty() ? "" : listed + ":") + destination.port();
    }
}
