package io.starttls.agent.config;

/** The mail protocols whose STARTTLS the agent drives, with their default ports. */
public enum MailProtocol {
    SMTP("smtp-ports", new int[] {25, 587, 2525}),
    IMAP("imap-ports", new int[] {143}),
    POP3("pop3-ports", new int[] {110});

    private final String portsKey;
    private final int[] defaultPorts;

    MailProtocol(String portsKey, int[] defaultPorts) {
        this.portsKey = portsKey;
        this.defaultPorts = defaultPorts;
    }

    /** The agent argument that replaces this protocol's port list. */
    public String portsKey() {
        return portsKey;
    }

    public int[] defaultPorts() {
        return defaultPorts.clone();
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
