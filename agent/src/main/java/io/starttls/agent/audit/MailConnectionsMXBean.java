package io.starttls.agent.audit;

import java.util.Map;

/**
 * The live counters of one mail protocol since the agent started, over JMX as
 * {@code io.starttls.agent:type=MailConnections,protocol=smtp} (imap, pop3). Every value comes from
 * the audit records: facts about connections, never a byte the application sent.
 */
public interface MailConnectionsMXBean {
    String getProtocol();

    /** When counting started (the first mail connection of this JVM), ISO 8601 UTC. */
    String getSince();

    /** Mail connections that ended (one per audit record). */
    long getConnections();

    long getUpgraded();

    long getAppManagedTls();

    long getPlaintextFallback();

    long getBlocked();

    long getPlaintextObserved();

    long getServerClosed();

    /** Connections on which credentials went out in clear (monitor, or fallback). */
    long getCredentialsInClear();

    /** Connections on which a message went out in clear. */
    long getMailInClear();

    /** mode=testing connections that enforce would have blocked. */
    long getWouldBlock();

    /** Outcome word (upgraded, blocked, ...) to count. */
    Map<String, Long> getOutcomes();

    /** Reason word (starttls-not-supported, certificate-expired, ...) to count, over every outcome. */
    Map<String, Long> getReasons();

    /**
     * host:port to its last failure (a block, a fallback to clear, or what testing says enforce
     * would block): "time outcome reason: detail". The 256 destinations that failed last.
     */
    Map<String, String> getLastFailures();
}
