package io.starttls.agent.tls;

import javax.net.ssl.SSLSocket;

/** A TLS session the agent layered over an application's socket, and what it is for the audit. */
public final class EstablishedTls {
    private final SSLSocket socket;
    private final TlsDetails details;

    EstablishedTls(SSLSocket socket, TlsDetails details) {
        this.socket = socket;
        this.details = details;
    }

    public SSLSocket socket() {
        return socket;
    }

    public TlsDetails details() {
        return details;
    }
}
