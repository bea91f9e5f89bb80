package io.starttls.agent.audit;

import io.starttls.agent.config.MailProtocol;
import java.util.EnumMap;
import java.util.Map;

/**
 * The JMX view of the audit: one {@link MailConnectionsMXBean} per protocol. Made with the first
 * mail connection, and registered on a thread of its own, so that neither start-up nor that first
 * connection waits for the platform MBean server to come up.
 */
final class LiveCounters {
    static final String DOMAIN = "io.starttls.agent";

    private final Map<MailProtocol, MailConnections> byProtocol =
            new EnumMap<MailProtocol, MailConnections>(MailProtocol.class);

    private LiveCounters() {
        String since = AuditFormat.isoTime(System.currentTimeMillis());
        for (MailProtocol p : MailProtocol.values()) {
            byProtocol.put(p, new MailConnections(p.word(), since));
        }
    }

    /** @param trouble where a failure to register is said, once */
    static LiveCounters start(AuditFile.Complaints trouble) {
        final LiveCounters counters = new LiveCounters();
        Thread register = new Thread(() -> counters.register(trouble), "starttls-agent-jmx");
        register.setDaemon(true);
        register.start();
        return counters;
    }

    void count(AuditRecord record) {
        for (MailConnections c : byProtocol.values()) {
            if (c.getProtocol().equals(record.protocol)) {
                c.count(record);
            }
        }
    }

    MailConnections of(MailProtocol protocol) {
        return byProtocol.get(protocol);
    }

    static String objectName(MailConnections c) {
        return DOMAIN + ":type=MailConnections,protocol=" + c.getProtocol();
    }

    private void register(AuditFile.Complaints trouble) {
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            for (MailConnections c : byProtocol.values()) {
                javax.management.ObjectName name = new javax.management.ObjectName(objectName(c));
                if (!server.isRegistered(name)) {
                    server.registerMBean(c, name);
                }
            }
        } catch (Exception | LinkageError e) {
            // A runtime without java.management (jlink), a security manager: the audit goes on.
            trouble.say(false, "the live counters are not available over JMX (" + e + "); the audit log is complete");
        }
    }
}
