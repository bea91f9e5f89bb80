package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starttls.it.support.Children;
import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.TestTrust;
import io.starttls.testserver.JavaProcess;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code report} on audit logs that the agent wrote in this suite: the counts match the records
 * (read here with Jackson, not with the agent's parser), the TLS-RPT form has RFC 8460's fields and
 * types, and gzip-rotated files and standard input read as plain ones.
 */
class ReportCommandTest {
    private static final Set<String> RESULT_TYPES = Set.of("starttls-not-supported", "certificate-host-mismatch",
            "certificate-expired", "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid",
            "dane-required", "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, ReportCommandTest.class);
    }

    private static JavaProcess.Result report(File stdin, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(List.of(args));
        JavaProcess process = JavaProcess.on(Children.javaHome()).timeoutSeconds(120)
                .jar(Children.agentJar(), all.toArray(new String[0]));
        if (stdin != null) {
            process.stdin(stdin);
        }
        JavaProcess.Result r = process.run();
        assertFalse(r.timedOut, r::toString);
        return r;
    }

    /** Four sessions with known outcomes, to destinations of their own. */
    private static List<String> sessionsOfKnownOutcome(int[] ports) throws Exception {
        List<String> lines = new ArrayList<>();
        try (ScriptedMailServer good = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
             ScriptedMailServer hidden = new ScriptedMailServer(ServerScript.smtp()
                     .startTls(ServerScript.StartTls.HIDE).build(), certificates);
             ScriptedMailServer expired = new ScriptedMailServer(ServerScript.smtp()
                     .certificate(TestCertificates.Kind.EXPIRED).build(), certificates)) {
            ports[0] = good.port();
            ports[1] = hidden.port();
            ports[2] = expired.port();
            String watch = "smtp-ports=" + good.port() + ":" + hidden.port() + ":" + expired.port();
            String trusted = trust.agentArguments() + "," + watch;
            RunResult upgraded = LegacyApp.SMTP.run(good.port()).agent("mode=enforce," + trusted).run();
            RunResult blocked = LegacyApp.SMTP.run(hidden.port()).agent("mode=enforce," + trusted).run();
            RunResult fallback = LegacyApp.SMTP.run(hidden.port()).agent("mode=opportunistic," + trusted).run();
            RunResult testing = LegacyApp.SMTP.run(expired.port()).agent("mode=testing," + trusted).run();
            for (RunResult r : List.of(upgraded, blocked, fallback, testing)) {
                assertEquals(1, r.audit.size(), r::toString);
                lines.addAll(r.audit);
            }
        }
        return lines;
    }

    @Test
    void theCountsMatchTheRecordsInPlainGzipAndStandardInput() throws Exception {
        int[] ports = new int[3];
        List<String> known = sessionsOfKnownOutcome(ports);
        File dir = Files.createDirectories(new File(Children.runsDir(), "report-" + Children.label() + "-"
                + ProcessHandle.current().pid()).toPath()).toFile();
        // The suite's own audit logs so far, and the four above: plain, gzip-rotated, and piped in.
        List<String> records = new ArrayList<>(known);
        try (Stream<java.nio.file.Path> runs = Files.list(Children.runsDir().toPath())) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) runs.filter(p -> p.toString()
                    .endsWith(".audit.jsonl"))::iterator) {
                records.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        int third = records.size() / 3;
        File plain = new File(dir, "audit.jsonl");
        Files.write(plain.toPath(), records.subList(0, third), StandardCharsets.UTF_8);
        File gzip = new File(dir, "audit.jsonl.1.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip.toPath()))) {
            for (String line : records.subList(third, 2 * third)) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        File piped = new File(dir, "piped.jsonl");
        Files.write(piped.toPath(), records.subList(2 * third, records.size()), StandardCharsets.UTF_8);

        JavaProcess.Result all = report(piped, plain.getPath(), gzip.getPath(), "-");
        assertEquals(0, all.exitCode, all::toString);
        assertTrue(all.stdout.startsWith("starttls-agent report: " + records.size() + " records from "),
                all::toString);
        assertEquals("", all.stderr, all::toString);

        // The destinations of known outcome, row by row (alone: an earlier test's server may have had the port).
        File knownFile = new File(dir, "known.jsonl");
        Files.write(knownFile.toPath(), known, StandardCharsets.UTF_8);
        JavaProcess.Result table = report(null, knownFile.getPath());
        assertEquals(0, table.exitCode, table::toString);
        assertTrue(table.stdout.contains("localhost[127.0.0.1]:" + ports[1] + " smtp"), table::toString);
        assertTrue(row(table.stdout, ports[0]).matches("\\S+ +smtp +1 +1 +0 +0 +0 +0 +0 +0 +0"), table::toString);
        assertTrue(row(table.stdout, ports[1]).matches("\\S+ +smtp +2 +0 +0 +1 +1 +0 +0 +1 +1"), table::toString);
        assertTrue(table.stdout.contains("  blocked starttls-not-supported: 1\n  plaintext-fallback "
                + "starttls-not-supported: 1\n"), table::toString);
        assertTrue(table.stdout.contains("  mode=testing, enforce would have blocked: 1\n"), table::toString);
        assertTrue(table.stdout.contains(" expired on "), "the expired certificate is listed: " + table);

        // No file at all, input piped: standard input (Java 22+ gives a Console even then).
        JavaProcess.Result noFile = report(piped);
        assertEquals(0, noFile.exitCode, noFile::toString);
        assertTrue(noFile.stdout.startsWith("starttls-agent report: " + (records.size() - 2 * third) + " record"),
                noFile::toString);

        JavaProcess.Result rpt = report(piped, "--tlsrpt", "--organization", "Example Ops", "--contact",
                "ops@example.test", plain.getPath(), gzip.getPath(), "-");
        assertEquals(0, rpt.exitCode, rpt::toString);
        JsonNode report = JSON.readTree(rpt.stdout);
        assertEquals("Example Ops", report.get("organization-name").textValue());
        assertEquals("ops@example.test", report.get("contact-info").textValue());
        assertTrue(report.get("report-id").isTextual());
        assertTrue(report.get("date-range").get("start-datetime").textValue()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), rpt.stdout);
        assertTrue(report.get("date-range").get("end-datetime").textValue()
                .compareTo(report.get("date-range").get("start-datetime").textValue()) >= 0);
        long successes = 0;
        long failures = 0;
        for (JsonNode policy : report.get("policies")) {
            assertEquals("no-policy-found", policy.get("policy").get("policy-type").textValue());
            assertTrue(policy.get("policy").get("policy-domain").isTextual());
            assertTrue(policy.get("summary").get("total-successful-session-count").isIntegralNumber());
            long failed = policy.get("summary").get("total-failure-session-count").longValue();
            long detailed = 0;
            for (JsonNode detail : policy.get("failure-details")) {
                assertTrue(RESULT_TYPES.contains(detail.get("result-type").textValue()), detail::toString);
                assertTrue(detail.get("failed-session-count").isIntegralNumber());
                detailed += detail.get("failed-session-count").longValue();
            }
            assertEquals(failed, detailed, "the details add up to the failures: " + policy);
            successes += policy.get("summary").get("total-successful-session-count").longValue();
            failures += failed;
        }
        long expectedSuccesses = 0;
        long expectedFailures = 0;
        for (String line : records) {
            JsonNode r = JSON.readTree(line);
            String outcome = r.get("outcome").textValue();
            boolean wouldBlock = r.has("would_block") && r.get("would_block").booleanValue();
            if (wouldBlock || outcome.equals("blocked") || outcome.equals("plaintext-fallback")) {
                expectedFailures++;
            } else if (outcome.equals("upgraded") || outcome.equals("app-managed-tls")) {
                expectedSuccesses++;
            }
        }
        assertEquals(expectedSuccesses, successes);
        assertEquals(expectedFailures, failures);
        assertTrue(rpt.stdout.contains("{\"result-type\":\"certificate-expired\",\"receiving-mx-hostname\":"
                + "\"localhost\",\"receiving-ip\":\"127.0.0.1\",\"failed-session-count\":1}"), rpt.stdout);
    }

    private static String row(String table, int port) {
        for (String line : table.split("\n")) {
            if (line.startsWith("localhost[127.0.0.1]:" + port + " ")) {
                return line.trim();
            }
        }
        return "(no row for port " + port + ")";
    }

    @Test
    void badInputIsSaidInOneLine() throws Exception {
        JavaProcess.Result missing = report(null, "/no/such/audit.jsonl");
        assertEquals(2, missing.exitCode);
        assertTrue(missing.stderr.startsWith("starttls-agent report: cannot read '/no/such/audit.jsonl': there is no "
                + "such file"), missing::toString);
        File junk = new File(Children.runsDir(), "junk-" + ProcessHandle.current().pid() + ".txt");
        Files.writeString(junk.toPath(), "this is\nnot an audit log\n");
        JavaProcess.Result none = report(null, junk.getPath());
        assertEquals(1, none.exitCode, none::toString);
        assertTrue(none.stderr.contains("skipped 2 lines that are not audit records (the first: " + junk + " line 1)"),
                none::toString);
        JavaProcess.Result option = report(null, "--csv");
        assertEquals(2, option.exitCode);
        assertTrue(option.stderr.startsWith("starttls-agent report: unknown option '--csv'"), option::toString);
    }
}
