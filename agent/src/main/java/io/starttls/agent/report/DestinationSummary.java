package io.starttls.agent.report;

import java.util.Map;
import java.util.TreeMap;

/** What the records of one destination (host, port, protocol) add up to. */
final class DestinationSummary {
    /** At most this many distinct certificates are remembered per destination: memory stays bounded. */
    static final int MAX_CERTIFICATES = 16;

    final String host;
    final int port;
    final String protocol;
    long sessions;
    long upgraded;
    long appManagedTls;
    long fallback;
    long blocked;
    long observed;
    long serverClosed;
    long credentialsInClear;
    long mailInClear;
    long wouldBlock;
    /** TLS-RPT's session counts: TLS the policy accepts, and sessions it failed (or, testing, would fail). */
    long tlsSuccesses;
    long tlsFailures;
    /** "outcome reason" (blocked starttls-not-supported, ...) to count. */
    final Map<String, Long> reasons = new TreeMap<String, Long>();
    final Map<String, Long> tlsVersions = new TreeMap<String, Long>();
    /** For TLS-RPT: failures by result type, reason and receiving address. */
    final Map<String, Long> failures = new TreeMap<String, Long>();
    /** Subject to the latest not-after seen for it (ISO 8601), from upgraded sessions. */
    final Map<String, String> certificates = new TreeMap<String, String>();
    String address;

    DestinationSummary(String host, int port, String protocol) {
        this.host = host;
        this.port = port;
        this.protocol = protocol;
    }

    String name() {
        return host + ":" + port;
    }

    /** At most this many distinct keys per map (reasons, versions, failures); the rest count as "other". */
    static final int MAX_KEYS = 64;

    static void increment(Map<String, Long> map, String key) {
        Long n = map.get(key);
        if (n == null && map.size() >= MAX_KEYS) {
            key = "other";
            n = map.get(key);
        }
        map.put(key, n == null ? 1L : n + 1);
    }
}
