package io.starttls.testserver;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one client session sent the server, split at the point where TLS started. */
public final class RecordedSession {
    private final ByteArrayOutputStream clearBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream tlsBytes = new ByteArrayOutputStream();
    private final List<String> clearCommands = new ArrayList<>();
    private final List<String> tlsCommands = new ArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private volatile String tlsProtocol;
    private volatile String authenticatedUser;
    private volatile String handshakeFailure;
    private volatile boolean finished;
    private volatile String clientAddress;

    synchronized void recordBytes(boolean inTls, byte[] b, int off, int len) {
        (inTls ? tlsBytes : clearBytes).write(b, off, len);
    }

    synchronized void recordCommand(boolean inTls, String line) {
        String verb = line.trim();
        (inTls ? tlsCommands : clearCommands).add(verb);
    }

    synchronized void recordMessage(String message) {
        messages.add(message);
    }

    void clientAddress(String address) {
        this.clientAddress = address;
    }

    /** The client's address (where the connection came from). */
    public String clientAddress() {
        return clientAddress;
    }

    void tlsEstablished(String protocol) {
        this.tlsProtocol = protocol;
    }

    void handshakeFailed(String why) {
        this.handshakeFailure = why;
    }

    void authenticated(String user) {
        this.authenticatedUser = user;
    }

    void finish() {
        synchronized (this) {
            finished = true;
            notifyAll();
        }
    }

    /** Waits until the client has gone away. */
    public synchronized boolean awaitFinished(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!finished && System.currentTimeMillis() < end) {
            wait(Math.max(1, end - System.currentTimeMillis()));
        }
        return finished;
    }

    /** Everything received before TLS, as text. */
    public synchronized String clearText() {
        return clearBytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything received inside TLS, as text. */
    public synchronized String tlsText() {
        return tlsBytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** Command lines received in clear, in order (full lines: tests look for what must not be there). */
    public synchronized List<String> clearCommands() {
        return Collections.unmodifiableList(new ArrayList<>(clearCommands));
    }

    public synchronized List<String> tlsCommands() {
        return Collections.unmodifiableList(new ArrayList<>(tlsCommands));
    }

    public synchronized List<String> messages() {
        return Collections.unmodifiableList(new ArrayList<>(messages));
    }

    /** The TLS version negotiated, or null when TLS never started. */
    public String tlsProtocol() {
        return tlsProtocol;
    }

    public String handshakeFailure() {
        return handshakeFailure;
    }

    public String authenticatedUser() {
        return authenticatedUser;
    }

    @Override
    public synchronized String toString() {
        return "clear=" + clearCommands + " tls=" + tlsCommands + " tlsProtocol=" + tlsProtocol
                + (handshakeFailure != null ? " handshakeFailure=" + handshakeFailure : "");
    }
}
