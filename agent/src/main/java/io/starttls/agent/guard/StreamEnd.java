package io.starttls.agent.guard;

import java.io.IOException;

/**
 * What the streams handed to the application call: a guarded connection, or the watcher of a
 * socket to an unlisted port. All decisions are on this side; the streams only check arguments.
 */
interface StreamEnd {
    /** Reads up to {@code len} bytes ({@code len > 0}); 0 asks the caller to try again. */
    int read(byte[] b, int off, int len) throws IOException;

    int available() throws IOException;

    void write(byte[] b, int off, int len) throws IOException;

    void flush() throws IOException;

    /** Closing a stream closes the socket, as with the JDK's own socket streams. */
    void closeSocket() throws IOException;
}
