package io.starttls.agent.report;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The lines of one audit log, as bytes: plain or gzip-compressed (told by its first two bytes, so
 * that a rotated {@code audit.jsonl.3.gz} and a piped {@code zcat} both work). A line longer than
 * {@link #MAX_LINE} is no record of ours: it is skipped whole, and memory stays bounded.
 */
final class AuditLines implements AutoCloseable {
    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[256 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[8192];
    private int lineLength;
    private boolean tooLong;

    AuditLines(InputStream raw) throws IOException {
        BufferedInputStream peek = new BufferedInputStream(raw, 2);
        peek.mark(2);
        int first = peek.read();
        int second = peek.read();
        peek.reset();
        in = first == 0x1f && second == 0x8b ? new GZIPInputStream(peek, 64 * 1024) : peek;
    }

    /** Moves to the next line; false at the end of the stream. */
    boolean next() throws IOException {
        lineLength = 0;
        tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                if (eof || !fill()) {
                    return any;
                }
            }
            any = true;
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            append(start, pos);
            if (pos < limit) {
                pos++;
                return true;
            }
        }
    }

    byte[] bytes() {
        return line;
    }

    int length() {
        return lineLength;
    }

    /** The line went past {@link #MAX_LINE}; its bytes are not kept. */
    boolean tooLong() {
        return tooLong;
    }

    private void append(int from, int to) {
        int n = to - from;
        if (tooLong || lineLength + n > MAX_LINE) {
            tooLong = true;
            return;
        }
        if (lineLength + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, lineLength + n)));
        }
        System.arraycopy(buffer, from, line, lineLength, n);
        lineLength += n;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
