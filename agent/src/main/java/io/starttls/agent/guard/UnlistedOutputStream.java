package io.starttls.agent.guard;

import java.io.IOException;
import java.io.OutputStream;

/** The output stream the application gets for a socket to an unlisted port; see {@link UnlistedConnection}. */
final class UnlistedOutputStream extends OutputStream {
    private final UnlistedConnection connection;

    UnlistedOutputStream(UnlistedConnection connection) {
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
