package io.starttls.agent.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds audit records up per destination, one record at a time: memory grows with the number of
 * destinations, never with the number of records.
 */
final class Rollup {
    /** The RFC 8460 result types; our other reasons go under validation-failure with their own code. */
    private static final String[] TLSRPT_TYPES = {
        "starttls-not-supported", "certificate-host-mismatch", "certificate-expired", "certificate-not-trusted",
        "validation-failure"
    };
    static final int TIME = 0;
    static final int HOST = 1;
    static final int ADDRESS = 2;
    static final int PORT = 3;
    static final int PROTOCOL = 4;
    static final int OUTCOME = 5;
    static final int REASON = 6;
    static final int TLS_VERSION = 7;
    static final int PEER_SUBJECT = 8;
    static final int PEER_NOT_AFTER = 9;
    static final int WOULD_BLOCK = 10;
    static final int WOULD_BLOCK_REASON = 11;
    static final int CREDENTIALS = 12;
    static final int MAIL = 13;

    static FlatJson reader() {
        return new FlatJson("time", "host", "address", "port", "protocol", "outcome", "reason", "tls_version",
                "peer_subject", "peer_not_after", "would_block", "would_block_reason", "credentials_in_clear",
                "mail_in_clear");
    }

    /** Beyond this many destinations, the rest are added up in one row: memory stays bounded. */
    static final int MAX_DESTINATIONS = 100_000;
    private static final String OTHERS = "\n(other destinations)";
    private static final java.util.Set<String> OUTCOMES = new java.util.HashSet<String>(java.util.Arrays.asList(
            "upgraded", "app-managed-tls", "plaintext-fallback", "blocked", "plaintext-observed", "server-closed"));
    private static final java.util.Set<String> PROTOCOLS = new java.util.HashSet<String>(java.util.Arrays.asList(
            "smtp", "imap", "pop3"));

    private final Map<String, DestinationSummary> destinations = new HashMap<String, DestinationSummary>();
    private String firstTime;
    private String lastTime;
    long records;

    /**
     * False when the line is JSON but no audit record of ours: no host or port, an outcome, protocol,
     * reason, version or time outside the agent's vocabulary (a forged or damaged line must not put
     * words of its own into the report, nor grow it without bound).
     */
    boolean add(FlatJson r) {
        String outcome = r.get(OUTCOME);
        String host = r.get(HOST);
        int port = port(r.get(PORT));
        if (!OUTCOMES.contains(outcome) || host == null || port < 0
                || r.get(PROTOCOL) != null && !PROTOCOLS.contains(r.get(PROTOCOL))
                || !isWord(r.get(REASON)) || !isWord(r.get(WOULD_BLOCK_REASON)) || !isWord(r.get(TLS_VERSION))
                || !isTime(r.get(TIME)) || !isTime(r.get(PEER_NOT_AFTER))) {
            return false;
        }
        records++;
        String time = r.get(TIME);
        if (time != null) {
            if (firstTime == null || time.compareTo(firstTime) < 0) {
                firstTime = time;
            }
            if (lastTime == null || time.compareTo(lastTime) > 0) {
                lastTime = time;
            }
        }
        String protocol = r.get(PROTOCOL) == null ? "?" : r.get(PROTOCOL);
        String key = host + '\n' + port + '\n' + protocol;
        DestinationSummary d = destinations.get(key);
        if (d == null) {
            if (destinations.size() >= MAX_DESTINATIONS) {
                key = OTHERS;
                d = destinations.get(OTHERS);
                if (d == null) {
                    d = new DestinationSummary("(other destinations)", 0, "*");
                }
            } else {
                d = new DestinationSummary(host, port, protocol);
            }
            destinations.put(key, d);
        }
        if (isAddress(r.get(ADDRESS)) && d.port != 0) {
            d.address = r.get(ADDRESS);
        }
        d.sessions++;
        String reason = r.get(REASON);
        boolean tls = false;
        boolean failed = false;
        switch (outcome) {
            case "upgraded":
                d.upgraded++;
                tls = true;
                break;
            case "app-managed-tls":
                d.appManagedTls++;
                tls = true;
                break;
            case "plaintext-fallback":
                d.fallback++;
                failed = true;
                break;
            case "blocked":
                d.blocked++;
                failed = true;
                break;
            case "plaintext-observed":
                d.observed++;
                break;
            default:
                d.serverClosed++;
                break;
        }
        if (reason != null) {
            DestinationSummary.increment(d.reasons, outcome + " " + reason);
        }
        if (r.isTrue(CREDENTIALS)) {
            d.credentialsInClear++;
        }
        if (r.isTrue(MAIL)) {
            d.mailInClear++;
        }
        if (r.get(TLS_VERSION) != null) {
            DestinationSummary.increment(d.tlsVersions, r.get(TLS_VERSION));
        }
        certificate(d, r.get(PEER_SUBJECT), r.get(PEER_NOT_AFTER));
        String failure = failed ? (reason != null ? reason : outcome) : null;
        if (r.isTrue(WOULD_BLOCK)) {
            d.wouldBlock++;
            failure = r.get(WOULD_BLOCK_REASON) != null ? r.get(WOULD_BLOCK_REASON) : "would-block";
        }
        if (failure != null) {
            d.tlsFailures++;
            String type = resultType(failure);
            DestinationSummary.increment(d.failures, type + '\n' + (type.equals(failure) ? "" : failure) + '\n'
                    + (d.address == null ? "" : d.address));
        } else if (tls) {
            d.tlsSuccesses++;
        }
        return true;
    }

    /** A word of the audit's vocabulary (a reason, a TLS version), or absent. */
    static boolean isWord(String s) {
        if (s == null) {
            return true;
        }
        if (s.isEmpty() || s.length() > 40) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** ISO 8601 in UTC as the agent writes it (2026-12-01T10:00:00Z or with .SSS), or absent. */
    static boolean isTime(String s) {
        if (s == null) {
            return true;
        }
        if (s.length() != 20 && s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(s.length() - 1) != 'Z') {
            return false;
        }
        for (int i = 0; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && i != 19) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAddress(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    private static void certificate(DestinationSummary d, String subject, String notAfter) {
        if (subject == null || notAfter == null) {
            return;
        }
        String known = d.certificates.get(subject);
        if (known == null && d.certificates.size() >= DestinationSummary.MAX_CERTIFICATES) {
            return;
        }
        if (known == null || notAfter.compareTo(known) > 0) {
            d.certificates.put(subject, notAfter);
        }
    }

    static String resultType(String reason) {
        for (String type : TLSRPT_TYPES) {
            if (type.equals(reason)) {
                return type;
            }
        }
        return "validation-failure";
    }

    private static int port(String text) {
        if (text == null || text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535 ? port : -1;
    }

    /** The destinations, most sessions first, then by name. */
    List<DestinationSummary> destinations() {
        List<DestinationSummary> out = new ArrayList<DestinationSummary>(destinations.values());
        out.sort((a, b) -> a.sessions != b.sessions ? Long.compare(b.sessions, a.sessions)
                : (a.name() + a.protocol).compareTo(b.name() + b.protocol));
        return out;
    }

    Collection<DestinationSummary> all() {
        return destinations.values();
    }

    String firstTime() {
        return firstTime;
    }

    String lastTime() {
        return lastTime;
    }
}
