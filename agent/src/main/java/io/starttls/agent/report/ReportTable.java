package io.starttls.agent.report;

import io.starttls.agent.protocol.Printable;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/** The rollup for people: one row per destination, then what each one's sessions ran into. */
final class ReportTable {
    private static final String[] COLUMNS = {
        "SESSIONS", "UPGRADED", "APP-TLS", "FALLBACK", "BLOCKED", "OBSERVED", "CLOSED", "CREDS-CLEAR", "MAIL-CLEAR"
    };

    private ReportTable() {
    }

    static String of(Rollup rollup, long nowMillis, int expiringDays) {
        StringBuilder out = new StringBuilder();
        List<DestinationSummary> all = rollup.destinations();
        int width = "DESTINATION".length();
        for (DestinationSummary d : all) {
            width = Math.max(width, label(d).length());
        }
        width = Math.min(width, 60);
        pad(out, "DESTINATION", width);
        pad(out, "PROTOCOL", 9);
        for (String c : COLUMNS) {
            out.append(' ').append(c);
        }
        out.append('\n');
        for (DestinationSummary d : all) {
            pad(out, label(d), width);
            pad(out, Printable.of(d.protocol, 8), 9);
            long[] values = {d.sessions, d.upgraded, d.appManagedTls, d.fallback, d.blocked, d.observed,
                d.serverClosed, d.credentialsInClear, d.mailInClear};
            for (int i = 0; i < values.length; i++) {
                String v = Long.toString(values[i]);
                out.append(' ');
                for (int k = v.length(); k < COLUMNS[i].length(); k++) {
                    out.append(' ');
                }
                out.append(v);
            }
            out.append('\n');
        }
        for (DestinationSummary d : all) {
            StringBuilder lines = new StringBuilder();
            for (Map.Entry<String, Long> r : d.reasons.entrySet()) {
                lines.append("  ").append(Printable.of(r.getKey(), 100)).append(": ").append(r.getValue()).append('\n');
            }
            if (d.wouldBlock > 0) {
                lines.append("  mode=testing, enforce would have blocked: ").append(d.wouldBlock).append('\n');
            }
            if (!d.tlsVersions.isEmpty()) {
                lines.append("  TLS versions:");
                String sep = " ";
                for (Map.Entry<String, Long> v : d.tlsVersions.entrySet()) {
                    lines.append(sep).append(Printable.of(v.getKey(), 40)).append(' ').append(v.getValue());
                    sep = ", ";
                }
                lines.append('\n');
            }
            for (Map.Entry<String, String> c : d.certificates.entrySet()) {
                long notAfter = millis(c.getValue());
                if (notAfter == Long.MIN_VALUE || notAfter - nowMillis > expiringDays * 86_400_000L) {
                    continue;
                }
                long days = (notAfter - nowMillis) / 86_400_000L;
                lines.append("  certificate ").append(Printable.of(c.getKey(), 200))
                        .append(notAfter <= nowMillis ? " expired on " : " expires on ").append(Printable.of(c.getValue(), 24))
                        .append(notAfter <= nowMillis ? "" : " (in " + days + (days == 1 ? " day)" : " days)"))
                        .append('\n');
            }
            if (lines.length() > 0) {
                out.append('\n').append(label(d)).append(" (").append(Printable.of(d.protocol, 8)).append(")\n").append(lines);
            }
        }
        return out.toString();
    }

    /** host[address]:port, as the audit's human lines write a peer. */
    private static String label(DestinationSummary d) {
        String host = Printable.of(d.host, 60);
        return host + (d.address != null && !d.address.equals(d.host) ? "[" + Printable.of(d.address, 45) + "]" : "")
                + ":" + d.port;
    }

    private static void pad(StringBuilder out, String text, int width) {
        out.append(text);
        for (int i = text.length(); i < width + 1; i++) {
            out.append(' ');
        }
    }

    static long millis(String iso) {
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT);
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        try {
            return format.parse(iso).getTime();
        } catch (ParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
