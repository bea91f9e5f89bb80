package io.starttls.agent.protocol;

import java.io.IOException;

/**
 * The server side of a negotiation, one line at a time. The guard implements it over the raw
 * socket; unit tests implement it over byte arrays. Implementations never read past the line
 * asked for, so that whatever follows the STARTTLS reply is still there to be detected.
 */
public interface LineChannel {
    /**
     * The next line, with its line ending.
     *
     * @throws java.io.EOFException when the server closed the connection first
     * @throws NegotiationException with reason {@code line-too-long} past the configured limit
     */
    byte[] readLine() throws IOException;

    /** Exactly {@code n} bytes (an IMAP literal). */
    byte[] readBytes(int n) throws IOException;

    /** Sends one command; the channel adds CRLF. */
    void writeLine(String line) throws IOException;

    /** True when bytes beyond those read so far have already arrived from the server. */
    boolean hasUnreadBytes() throws IOException;
}
