package io.starttls.agent.audit;

import io.starttls.agent.vocabulary.Outcome;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The counters of one protocol, fed one audit record at a time. */
final class MailConnections implements MailConnectionsMXBean {
    static final int MAX_DESTINATIONS = 256;

    private final String protocol;
    private final String since;
    private final AtomicLong connections = new AtomicLong();
    private final Map<Outcome, AtomicLong> outcomes = new EnumMap<Outcome, AtomicLong>(Outcome.class);
    private final ConcurrentHashMap<String, AtomicLong> reasons = new ConcurrentHashMap<String, AtomicLong>();
    private final AtomicLong credentialsInClear = new AtomicLong();
    private final AtomicLong mailInClear = new AtomicLong();
    private final AtomicLong wouldBlock = new AtomicLong();
    // Bounded, least recently failed first out: a scan over many hosts must not grow it for ever.
    private final LinkedHashMap<String, String> lastFailures = new LinkedHashMap<String, String>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_DESTINATIONS;
        }
    };

    MailConnections(String protocol, String since) {
        this.protocol = protocol;
        this.since = since;
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new AtomicLong());
        }
    }

    void count(AuditRecord r) {
        connections.incrementAndGet();
        outcomes.get(r.outcome).incrementAndGet();
        String reason = r.reason != null ? r.reason : r.wouldBlock;
        if (reason != null) {
            AtomicLong n = reasons.get(reason);
            if (n == null) {
                AtomicLong fresh = new AtomicLong();
                n = reasons.putIfAbsent(reason, fresh);
                n = n == null ? fresh : n;
            }
            n.incrementAndGet();
        }
        if (r.credentialsInClear) {
            credentialsInClear.incrementAndGet();
        }
        if (r.mailInClear) {
            mailInClear.incrementAndGet();
        }
        if (r.wouldBlock != null) {
            wouldBlock.incrementAndGet();
        }
        if (r.outcome == Outcome.BLOCKED || r.outcome == Outcome.PLAINTEXT_FALLBACK || r.wouldBlock != null) {
            String what = AuditFormat.isoTime(r.timeMillis) + " " + r.outcome.word()
                    + (reason != null ? " " + reason : "") + (r.detail != null ? ": " + r.detail : "");
            synchronized (lastFailures) {
                lastFailures.put(r.host + ":" + r.port, what);
            }
        }
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public String getSince() {
        return since;
    }

    @Override
    public long getConnections() {
        return connections.get();
    }

    @Override
    public long getUpgraded() {
        return outcomes.get(Outcome.UPGRADED).get();
    }

    @Override
    public long getAppManagedTls() {
        return outcomes.get(Outcome.APP_MANAGED_TLS).get();
    }

    @Override
    public long getPlaintextFallback() {
        return outcomes.get(Outcome.PLAINTEXT_FALLBACK).get();
    }

    @Override
    public long getBlocked() {
        return outcomes.get(Outcome.BLOCKED).get();
    }

    @Override
    public long getPlaintextObserved() {
        return outcomes.get(Outcome.PLAINTEXT_OBSERVED).get();
    }

    @Override
    public long getServerClosed() {
        return outcomes.get(Outcome.SERVER_CLOSED).get();
    }

    @Override
    public long getCredentialsInClear() {
        return credentialsInClear.get();
    }

    @Override
    public long getMailInClear() {
        return mailInClear.get();
    }

    @Override
    public long getWouldBlock() {
        return wouldBlock.get();
    }

    @Override
    public Map<String, Long> getOutcomes() {
        Map<String, Long> out = new TreeMap<String, Long>();
        for (Map.Entry<Outcome, AtomicLong> e : outcomes.entrySet()) {
            out.put(e.getKey().word(), e.getValue().get());
        }
        return out;
    }

    @Override
    public Map<String, Long> getReasons() {
        Map<String, Long> out = new TreeMap<String, Long>();
        for (Map.Entry<String, AtomicLong> e : reasons.entrySet()) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }

    @Override
    public Map<String, String> getLastFailures() {
        synchronized (lastFailures) {
            return new TreeMap<String, String>(lastFailures);
        }
    }
}
