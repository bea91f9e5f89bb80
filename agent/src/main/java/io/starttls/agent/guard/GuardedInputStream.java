package io.starttls.agent.guard;

import java.io.IOException;
import java.io.InputStream;

/** The input stream the application gets for a mail socket, or for one still watched; see {@link StreamEnd}. */
final class GuardedInputStream extends InputStream {
    private final StreamEnd connection;

    GuardedInputStream(StreamEnd connection) {
        this.connection = connection;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = connection.read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (off < 0 || len < 0 || len > b.length - off) {
            throw new IndexOutOfBoundsException();
        }
        return len == 0 ? 0 : connection.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return connection.available();
    }

    @Override
    public void close() throws IOException {
        connection.closeSocket();
    }
}
