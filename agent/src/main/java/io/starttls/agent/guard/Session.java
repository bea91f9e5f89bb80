package io.starttls.agent.guard;

import java.io.IOException;

/**
 * What a settled connection does with the application's reads and writes: one implementation per
 * state ({@link AgentTls} over the agent's TLS, {@link ClearSession} in clear under a watch,
 * {@link Block} when blocked, {@link #CLOSED}). Each state's behaviour is in its own class.
 */
interface Session {
    int read(byte[] b, int off, int len) throws IOException;

    int available() throws IOException;

    void write(byte[] b, int off, int len) throws IOException;

    void flush() throws IOException;

    /** Closed by the application: the JDK's own words for every use. */
    Session CLOSED = new Session() {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            throw new java.net.SocketException("Socket is closed");
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            throw new java.net.SocketException("Socket is closed");
        }

        @Override
        public void flush() {
        }
    };
}
