package io.starttls.agent.config;

/**
 * Which remote ports are mail ports, and of which protocol. Looked up on every socket's first
 * stream request, so it is a flat array: one load, no hashing, no boxing.
 */
public final class PortMap {
    private final MailProtocol[] byPort = new MailProtocol[65536];

    PortMap() {
    }

    void put(int port, MailProtocol protocol) {
        byPort[port] = protocol;
    }

    /** The protocol watched on {@code port}, or null for a port the agent leaves alone. */
    public MailProtocol protocolOf(int port) {
        return port > 0 && port < byPort.length ? byPort[port] : null;
    }

    /** The ports of one protocol, in ascending order, for the configuration summary. */
    public String portsOf(MailProtocol protocol) {
        StringBuilder out = new StringBuilder();
        for (int port = 1; port < byPort.length; port++) {
            if (byPort[port] == protocol) {
                if (out.length() > 0) {
                    out.append(':');
                }
                out.append(port);
            }
        }
        return out.toString();
    }
}
