package io.starttls.agent.check;

import io.starttls.agent.audit.AuditFormat;
import io.starttls.agent.protocol.Printable;
import java.util.List;
import java.util.Map;

/** The two forms of a check: lines for people, one JSON object for scripts. */
final class CheckOutput {
    private CheckOutput() {
    }

    /** What the server chose (certificate names, replies, details), made printable: it cannot forge a line. */
    private static String p(String s) {
        return s == null ? null : Printable.of(s, 1000);
    }

    static String text(CheckResult r, long nowMillis) {
        StringBuilder s = new StringBuilder();
        s.append("starttls-agent check ").append(r.host).append(':').append(r.port).append(" (").append(r.protocol)
                .append("), policy ").append(r.rule).append(": mode=").append(r.mode)
                .append(r.verify == null ? "" : ", verify=" + r.verify).append('\n');
        if (r.connectProblem != null) {
            s.append("cannot connect: ").append(p(r.connectProblem)).append('\n');
        } else {
            s.append("connected to ").append(r.host).append('[').append(r.address).append("]:").append(r.port)
                    .append('\n');
            lines(s, "before TLS:", r.beforeTls);
            s.append("STARTTLS: ").append(r.startTlsOffered ? "offered" : "not offered")
                    .append(r.startTlsOffered ? (r.startTlsAccepted ? ", accepted" : ", not accepted") : "").append('\n');
            if (r.tlsVersion != null) {
                s.append("TLS: ").append(r.tlsVersion).append(" with cipher ").append(p(r.cipher)).append('\n');
            }
            if (r.trustStoreProblem != null) {
                s.append("trust store: cannot be used: ").append(p(r.trustStoreProblem)).append('\n');
            }
            for (int i = 0; i < r.chain.size(); i++) {
                CertificateFacts c = r.chain.get(i);
                long days = (c.notAfterMillis - nowMillis) / 86_400_000L;
                s.append("certificate ").append(i).append(": ").append(p(c.subject)).append('\n')
                        .append("  issuer:  ").append(p(c.issuer)).append('\n')
                        .append("  names:   ").append(p(c.names)).append('\n')
                        .append("  valid:   ").append(c.notBefore).append(" to ").append(c.notAfter)
                        .append(c.notAfterMillis < nowMillis ? " (expired)" : " (" + days + " days left)").append('\n')
                        .append("  pin:     ").append(c.certificatePin).append('\n')
                        .append("  key pin: ").append(c.keyPin).append('\n');
            }
            if (r.tlsVersion != null) {
                lines(s, "after TLS:", r.afterTls);
            }
            if (r.trust != null) {
                s.append("certificate is ").append(r.trust).append('\n');
            }
            for (Map.Entry<String, String> level : r.levels.entrySet()) {
                s.append("verify=").append(level.getKey()).append(": ").append(p(level.getValue())).append('\n');
            }
        }
        return s.append("verdict: ").append(p(r.verdict.sentence)).append('\n').toString();
    }

    private static void lines(StringBuilder s, String title, List<String> lines) {
        s.append(title).append('\n');
        for (String line : lines) {
            s.append("  ").append(line).append('\n');
        }
    }

    static String json(CheckResult r) {
        StringBuilder j = new StringBuilder(2048).append('{');
        AuditFormat.field(j, "host", r.host);
        AuditFormat.field(j, "address", r.address);
        j.append(",\"port\":").append(r.port);
        AuditFormat.field(j, "protocol", r.protocol);
        AuditFormat.field(j, "policy_rule", r.rule);
        AuditFormat.field(j, "mode", r.mode);
        AuditFormat.field(j, "verify", r.verify);
        AuditFormat.field(j, "connect_problem", r.connectProblem);
        list(j, "before_tls", r.beforeTls);
        j.append(",\"starttls_offered\":").append(r.startTlsOffered);
        j.append(",\"starttls_accepted\":").append(r.startTlsAccepted);
        AuditFormat.field(j, "tls_version", r.tlsVersion);
        AuditFormat.field(j, "cipher", r.cipher);
        AuditFormat.field(j, "trust", r.trust);
        AuditFormat.field(j, "truststore_problem", r.trustStoreProblem);
        j.append(",\"certificates\":[");
        for (int i = 0; i < r.chain.size(); i++) {
            CertificateFacts c = r.chain.get(i);
            j.append(i == 0 ? "{" : ",{");
            AuditFormat.field(j, "subject", c.subject);
            AuditFormat.field(j, "issuer", c.issuer);
            AuditFormat.field(j, "names", c.names);
            AuditFormat.field(j, "not_before", c.notBefore);
            AuditFormat.field(j, "not_after", c.notAfter);
            AuditFormat.field(j, "cert_pin", c.certificatePin);
            AuditFormat.field(j, "key_pin", c.keyPin);
            j.append('}');
        }
        j.append(']');
        list(j, "after_tls", r.afterTls);
        j.append(",\"verify_levels\":{");
        boolean first = true;
        for (Map.Entry<String, String> level : r.levels.entrySet()) {
            j.append(first ? "" : ",");
            first = false;
            AuditFormat.quote(j, level.getKey());
            j.append(':');
            AuditFormat.quote(j, level.getValue());
        }
        j.append('}');
        AuditFormat.field(j, "outcome", r.verdict.outcome);
        AuditFormat.field(j, "reason", r.reason);
        AuditFormat.field(j, "detail", r.detail);
        AuditFormat.field(j, "verdict", r.verdict.sentence);
        j.append(",\"exit_status\":").append(r.verdict.exitStatus);
        return j.append("}\n").toString();
    }

    private static void list(StringBuilder j, String name, List<String> values) {
        j.append(",\"").append(name).append("\":[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                j.append(',');
            }
            AuditFormat.quote(j, values.get(i));
        }
        j.append(']');
    }
}
