package io.starttls.agent.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A server made of byte arrays: each {@link #then(String)} is what the server has sent by the time
 * the client's next command is written. Records the client's commands.
 */
final class ScriptedChannel implements LineChannel {
    private final Deque<String> chunks = new ArrayDeque<>();
    private final List<String> written = new ArrayList<>();
    private byte[] current = new byte[0];
    private int pos;

    static ScriptedChannel server(String first) {
        ScriptedChannel c = new ScriptedChannel();
        c.current = first.getBytes(StandardCharsets.ISO_8859_1);
        return c;
    }

    /** What the server sends after the client's next command. */
    ScriptedChannel then(String reply) {
        chunks.add(reply);
        return this;
    }

    List<String> written() {
        return written;
    }

    @Override
    public byte[] readLine() throws IOException {
        if (pos >= current.length) {
            throw new EOFException("script ended");
        }
        int start = pos;
        while (pos < current.length && current[pos] != '\n') {
            pos++;
        }
        if (pos == current.length) {
            throw new EOFException("script ended inside a line");
        }
        pos++;
        byte[] line = new byte[pos - start];
        System.arraycopy(current, start, line, 0, line.length);
        return line;
    }

    @Override
    public byte[] readBytes(int n) throws IOException {
        if (pos + n > current.length) {
            throw new EOFException();
        }
        byte[] out = new byte[n];
        System.arraycopy(current, pos, out, 0, n);
        pos += n;
        return out;
    }

    @Override
    public void writeLine(String line) {
        written.add(line);
        byte[] rest = new byte[current.length - pos];
        System.arraycopy(current, pos, rest, 0, rest.length);
        String next = chunks.isEmpty() ? "" : chunks.poll();
        byte[] n = next.getBytes(StandardCharsets.ISO_8859_1);
        current = new byte[rest.length + n.length];
        System.arraycopy(rest, 0, current, 0, rest.length);
        System.arraycopy(n, 0, current, rest.length, n.length);
        pos = 0;
    }

    @Override
    public boolean hasUnreadBytes() {
        return pos < current.length;
    }
}
