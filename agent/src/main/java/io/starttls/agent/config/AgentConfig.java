package io.starttls.agent.config;

import java.io.File;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration: gathered once from its sources, validated, then only read. What is
 * decided per destination (mode, verify, trust, pins) is in {@link #policies()}.
 */
public final class AgentConfig {
    public static final int DEFAULT_TIMEOUT_MILLIS = 30_000;
    public static final int DEFAULT_MAX_LINE = 64 * 1024;

    private final PolicyRules policies;
    private final BlockStyle blockStyle;
    private final PortMap ports;
    private final File auditLog;
    private final int negotiationTimeoutMillis;
    private final int maxLineBytes;
    private final String ehloName;
    private final boolean logEnabled;
    private final AppManagedRules appManaged;
    private final boolean conversation;
    private final Map<String, Setting> settings;
    private final List<String> warnings;

    AgentConfig(Builder b) {
        this.policies = b.policies;
        this.blockStyle = b.blockStyle;
        this.ports = b.ports;
        this.settings = Collections.unmodifiableMap(b.settings);
        this.warnings = Collections.unmodifiableList(b.warnings);
        this.auditLog = b.auditLog;
        this.negotiationTimeoutMillis = b.negotiationTimeoutMillis;
        this.maxLineBytes = b.maxLineBytes;
        this.ehloName = b.ehloName;
        this.logEnabled = b.logEnabled;
        this.appManaged = b.appManaged;
        this.conversation = b.conversation;
    }

    /** The configuration with no arguments at all. */
    public static AgentConfig defaults() {
        try {
            return AgentArguments.parse("");
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The policy per destination, and the global one. */
    public PolicyRules policies() {
        return policies;
    }

    /** The global mode: for what has no destination yet. */
    public Mode mode() {
        return policies.global().mode();
    }

    /** The settings in force, each with its source (for the config command). */
    public Map<String, Setting> settings() {
        return settings;
    }

    /** What the configuration itself should change (a secret on the command line, a file others can read). */
    public List<String> warnings() {
        return warnings;
    }

    public BlockStyle blockStyle() {
        return blockStyle;
    }

    public PortMap ports() {
        return ports;
    }

    /** Where JSON audit lines go, or null for none. */
    public File auditLog() {
        return auditLog;
    }

    public int negotiationTimeoutMillis() {
        return negotiationTimeoutMillis;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    /** The EHLO argument, or null to use the address literal of the socket's local address. */
    public String ehloName() {
        return ehloName;
    }

    public boolean logEnabled() {
        return logEnabled;
    }

    /** Connections whose STARTTLS the application runs itself. */
    public AppManagedRules appManaged() {
        return appManaged;
    }

    /** True when sessions on unlisted ports are recognised by their first exchange. */
    public boolean conversation() {
        return conversation;
    }

    /** One line for logs; never the trust store password. */
    @Override
    public String toString() {
        Policy global = policies.global();
        return global.describe()
                + ", smtp-ports=" + ports.portsOf(MailProtocol.SMTP)
                + ", imap-ports=" + ports.portsOf(MailProtocol.IMAP)
                + ", pop3-ports=" + ports.portsOf(MailProtocol.POP3)
                + ", conversation=" + (conversation ? "on" : "off")
                + ", block=" + blockStyle.word()
                + (auditLog != null ? ", audit-log=" + auditLog : "");
    }

    static final class Builder {
        Mode mode = Mode.OPPORTUNISTIC;
        Verify verify;
        BlockStyle blockStyle = BlockStyle.REPLY;
        PortMap ports = new PortMap();
        File trustStore;
        PolicyRules policies;
        Map<String, Setting> settings;
        List<String> warnings;
        String minTls = "TLSv1.2";
        File auditLog;
        int negotiationTimeoutMillis = DEFAULT_TIMEOUT_MILLIS;
        int maxLineBytes = DEFAULT_MAX_LINE;
        String ehloName;
        boolean logEnabled = true;
        AppManagedRules appManaged = new AppManagedRules();
        boolean conversation = true;
    }
}
