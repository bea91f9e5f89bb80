package io.starttls.agent.check;

import io.starttls.agent.protocol.LineChannel;
import io.starttls.agent.protocol.Printable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A line channel that keeps a transcript of what crossed it, "C: " for what the check sent and
 * "S: " for what the server said, made printable (a server's bytes never reach the terminal raw)
 * and bounded (a server that talks for ever fills no memory).
 */
final class TranscriptChannel implements LineChannel {
    static final int MAX_LINES = 200;
    private static final int MAX_LINE_SHOWN = 300;

    private final LineChannel channel;
    private final List<String> lines = new ArrayList<String>();
    private boolean sentStartTls;

    TranscriptChannel(LineChannel channel) {
        this.channel = channel;
    }

    @Override
    public byte[] readLine() throws IOException {
        byte[] line = channel.readLine();
        add("S: " + Printable.of(trimEol(line), MAX_LINE_SHOWN));
        return line;
    }

    @Override
    public byte[] readBytes(int n) throws IOException {
        byte[] bytes = channel.readBytes(n);
        add("S: (" + n + " bytes of an IMAP literal)");
        return bytes;
    }

    @Override
    public void writeLine(String line) throws IOException {
        add("C: " + line);
        String upper = line.toUpperCase(java.util.Locale.ROOT);
        if (upper.equals("STARTTLS") || upper.equals("STLS") || upper.endsWith(" STARTTLS")) {
            sentStartTls = true;
        }
        channel.writeLine(line);
    }

    @Override
    public boolean hasUnreadBytes() throws IOException {
        return channel.hasUnreadBytes();
    }

    List<String> lines() {
        return lines;
    }

    /** True once the check asked for STARTTLS (STLS): the server offered it, or POP3 had to ask. */
    boolean sentStartTls() {
        return sentStartTls;
    }

    private void add(String line) {
        if (lines.size() < MAX_LINES) {
            lines.add(line);
        } else if (lines.size() == MAX_LINES) {
            lines.add("(the rest of the transcript is left out)");
        }
    }

    private static byte[] trimEol(byte[] line) {
        int n = line.length;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            n--;
        }
        return java.util.Arrays.copyOf(line, n);
    }
}
