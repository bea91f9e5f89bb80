package io.starttls.agent.guard;

import io.starttls.agent.protocol.LineChannel;
import io.starttls.agent.protocol.NegotiationException;
import io.starttls.agent.vocabulary.Reasons;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The negotiation's view of the raw socket: lines in, commands out, under one deadline for the
 * whole negotiation (a server that drips one byte a second cannot stretch it), and with a limit on
 * line length. It reads in blocks; bytes beyond the current line stay in its buffer, where
 * {@link #hasUnreadBytes()} sees them.
 */
public final class RawLineChannel implements LineChannel {
    /** Sets the socket's read timeout to what is left of the deadline before each read. */
    public interface ReadTimeout {
        void set(int millis) throws java.net.SocketException;
    }

    private final ReadTimeout timeout;
    private final InputStream in;
    private final OutputStream out;
    private final Deadline deadline;
    private final int maxLine;
    private byte[] buffer = new byte[4096];
    private int pos;
    private int limit;

    public RawLineChannel(ReadTimeout timeout, InputStream in, OutputStream out, Deadline deadline, int maxLine) {
        this.timeout = timeout;
        this.in = in;
        this.out = out;
        this.deadline = deadline;
        this.maxLine = maxLine;
    }

    @Override
    public byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            if (pos == limit) {
                fill();
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            boolean complete = pos < limit;
            if (complete) {
                pos++;
            }
            line.write(buffer, start, pos - start);
            if (line.size() > maxLine) {
                throw new NegotiationException(Reasons.LINE_TOO_LONG,
                        "the server sent a line longer than " + maxLine + " bytes (max-line)");
            }
            if (complete) {
                return line.toByteArray();
            }
        }
    }

    @Override
    public byte[] readBytes(int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            if (pos == limit) {
                fill();
            }
            int k = Math.min(n - got, limit - pos);
            System.arraycopy(buffer, pos, out, got, k);
            pos += k;
            got += k;
        }
        return out;
    }

    @Override
    public void writeLine(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public boolean hasUnreadBytes() throws IOException {
        return pos < limit || in.available() > 0;
    }

    /**
     * Bytes that the application read from the server before the agent took over (a connection
     * found by its conversation): the negotiation reads them first, as if they had just arrived.
     */
    void pushBack(byte[] bytes) {
        if (bytes.length > buffer.length) {
            buffer = new byte[bytes.length];
        }
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        pos = 0;
        limit = bytes.length;
    }

    /** Bytes read from the socket but not yet consumed by the negotiation. */
    byte[] unread() {
        return Arrays.copyOfRange(buffer, pos, limit);
    }

    private void fill() throws IOException {
        timeout.set(deadline.remainingMillis());
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (SocketTimeoutException e) {
            throw deadline.expired();
        }
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        pos = 0;
        limit = n;
    }
}
