package io.starttls.agent.config;

import java.util.BitSet;

/**
 * Which remote ports are mail ports, and of which protocol. Looked up on every socket's first
 * stream request, so it is a flat array: one load, no hashing, no boxing.
 */
public final class PortMap {
    private final MailProtocol[] byPort = new MailProtocol[65536];
    // The same, per protocol, for the summaries (the start-up line): no walk over 65,536 entries.
    private final BitSet[] ofProtocol = new BitSet[MailProtocol.values().length];

    PortMap() {
    }

    void put(int port, MailProtocol protocol) {
        byPort[port] = protocol;
        if (ofProtocol[protocol.ordinal()] == null) {
            ofProtocol[protocol.ordinal()] = new BitSet();
        }
        ofProtocol[protocol.ordinal()].set(port);
    }

    /** The protocol watched on {@code port}, or null for a port the agent leaves alone. */
    public MailProtocol protocolOf(int port) {
        return port > 0 && port < byPort.length ? byPort[port] : null;
    }

    /** The ports of one protocol, in ascending order, for the configuration summary. */
    public String portsOf(MailProtocol protocol) {
        StringBuilder out = new StringBuilder();
        BitSet ports = ofProtocol[protocol.ordinal()];
        for (int port = ports == null ? -1 : ports.nextSetBit(0); port >= 0; port = ports.nextSetBit(port + 1)) {
            if (out.length() > 0) {
                out.append(':');
            }
            out.append(port);
        }
        return out.toString();
    }
}
