package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.support.TestTrust;
import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.TestCertificates;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** verify=host and verify=ca: each broken certificate blocks, with the matching TLS-RPT result type. */
class CertificatePolicyTest {
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, CertificatePolicyTest.class);
    }

    @ParameterizedTest
    @CsvSource({
        "SMTP, WRONG_NAME, certificate-host-mismatch",
        "SMTP, EXPIRED, certificate-expired",
        "SMTP, NOT_YET_VALID, validation-failure",
        "SMTP, SELF_SIGNED, certificate-not-trusted",
        "SMTP, UNTRUSTED_CA, certificate-not-trusted",
        "IMAP, WRONG_NAME, certificate-host-mismatch",
        "IMAP, EXPIRED, certificate-expired",
        "POP3, WRONG_NAME, certificate-host-mismatch",
        "POP3, UNTRUSTED_CA, certificate-not-trusted",
    })
    void aBrokenCertificateBlocksUnderVerifyHost(LegacyApp app, TestCertificates.Kind kind, String reason)
            throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(app.server().certificate(kind).build(), certificates)) {
            RunResult run = app.run(server.port())
                    .agent("mode=enforce,verify=host," + trust.agentArguments() + "," + app.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(75, run.exitCode, run::toString);
            assertTrue(run.stdout.contains(app.blockReply), run::toString);
            assertTrue(run.stdout.contains("[" + reason + "]"), run::toString);
            assertFalse(session.tlsText().contains(app.password()), "no credentials over an unverified session");
            assertFalse(app.credentialsInClear(session));
            RunResult.AuditLine record = run.onlyRecord();
            assertEquals("blocked", record.get("outcome"));
            assertEquals(reason, record.get("reason"));
        }
    }

    @Test
    void aGoodCertificateIsVerifiedAgainstTheHostTheApplicationNamed() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server().build(), certificates)) {
            RunResult run = LegacyApp.SMTP.run(server.port())
                    .agent("mode=enforce," + trust.agentArguments() + "," + LegacyApp.SMTP.watch(server.port())).run();

            assertEquals(0, run.exitCode, run::toString);
            assertEquals("host", run.onlyRecord().get("verify"));
            assertEquals("upgraded", run.onlyRecord().get("outcome"));
            assertTrue(run.stderr.contains("Verified TLS connection established to localhost[127.0.0.1]:"),
                    run::toString);
        }
    }

    @Test
    void wrongNameIsAcceptedUnderVerifyCaButNotUntrustedChains() throws Exception {
        try (ScriptedMailServer wrongName = new ScriptedMailServer(LegacyApp.SMTP.server()
                .certificate(TestCertificates.Kind.WRONG_NAME).build(), certificates)) {
            RunResult run = LegacyApp.SMTP.run(wrongName.port())
                    .agent("mode=enforce,verify=ca," + trust.agentArguments() + "," + LegacyApp.SMTP.watch(wrongName.port())).run();
            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stderr.contains("Trusted TLS connection established"), run::toString);
        }
    }

    @Test
    void enforceVerifiesTheHostByDefaultAgainstTheJdkTrustStore() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server().build(), certificates)) {
            RunResult run = LegacyApp.SMTP.run(server.port())
                    .agent("mode=enforce," + LegacyApp.SMTP.watch(server.port())).run();

            assertEquals(75, run.exitCode, run::toString);
            assertEquals("certificate-not-trusted", run.onlyRecord().get("reason"));
            assertEquals("host", run.onlyRecord().get("verify"));
        }
    }

    @Test
    void opportunisticEncryptsEvenWithABrokenCertificate() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server()
                .certificate(TestCertificates.Kind.EXPIRED).build(), certificates)) {
            RunResult run = LegacyApp.SMTP.run(server.port()).agent(LegacyApp.SMTP.watch(server.port())).run();

            assertEquals(0, run.exitCode, run::toString);
            assertEquals("upgraded", run.onlyRecord().get("outcome"));
            assertTrue(run.stderr.contains("Untrusted TLS connection established"), run::toString);
        }
    }
}
