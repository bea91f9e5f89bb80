package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.TestCertificates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol rules that only some servers exercise: PREAUTH, CAPA-less POP3, a greeting of the wrong protocol. */
class ProtocolEdgesTest {
    private static TestCertificates certificates;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
    }

    @Test
    void imapPreauthIsADowngradeThatEnforceBlocks() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.IMAP.server().preauthGreeting().build(),
                certificates)) {
            RunResult run = LegacyApp.IMAP.run(server.port())
                    .agent("mode=enforce," + LegacyApp.IMAP.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(75, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("* BYE [UNAVAILABLE] starttls-agent blocked"), run::toString);
            assertEquals("preauth-greeting", run.onlyRecord().get("reason"));
            assertTrue(session.clearCommands().stream().noneMatch(c -> c.contains("SELECT") || c.contains("FETCH")),
                    session::toString);
        }
    }

    @Test
    void imapPreauthUnderOpportunisticIsReportedAsAFallback() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.IMAP.server().preauthGreeting().build(),
                certificates)) {
            RunResult run = LegacyApp.IMAP.run(server.port()).agent(LegacyApp.IMAP.watch(server.port())).run();

            assertEquals("plaintext-fallback", run.onlyRecord().get("outcome"));
            assertEquals("preauth-greeting", run.onlyRecord().get("reason"));
            assertTrue(run.stdout.contains("S: * PREAUTH"), "the application sees the server's own greeting");
        }
    }

    @Test
    void imapGreetingCapabilitiesAreForgottenAfterTls() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.IMAP.server().build(), certificates)) {
            RunResult run = LegacyApp.IMAP.run(server.port()).agent(LegacyApp.IMAP.watch(server.port())).run();

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("S: * OK test IMAP server ready"), run::toString);
            assertFalse(run.stdout.contains("LOGINDISABLED"), "pre-TLS capabilities must not reach the app");
        }
    }

    @Test
    void pop3WithoutCapaStillUpgradesWithStls() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.POP3.server().capaUnsupported().build(),
                certificates)) {
            RunResult run = LegacyApp.POP3.run(server.port())
                    .agent("mode=enforce,verify=none," + LegacyApp.POP3.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertEquals(List.of("CAPA", "STLS"), session.clearCommands());
            assertEquals("TLSv1.3", session.tlsProtocol());
            assertTrue(run.stdout.contains("S: +OK test POP3 server ready <1896.697170952@test.localhost>"),
                    "the APOP timestamp reaches the application byte for byte");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"enforce", "opportunistic"})
    void aGreetingOfAnotherProtocolIsNeverBrokenSilently(String mode) throws Exception {
        // An SMTP server on a port that the agent was told carries IMAP.
        try (ScriptedMailServer smtp = new ScriptedMailServer(LegacyApp.SMTP.server().build(), certificates)) {
            RunResult run = LegacyApp.IMAP.run(smtp.port())
                    .agent("mode=" + mode + "," + LegacyApp.IMAP.watch(smtp.port())).run();
            RecordedSession session = smtp.finishedSession(0, 10, TimeUnit.SECONDS);

            RunResult.AuditLine record = run.onlyRecord();
            assertEquals("unexpected-greeting", record.get("reason"));
            assertTrue(record.get("detail").contains("'220 test.localhost"), record::toString);
            assertNull(session.tlsProtocol());
            if (mode.equals("enforce")) {
                assertEquals("blocked", record.get("outcome"));
                assertTrue(run.stdout.contains("* BYE [UNAVAILABLE]"), run::toString);
                assertTrue(session.clearCommands().isEmpty(), session::toString);
            } else {
                assertEquals("plaintext-fallback", record.get("outcome"));
                assertTrue(run.stdout.contains("S: 220 test.localhost"), "the app sees the greeting unchanged");
            }
        }
    }
}
