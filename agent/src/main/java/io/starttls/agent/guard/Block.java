package io.starttls.agent.guard;

import io.starttls.agent.config.BlockStyle;
import io.starttls.agent.protocol.Printable;
import java.io.IOException;

/**
 * How a session that may not go on ends for the application: its reads get {@code reply} (the
 * protocol's temporary failure, or the server's own goodbye) and then the end of the stream, its
 * writes go nowhere; or, with {@code block=exception}, both throw. Nothing reaches the server.
 */
final class Block implements Session {
    private final BlockStyle style;
    private final byte[] reply;
    private final String message;
    private int pos;

    Block(BlockStyle style, byte[] reply, String message) {
        this.style = style;
        this.reply = reply;
        this.message = Printable.of(message, 600);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (style == BlockStyle.EXCEPTION) {
            throw new SessionBlockedException(message);
        }
        if (pos >= reply.length) {
            return -1;
        }
        int n = Math.min(len, reply.length - pos);
        System.arraycopy(reply, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return style == BlockStyle.EXCEPTION ? 0 : reply.length - pos;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (style == BlockStyle.EXCEPTION) {
            throw new SessionBlockedException(message);
        }
    }

    @Override
    public void flush() {
    }
}
