package io.starttls.agent.audit;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/** The two forms of a record: a human line in Postfix's vocabulary, and a JSON line for machines. */
public final class AuditFormat {
    private AuditFormat() {
    }

    public static String humanLine(AuditRecord r) {
        String where = r.peer() + " (" + r.protocol + ", mode=" + r.mode + ")";
        StringBuilder s = new StringBuilder();
        switch (r.outcome) {
            case UPGRADED:
                s.append(r.tls != null && r.tls.trust() != null ? r.tls.trust().level().title() : "Untrusted")
                        .append(" TLS connection established to ").append(where).append(": ")
                        .append(tlsSummary(r));
                break;
            case APP_MANAGED_TLS:
                s.append("Application-managed TLS connection to ").append(where)
                        .append(r.tls == null ? "" : ": ").append(tlsSummary(r));
                break;
            case PLAINTEXT_FALLBACK:
                s.append("TLS was not used with ").append(where).append(", the session went on in clear");
                break;
            case BLOCKED:
                s.append("enforce".equals(r.mode) ? "TLS is required, but could not be established with "
                        : "TLS could not be established with ").append(where)
                        .append(": session blocked, nothing of the application's was sent");
                break;
            case PLAINTEXT_OBSERVED:
                s.append("Plain-text session observed with ").append(where);
                break;
            default:
                s.append("The server ended the session with ").append(where);
                break;
        }
        if (r.reason != null) {
            s.append(" [").append(r.reason).append("] ").append(r.detail == null ? "" : r.detail);
        }
        if (r.credentialsInClear || r.mailInClear) {
            s.append(" (in clear:").append(r.credentialsInClear ? " credentials" : "")
                    .append(r.mailInClear ? " mail" : "").append(")");
        }
        if (r.testing) {
            s.append(r.wouldBlock == null ? " (mode=testing: enforce would let it through)"
                    : " (mode=testing: enforce would block it: " + r.wouldBlock + ")");
        }
        if (r.rule != null && !"global".equals(r.rule)) {
            s.append(" (policy: ").append(r.rule).append(")");
        }
        if (r.portListEntry != null) {
            s.append(" (found by its conversation on a port not listed; ").append(r.portListEntry)
                    .append(" makes it explicit)");
        }
        if (r.appClass != null) {
            s.append(" app=").append(r.appClass);
        }
        return s.toString();
    }

    private static String tlsSummary(AuditRecord r) {
        if (r.tls == null) {
            return "";
        }
        return r.tls.protocol() + " with cipher " + r.tls.cipherSuite()
                + (Boolean.TRUE.equals(r.tls.resumed()) ? ", session resumed" : "");
    }

    /** A record's time as the JSON line writes it: ISO 8601 in UTC, to the millisecond. */
    static String isoTime(long millis) {
        SimpleDateFormat iso = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT);
        iso.setTimeZone(TimeZone.getTimeZone("UTC"));
        return iso.format(new Date(millis));
    }

    public static String jsonLine(AuditRecord r) {
        StringBuilder j = new StringBuilder(512).append('{');
        field(j, "time", isoTime(r.timeMillis));
        field(j, "host", r.host);
        field(j, "address", r.address);
        j.append(",\"port\":").append(r.port);
        field(j, "protocol", r.protocol);
        field(j, "mode", r.mode);
        field(j, "verify", r.verify);
        field(j, "outcome", r.outcome.word());
        field(j, "reason", r.reason);
        field(j, "detail", r.detail);
        if (r.tls != null) {
            field(j, "tls_version", r.tls.protocol());
            field(j, "cipher", r.tls.cipherSuite());
            field(j, "peer_subject", r.tls.peerSubject());
            field(j, "peer_issuer", r.tls.peerIssuer());
            field(j, "peer_not_after", r.tls.peerNotAfter());
            if (r.tls.resumed() != null) {
                j.append(",\"tls_resumed\":").append(r.tls.resumed());
            }
            if (r.tls.trust() != null) {
                field(j, "trust", r.tls.trust().level().word());
            }
        }
        field(j, "policy_rule", r.rule);
        if (r.testing) {
            j.append(",\"would_block\":").append(r.wouldBlock != null);
            field(j, "would_block_reason", r.wouldBlock);
        }
        field(j, "found_by", r.foundBy);
        field(j, "app_class", r.appClass);
        j.append(",\"credentials_in_clear\":").append(r.credentialsInClear);
        j.append(",\"mail_in_clear\":").append(r.mailInClear);
        return j.append('}').toString();
    }

    /** One "name":"value" member of the object being written; nothing when the value is null. */
    public static void field(StringBuilder j, String name, String value) {
        if (value == null) {
            return;
        }
        if (j.charAt(j.length() - 1) != '{') {
            j.append(',');
        }
        j.append('"').append(name).append("\":");
        quote(j, value);
    }

    /** A JSON string, in ASCII alone: what a server chose (names, replies) cannot break the line. */
    public static void quote(StringBuilder j, String value) {
        j.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                j.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                j.append(String.format("\\u%04x", (int) c));
            } else {
                j.append(c);
            }
        }
        j.append('"');
    }
}
