package io.starttls.bench;

import java.lang.instrument.Instrumentation;
import java.net.Socket;

/**
 * An agent listed before starttls-agent that loads java.net.Socket in its premain, as a coverage
 * or monitoring agent that connects at start does: starttls-agent then takes its second way in
 * (retransformation), which the benchmarks measure beside the first.
 */
public final class SocketFirstAgent {
    private SocketFirstAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        new Socket();
    }
}
