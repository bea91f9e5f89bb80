package io.starttls.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class RollupTest {
    private static final String UPGRADED = "{\"time\":\"2026-11-30T10:00:00.000Z\",\"host\":\"mx.example\","
            + "\"address\":\"192.0.2.1\",\"port\":25,\"protocol\":\"smtp\",\"mode\":\"enforce\",\"outcome\":\"upgraded\","
            + "\"tls_version\":\"TLSv1.3\",\"peer_subject\":\"CN=mx.example\",\"peer_not_after\":\"2026-12-10T00:00:00Z\","
            + "\"credentials_in_clear\":false,\"mail_in_clear\":false}";
    private static final String BLOCKED = "{\"time\":\"2026-12-01T09:00:00.000Z\",\"host\":\"mx.example\","
            + "\"address\":\"192.0.2.1\",\"port\":25,\"protocol\":\"smtp\",\"outcome\":\"blocked\","
            + "\"reason\":\"starttls-injection\",\"credentials_in_clear\":false,\"mail_in_clear\":false}";
    private static final String FALLBACK = "{\"time\":\"2026-11-29T08:00:00.000Z\",\"host\":\"pop.example\","
            + "\"port\":110,\"protocol\":\"pop3\",\"outcome\":\"plaintext-fallback\",\"reason\":\"starttls-not-supported\","
            + "\"credentials_in_clear\":true,\"mail_in_clear\":false}";
    private static final String TESTING = "{\"time\":\"2026-11-30T11:00:00.000Z\",\"host\":\"mx.example\","
            + "\"address\":\"192.0.2.1\",\"port\":25,\"protocol\":\"smtp\",\"outcome\":\"upgraded\",\"tls_version\":\"TLSv1.2\","
            + "\"would_block\":true,\"would_block_reason\":\"certificate-expired\"}";

    private static String[] run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReportCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true), new PrintStream(err, true), false);
        return new String[] {String.valueOf(status), out.toString(), err.toString()};
    }

    @Test
    void theTableCountsEachDestinationsOutcomesReasonsAndVersions() {
        String[] r = run(String.join("\n", UPGRADED, BLOCKED, FALLBACK, TESTING, "garbage", ""), "-",
                "--expiring-within", "3650");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("starttls-agent report: 4 records from 2026-11-29T08:00:00.000Z to "
                + "2026-12-01T09:00:00.000Z, 2 destinations"), r[1]);
        assertTrue(r[1].contains("mx.example[192.0.2.1]:25 smtp              3        2       0        0       1"), r[1]);
        assertTrue(r[1].contains("  blocked starttls-injection: 1\n"), r[1]);
        assertTrue(r[1].contains("  mode=testing, enforce would have blocked: 1\n"), r[1]);
        assertTrue(r[1].contains("  TLS versions: TLSv1.2 1, TLSv1.3 1\n"), r[1]);
        assertTrue(r[1].contains("  certificate CN=mx.example expire"), r[1]);
        assertTrue(r[1].contains("pop.example:110"), r[1]);
        assertTrue(r[2].contains("skipped 1 line that is not an audit record") || r[2].contains("skipped 1 line"),
                r[2]);
        assertTrue(r[2].contains("(the first: standard input line 5)"), r[2]);
    }

    @Test
    void tlsRptHasTheRfcFieldsAndMapsOurReasonsToItsResultTypes() {
        String[] r = run(String.join("\n", UPGRADED, BLOCKED, FALLBACK, TESTING), "--tlsrpt", "--organization",
                "Example Ops", "--contact", "ops@example.test");
        assertEquals("0", r[0], r[2]);
        String json = r[1];
        assertTrue(json.startsWith("{\"organization-name\":\"Example Ops\",\"date-range\":{\"start-datetime\":"
                + "\"2026-11-29T08:00:00Z\",\"end-datetime\":\"2026-12-01T09:00:00Z\"},\"contact-info\":"
                + "\"ops@example.test\",\"report-id\":\""), json);
        assertTrue(json.contains("{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"mx.example\"},"
                + "\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":2},"), json);
        assertTrue(json.contains("{\"result-type\":\"validation-failure\",\"receiving-mx-hostname\":\"mx.example\","
                + "\"receiving-ip\":\"192.0.2.1\",\"failed-session-count\":1,\"failure-reason-code\":"
                + "\"starttls-injection\"}"), json);
        assertTrue(json.contains("{\"result-type\":\"certificate-expired\",\"receiving-mx-hostname\":\"mx.example\","
                + "\"receiving-ip\":\"192.0.2.1\",\"failed-session-count\":1}"), json);
        assertTrue(json.contains("\"policy-domain\":\"pop.example\"},\"summary\":{\"total-successful-session-count\":0,"
                + "\"total-failure-session-count\":1},\"failure-details\":[{\"result-type\":\"starttls-not-supported\""),
                json);
    }

    @Test
    void gzipIsReadAsIsAndBadInputIsSaidInOneLine() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write((UPGRADED + "\n" + BLOCKED + "\n").getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ReportCommand.run(new String[0], new ByteArrayInputStream(gz.toByteArray()),
                new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream(), true), false);
        assertEquals(0, status);
        assertTrue(out.toString().startsWith("starttls-agent report: 2 records"), out.toString());

        assertEquals("2", run("", "/no/such/audit.jsonl")[0]);
        assertTrue(run("", "/no/such/audit.jsonl")[2].startsWith("starttls-agent report: cannot read "
                + "'/no/such/audit.jsonl': there is no such file"));
        assertEquals("2", run("", "--format=x")[0]);
        assertEquals("1", run("not a record\n", "-")[0]);
        assertTrue(run("not a record\n", "-")[2].contains("no audit records in -"));
    }

    @Test
    void aLineTooLongIsSkippedWhole() {
        StringBuilder huge = new StringBuilder("{\"host\":\"");
        for (int i = 0; i < AuditLines.MAX_LINE; i++) {
            huge.append('x');
        }
        huge.append("\",\"port\":25,\"outcome\":\"upgraded\"}");
        String[] r = run(huge + "\n" + UPGRADED + "\n", "-");
        assertEquals("0", r[0]);
        assertTrue(r[1].startsWith("starttls-agent report: 1 record "), r[1]);
    }

    @Test
    void aForgedLineCannotPutWordsOfItsOwnIntoTheReport() {
        String forgedReason = "{\"host\":\"h\",\"port\":25,\"protocol\":\"smtp\",\"outcome\":\"blocked\","
                + "\"reason\":\"x\\nreceiving-ip-forged\"}";
        String forgedProtocol = "{\"host\":\"h\",\"port\":25,\"protocol\":\"smtp\\u001b[2J\",\"outcome\":\"blocked\"}";
        String unknownOutcome = "{\"host\":\"h\",\"port\":25,\"outcome\":\"teleported\"}";
        String badTime = "{\"time\":\"zzzz-not-a-time\",\"host\":\"h\",\"port\":25,\"outcome\":\"upgraded\"}";
        String nullHost = "{\"host\":null,\"port\":25,\"outcome\":\"upgraded\"}";
        String[] r = run(String.join("\n", forgedReason, forgedProtocol, unknownOutcome, badTime, nullHost, UPGRADED),
                "--tlsrpt");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("skipped 5 lines"), r[2]);
        assertTrue(!r[1].contains("forged") && !r[1].contains("\u001b"), r[1]);
    }

    @Test
    void manyDistinctReasonsAreBoundedNotAnOutOfMemoryError() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            lines.append("{\"host\":\"h\",\"port\":25,\"protocol\":\"smtp\",\"outcome\":\"blocked\",\"reason\":\"r")
                    .append(i).append("\"}\n");
        }
        String[] r = run(lines.toString(), "-");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("  other: " + (5000 - DestinationSummary.MAX_KEYS)), r[1]);
    }
}
