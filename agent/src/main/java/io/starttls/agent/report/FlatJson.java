package io.starttls.agent.report;

import java.nio.charset.StandardCharsets;

/**
 * One audit line, read as the agent writes it: a flat JSON object of strings, numbers and
 * booleans. Only the fields asked for at construction are kept, into slots reused for every
 * line, so that a million lines cost a million parses and no maps. Anything else (nesting, a
 * broken line) makes {@link #parse} return false: the report skips it and counts it.
 */
final class FlatJson {
    private final byte[][] names;
    private final String[] values;
    private final StringBuilder scratch = new StringBuilder();

    FlatJson(String... fields) {
        names = new byte[fields.length][];
        for (int i = 0; i < fields.length; i++) {
            names[i] = fields[i].getBytes(StandardCharsets.US_ASCII);
        }
        values = new String[fields.length];
    }

    /** The value of field {@code slot} (its index among the constructor's names) as text; null when absent. */
    String get(int slot) {
        return values[slot];
    }

    boolean isTrue(int slot) {
        return "true".equals(values[slot]);
    }

    boolean parse(byte[] b, int from, int to) {
        java.util.Arrays.fill(values, null);
        int i = skipSpace(b, from, to);
        if (i >= to || b[i] != '{') {
            return false;
        }
        i = skipSpace(b, i + 1, to);
        if (i < to && b[i] == '}') {
            return skipSpace(b, i + 1, to) == to;
        }
        while (true) {
            if (i >= to || b[i] != '"') {
                return false;
            }
            int keyStart = i + 1;
            int keyEnd = endOfString(b, keyStart, to);
            if (keyEnd < 0) {
                return false;
            }
            int slot = slotOf(b, keyStart, keyEnd);
            i = skipSpace(b, keyEnd + 1, to);
            if (i >= to || b[i] != ':') {
                return false;
            }
            i = skipSpace(b, i + 1, to);
            if (i >= to) {
                return false;
            }
            int valueEnd;
            if (b[i] == '"') {
                valueEnd = endOfString(b, i + 1, to);
                if (valueEnd < 0) {
                    return false;
                }
                if (slot >= 0) {
                    values[slot] = text(b, i + 1, valueEnd);
                }
                i = valueEnd + 1;
            } else {
                valueEnd = i;
                while (valueEnd < to && isScalarByte(b[valueEnd])) {
                    valueEnd++;
                }
                if (valueEnd == i) {
                    return false; // an object, an array, or garbage: not one of our lines
                }
                if (slot >= 0) {
                    String scalar = new String(b, i, valueEnd - i, StandardCharsets.ISO_8859_1);
                    values[slot] = scalar.equals("null") ? null : scalar; // null is absent
                }
                i = valueEnd;
            }
            i = skipSpace(b, i, to);
            if (i < to && b[i] == ',') {
                i = skipSpace(b, i + 1, to);
                continue;
            }
            return i < to && b[i] == '}' && skipSpace(b, i + 1, to) == to;
        }
    }

    private int slotOf(byte[] b, int from, int to) {
        int length = to - from;
        for (int s = 0; s < names.length; s++) {
            byte[] name = names[s];
            if (name.length != length) {
                continue;
            }
            int k = 0;
            while (k < length && name[k] == b[from + k]) {
                k++;
            }
            if (k == length) {
                return s;
            }
        }
        return -1;
    }

    private static boolean isScalarByte(byte c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'E';
    }

    private static int skipSpace(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    /** The index of the closing quote of a string that starts at {@code i}; -1 when it never closes. */
    private static int endOfString(byte[] b, int i, int to) {
        while (i < to) {
            if (b[i] == '\\') {
                i += 2;
            } else if (b[i] == '"') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    private String text(byte[] b, int from, int to) {
        int backslash = from;
        while (backslash < to && b[backslash] != '\\') {
            backslash++;
        }
        if (backslash == to) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        scratch.setLength(0);
        scratch.append(new String(b, from, backslash - from, StandardCharsets.UTF_8));
        for (int i = backslash; i < to; i++) {
            if (b[i] != '\\' || i + 1 >= to) {
                int start = i;
                while (i + 1 < to && b[i + 1] != '\\') {
                    i++;
                }
                scratch.append(new String(b, start, i + 1 - start, StandardCharsets.UTF_8));
                continue;
            }
            byte e = b[++i];
            switch (e) {
                case 'n':
                    scratch.append('\n');
                    break;
                case 't':
                    scratch.append('\t');
                    break;
                case 'r':
                    scratch.append('\r');
                    break;
                case 'b':
                    scratch.append('\b');
                    break;
                case 'f':
                    scratch.append('\f');
                    break;
                case 'u':
                    if (i + 4 < to) {
                        try {
                            scratch.append((char) Integer.parseInt(new String(b, i + 1, 4, StandardCharsets.US_ASCII),
                                    16));
                        } catch (NumberFormatException bad) {
                            scratch.append('?');
                        }
                        i += 4;
                    }
                    break;
                default:
                    scratch.append((char) e);
                    break;
            }
        }
        return scratch.toString();
    }
}
