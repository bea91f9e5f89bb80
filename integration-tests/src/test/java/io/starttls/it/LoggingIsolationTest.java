package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.Slf4jMailApp;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import org.junit.jupiter.api.Test;

/** The agent's relocated SLF4J never meets the application's own SLF4J, binding or configuration. */
class LoggingIsolationTest {
    /** The lines the application logged (the rest of stdout is its SMTP dialogue, which TLS changes). */
    private static java.util.List<String> appLog(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("[")).toList();
    }

    @Test
    void theApplicationsLoggingIsTheSameWithAndWithoutTheAgent() throws Exception {
        TestCertificates certificates = new TestCertificates();
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            String port = String.valueOf(server.port());
            RunResult without = AgentRun.testClient(Slf4jMailApp.class, port).run();
            RunResult with = AgentRun.testClient(Slf4jMailApp.class, port).agent("smtp-ports=" + port).run();

            assertEquals(0, without.exitCode, without::toString);
            assertEquals(0, with.exitCode, with::toString);
            assertTrue(without.stdout.contains("[INFO] legacy.app - starting the nightly report"), without::toString);
            assertEquals(appLog(without.stdout), appLog(with.stdout), "the application's own log output changed");
            assertEquals(2, appLog(with.stdout).size());
            assertEquals("", without.stderr);
            assertFalse(with.stderr.contains("SLF4J"), "no SLF4J warnings (bindings, providers): " + with.stderr);
            assertEquals(1, with.stderrBesidesStartLine().strip().split("\n").length, with.stderr);
            assertTrue(with.stderr.contains("INFO starttls-agent - Untrusted TLS connection established"),
                    with::toString);
            assertEquals("upgraded", with.onlyRecord().get("outcome"));
        }
    }
}
