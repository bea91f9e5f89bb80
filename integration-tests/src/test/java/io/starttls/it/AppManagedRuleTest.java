package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.HandWrittenStartTlsClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.TestTrust;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A hand-written client that does STARTTLS itself: app-managed= rules, and the advice without one. */
class AppManagedRuleTest {
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, AppManagedRuleTest.class);
    }

    private static AgentRun client(int port) {
        return trust.applyTo(AgentRun.testClient(HandWrittenStartTlsClient.class, String.valueOf(port)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost@PORT", "*@PORT", "io.starttls.it.clients.HandWrittenStartTlsClient",
        "io.starttls.it.clients.*"})
    void aRuleLetsTheApplicationRunItsOwnStartTls(String rule) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            String port = String.valueOf(server.port());
            RunResult run = client(server.port())
                    .agent("mode=enforce,smtp-ports=" + port + ",app-managed=" + rule.replace("PORT", port)).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertEquals(List.of("EHLO handwritten.example.test", "STARTTLS"), session.clearCommands());
            assertEquals("app-managed-tls", run.onlyRecord().get("outcome"));
            assertEquals("TLSv1.3", run.onlyRecord().get("tls_version"));
        }
    }

    @Test
    void withoutARuleTheAuditSaysWhatHappenedAndHowToFixIt() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            String port = String.valueOf(server.port());
            RunResult run = client(server.port()).agent("smtp-ports=" + port).run();

            assertNotEquals(0, run.exitCode, "the server refuses a STARTTLS inside TLS");
            assertTrue(run.stderr.contains("the application sent STARTTLS itself to localhost:" + port), run::toString);
            assertTrue(run.stderr.contains("app-managed=localhost@" + port), run::toString);
        }
    }
}
