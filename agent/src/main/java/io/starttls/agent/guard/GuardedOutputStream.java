package io.starttls.agent.guard;

import java.io.IOException;
import java.io.OutputStream;

/** The output stream the application gets for a mail socket, or for one still watched; see {@link StreamEnd}. */
final class GuardedOutputStream extends OutputStream {
    private final StreamEnd connection;

    GuardedOutputStream(StreamEnd connection) {
        this.connection = connection;
    }

    @Override
    public void write(int b) throws IOException {
        connection.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (off < 0 || len < 0 || len > b.length - off) {
            throw new IndexOutOfBoundsException();
        }
        if (len > 0) {
            connection.write(b, off, len);
        }
    }

    @Override
    public void flush() throws IOException {
        connection.flush();
    }

    @Override
    public void close() throws IOException {
        connection.closeSocket();
    }
}
