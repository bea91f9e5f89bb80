package io.starttls.agent.guard;

import io.starttls.agent.protocol.NegotiationException;
import io.starttls.agent.vocabulary.Reasons;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The stream JSSE reads the server from when the agent runs TLS. During the handshake:
 * <ul>
 *   <li>the first byte after the STARTTLS reply must open a TLS record (handshake or alert); plain
 *       text there was injected by someone on the path, even when it came in a later packet;</li>
 *   <li>every read gets only what is left of the negotiation's deadline, so that a server that
 *       drips its handshake cannot hold the application's first read.</li>
 * </ul>
 * JSSE keeps this stream for the whole session; after the handshake it only passes bytes through.
 */
public final class HandshakeInput extends FilterInputStream {
    private static final int ALERT = 21;
    private static final int HANDSHAKE = 22;
    private final RawLineChannel.ReadTimeout timeout;
    private final Deadline deadline;
    private volatile boolean handshaking = true;
    private boolean checked;

    public HandshakeInput(InputStream raw, RawLineChannel.ReadTimeout timeout, Deadline deadline) {
        super(raw);
        this.timeout = timeout;
        this.deadline = deadline;
    }

    /** The handshake is over: from now on the session's bytes pass as they are. */
    public void handshakeDone() {
        handshaking = false;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (!handshaking) {
            return super.read(b, off, len);
        }
        timeout.set(deadline.remainingMillis());
        int n;
        try {
            n = super.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw deadline.expired();
        }
        if (!checked && n > 0) {
            check(b[off] & 0xff);
        }
        return n;
    }

    private void check(int first) throws IOException {
        checked = true;
        if (first != HANDSHAKE && first != ALERT) {
            throw new NegotiationException(Reasons.STARTTLS_INJECTION,
                    "the server sent plain text after its STARTTLS reply instead of a TLS record "
                            + "(response injection)");
        }
    }
}
