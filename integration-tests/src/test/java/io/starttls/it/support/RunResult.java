package io.starttls.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.starttls.testserver.JavaProcess;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a child JVM did: its exit, what it printed, and the agent's audit lines. */
public final class RunResult {
    public final int exitCode;
    public final String stdout;
    public final String stderr;
    public final List<String> audit;
    private final String description;

    RunResult(JavaProcess.Result result, List<String> audit, String description) {
        this.exitCode = result.exitCode;
        this.stdout = result.stdout;
        this.stderr = result.stderr;
        this.audit = audit;
        this.description = description;
    }

    /** Standard error without the agent's one start-up line ("starttls-agent VERSION started: ..."). */
    public String stderrBesidesStartLine() {
        return stderr.replaceFirst("(?m)^starttls-agent \\S+ started: [^\n]*\n", "");
    }

    /** The only audit record of this run; fails unless there is exactly one. */
    public AuditLine onlyRecord() {
        assertEquals(1, audit.size(), () -> "expected one audit record: " + this);
        return new AuditLine(audit.get(0));
    }

    void assertNoSecretInAgentOutput() {
        for (String secret : Secrets.forms()) {
            assertFalse(stderr.contains(secret), () -> "a secret reached the agent's log: " + this);
            for (String line : audit) {
                assertFalse(line.contains(secret), () -> "a secret reached the audit log: " + this);
            }
        }
    }

    @Override
    public String toString() {
        return description + " exit=" + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr
                + "--- audit\n" + String.join("\n", audit);
    }

    /** One JSON audit line, read field by field (flat strings and booleans only). */
    public static final class AuditLine {
        private final String json;

        public AuditLine(String json) {
            this.json = json;
        }

        public String get(String field) {
            Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|true|false|\\d+)")
                    .matcher(json);
            if (!m.find()) {
                return null;
            }
            return m.group(2) != null ? m.group(2) : m.group(1);
        }

        @Override
        public String toString() {
            return json;
        }
    }
}
