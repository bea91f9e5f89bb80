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

    private final Map<String, DestinationSummary> destinations = new HashMap<String, DestinationSummary>();
    private String firstTime;
    private String lastTime;
    long records;

    /** False when the line is JSON but no audit record (no outcome, host or port). */
    boolean add(FlatJson r) {
        String outcome = r.get(OUTCOME);
        String host = r.get(HOST);
        int port = port(r.get(PORT));
        if (outcome == null || host == null || port < 0) {
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
            d = new DestinationSummary(host, port, protocol);
            destinations.put(key, d);
        }
        if (r.get(ADDRESS) != null) {
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
