package io.starttls.agent.audit;

import io.starttls.agent.vocabulary.Outcome;
import io.starttls.agent.protocol.Printable;
import io.starttls.agent.tls.TlsDetails;

/**
 * One record per watched connection. It holds facts about the connection only: no byte that the
 * application sent, so no password, AUTH payload or message can reach a log through it.
 */
public final class AuditRecord {
    final long timeMillis;
    final String host;
    final String address;
    final int port;
    final String protocol;
    final String mode;
    final String verify;
    final Outcome outcome;
    final String reason;
    final String detail;
    final TlsDetails tls;
    final String appClass;
    final String foundBy;
    final String portListEntry;
    final boolean credentialsInClear;
    final boolean mailInClear;
    final String rule;
    final boolean testing;
    final String wouldBlock;

    private AuditRecord(Builder b) {
        this.timeMillis = b.timeMillis;
        this.host = b.host;
        this.address = b.address;
        this.port = b.port;
        this.protocol = b.protocol;
        this.mode = b.mode;
        this.verify = b.verify;
        this.outcome = b.outcome;
        this.reason = b.reason;
        this.detail = b.detail;
        this.tls = b.tls;
        this.appClass = b.appClass;
        this.foundBy = b.foundBy;
        this.portListEntry = b.portListEntry;
        this.credentialsInClear = b.credentialsInClear;
        this.mailInClear = b.mailInClear;
        this.rule = b.rule;
        this.testing = b.testing;
        this.wouldBlock = b.testing ? wouldBlock(b) : null;
    }

    /**
     * What enforce would have refused, for mode=testing: every session that did not end in TLS, and
     * TLS whose certificate (or version) the destination's policy refuses. Null: it would pass.
     */
    static String wouldBlock(Builder b) {
        if (b.outcome == Outcome.UPGRADED || b.outcome == Outcome.APP_MANAGED_TLS) {
            if (b.appTlsProblemReason != null) {
                return b.appTlsProblemReason;
            }
            return b.tls != null && b.tls.trust() != null ? b.tls.trust().problemReason() : null;
        }
        return b.reason != null ? b.reason : b.outcome.word();
    }

    public Outcome outcome() {
        return outcome;
    }

    public String reason() {
        return reason;
    }

    /** host[address]:port, as Postfix writes a peer. */
    public String peer() {
        return host + (address != null && !address.equals(host) ? "[" + address + "]" : "") + ":" + port;
    }

    public static final class Builder {
        long timeMillis = System.currentTimeMillis();
        String host;
        String address;
        int port;
        String protocol;
        String mode;
        String verify;
        Outcome outcome;
        String reason;
        String detail;
        TlsDetails tls;
        String appClass;
        String foundBy;
        String portListEntry;
        boolean credentialsInClear;
        boolean mailInClear;
        String rule;
        boolean testing;
        String appTlsProblemReason;

        public Builder destination(String host, String address, int port) {
            this.host = host;
            this.address = address;
            this.port = port;
            return this;
        }

        public Builder policy(String protocol, String mode, String verify) {
            this.protocol = protocol;
            this.mode = mode;
            this.verify = verify;
            return this;
        }

        public Builder outcome(Outcome outcome, String reason, String detail) {
            this.outcome = outcome;
            this.reason = reason;
            this.detail = detail == null ? null : Printable.of(detail, 600);
            return this;
        }

        public Outcome outcome() {
            return outcome;
        }

        public String reason() {
            return reason;
        }

        public String detail() {
            return detail;
        }

        public Builder tls(TlsDetails tls) {
            this.tls = tls;
            return this;
        }

        /** How the connection was known to be mail, and the port-list entry that would name it. */
        public Builder foundBy(String foundBy, String portListEntry) {
            this.foundBy = foundBy;
            this.portListEntry = portListEntry;
            return this;
        }

        /** The policy rule that applied ("global", or the policy file and line), and whether it was mode=testing. */
        public Builder rule(String rule, boolean testing) {
            this.rule = rule;
            this.testing = testing;
            return this;
        }

        /** Why the policy refuses the application's own TLS session (that it let go on). */
        public Builder appTlsProblem(String reason) {
            this.appTlsProblemReason = reason;
            return this;
        }

        public Builder appClass(String appClass) {
            this.appClass = appClass;
            return this;
        }

        public Builder clearText(boolean credentials, boolean mail) {
            this.credentialsInClear = credentials;
            this.mailInClear = mail;
            return this;
        }

        public AuditRecord build() {
            return new AuditRecord(this);
        }
    }
}
