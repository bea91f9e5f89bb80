package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One SMTP reply (RFC 5321 §4.2): one or more lines "ddd-text", the last "ddd text" or "ddd". */
public final class SmtpReply {
    /** Bounds a reply's line count, so that a server cannot make us hold unbounded memory. */
    static final int MAX_LINES = 512;
    /** Bounds the bytes kept for one reply: 512 lines of max-line bytes each would be 32 MiB. */
    static final int MAX_BYTES = 64 * 1024;

    private final int code;
    private final List<String> texts;
    private final byte[] raw;

    private SmtpReply(int code, List<String> texts, byte[] raw) {
        this.code = code;
        this.texts = texts;
        this.raw = raw;
    }

    /**
     * Reads a whole reply.
     *
     * @throws NegotiationException {@code protocol-violation} for a line that is not an SMTP reply line
     */
    public static SmtpReply read(LineChannel channel) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        List<String> texts = new ArrayList<String>();
        int code = -1;
        while (true) {
            byte[] line = channel.readLine();
            if (raw.size() + line.length > MAX_BYTES) {
                throw new NegotiationException(Reasons.REPLY_TOO_LONG,
                        "the server sent a reply of more than " + MAX_BYTES + " bytes");
            }
            raw.write(line, 0, line.length);
            String s = stripEol(new String(line, StandardCharsets.ISO_8859_1));
            int lineCode = codeOf(s);
            if (lineCode < 0 || (code >= 0 && lineCode != code)) {
                throw new NegotiationException(Reasons.PROTOCOL_VIOLATION,
                        "the server sent a line that is not an SMTP reply"
                                + (code >= 0 && lineCode >= 0 ? " of the same code" : "") + ": '"
                                + Printable.of(s, 60) + "'");
            }
            code = lineCode;
            texts.add(s.length() > 4 ? s.substring(4) : "");
            if (s.length() == 3 || s.charAt(3) == ' ') {
                return new SmtpReply(code, Collections.unmodifiableList(texts), raw.toByteArray());
            }
            if (texts.size() >= MAX_LINES) {
                throw new NegotiationException(Reasons.PROTOCOL_VIOLATION,
                        "the server sent a reply of more than " + MAX_LINES + " lines");
            }
        }
    }

    /** The reply code of a reply line, or -1 when the line is not one. */
    static int codeOf(String line) {
        if (line.length() < 3) {
            return -1;
        }
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        if (line.charAt(0) < '2' || line.charAt(0) > '5') {
            return -1;
        }
        if (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
            return -1;
        }
        return Integer.parseInt(line.substring(0, 3));
    }

    public static String stripEol(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    public int code() {
        return code;
    }

    /** The text of each line, after the code and separator. */
    public List<String> texts() {
        return texts;
    }

    /** The reply as received, byte for byte. */
    public byte[] raw() {
        return raw.clone();
    }

    /** The first line, printable and short: safe to quote in a reason. */
    public String summary() {
        return code + (texts.isEmpty() || texts.get(0).isEmpty() ? "" : " " + Printable.of(texts.get(0), 80));
    }
}
