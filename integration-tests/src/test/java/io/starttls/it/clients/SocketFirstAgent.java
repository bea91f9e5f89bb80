package io.starttls.it.clients;

import java.lang.instrument.Instrumentation;
import java.net.Socket;

/** Another agent, listed before starttls-agent, that loads java.net.Socket in its premain. */
public final class SocketFirstAgent {
    private SocketFirstAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        new Socket();
    }
}
