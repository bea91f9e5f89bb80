package io.starttls.agent.guard;

import io.starttls.agent.protocol.NegotiationException;
import io.starttls.agent.protocol.Reasons;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The stream JSSE reads the server from. The first byte after the STARTTLS reply must open a TLS
 * record (handshake or alert); plain text there was injected by someone on the path, even when it
 * came in a later packet than the reply, and is reported as such instead of a vague handshake error.
 */
final class FirstRecordCheck extends FilterInputStream {
    private static final int ALERT = 21;
    private static final int HANDSHAKE = 22;
    private boolean checked;

    FirstRecordCheck(InputStream raw) {
        super(raw);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (!checked && b >= 0) {
            check(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
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
