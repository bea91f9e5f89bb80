package io.starttls.agent.config;

import java.io.File;

/** The agent's configuration: parsed once from the agent arguments, validated, then only read. */
public final class AgentConfig {
    public static final int DEFAULT_TIMEOUT_MILLIS = 30_000;
    public static final int DEFAULT_MAX_LINE = 64 * 1024;

    private final Mode mode;
    private final Verify verify;
    private final BlockStyle blockStyle;
    private final PortMap ports;
    private final File trustStore;
    private final char[] trustStorePassword;
    private final String minTls;
    private final File auditLog;
    private final int negotiationTimeoutMillis;
    private final int maxLineBytes;
    private final String ehloName;
    private final boolean logEnabled;
    private final AppManagedRules appManaged;
    private final boolean conversation;

    AgentConfig(Builder b) {
        this.mode = b.mode;
        this.verify = b.verify != null ? b.verify : (b.mode == Mode.ENFORCE ? Verify.HOST : Verify.NONE);
        this.blockStyle = b.blockStyle;
        this.ports = b.ports;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.minTls = b.minTls;
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

    public Mode mode() {
        return mode;
    }

    public Verify verify() {
        return verify;
    }

    public BlockStyle blockStyle() {
        return blockStyle;
    }

    public PortMap ports() {
        return ports;
    }

    /** The trust store for {@code verify=ca|host}, or null for the JDK's default trust store. */
    public File trustStore() {
        return trustStore;
    }

    public char[] trustStorePassword() {
        return trustStorePassword == null ? null : trustStorePassword.clone();
    }

    public String minTls() {
        return minTls;
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
        return "mode=" + mode.word() + ", verify=" + verify.word() + ", min-tls=" + minTls
                + ", smtp-ports=" + ports.portsOf(MailProtocol.SMTP)
                + ", imap-ports=" + ports.portsOf(MailProtocol.IMAP)
                + ", pop3-ports=" + ports.portsOf(MailProtocol.POP3)
                + ", conversation=" + (conversation ? "on" : "off")
                + ", block=" + blockStyle.word()
                + (trustStore != null ? ", truststore=" + trustStore : "")
                + (auditLog != null ? ", audit-log=" + auditLog : "");
    }

    static final class Builder {
        Mode mode = Mode.OPPORTUNISTIC;
        Verify verify;
        BlockStyle blockStyle = BlockStyle.REPLY;
        PortMap ports = new PortMap();
        File trustStore;
        char[] trustStorePassword;
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
