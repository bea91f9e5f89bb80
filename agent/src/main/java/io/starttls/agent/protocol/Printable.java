package io.starttls.agent.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Server text quoted in a reason: printable ASCII only, shortened. A hostile server chooses these
 * bytes, so they must not be able to forge log lines or fill the disk.
 */
public final class Printable {
    private Printable() {
    }

    public static String of(byte[] bytes, int max) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        return of(s, max);
    }

    public static String of(String s, int max) {
        StringBuilder out = new StringBuilder();
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        for (int i = 0; i < end && out.length() < max; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (end > max) {
            out.append("...");
        }
        return out.toString();
    }
}
