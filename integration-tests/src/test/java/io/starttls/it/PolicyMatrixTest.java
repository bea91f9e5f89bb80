package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each legacy app (SMTP sender, IMAP reader, POP3 reader) under each policy, against a good server
 * and against servers that hide, refuse or subvert STARTTLS. Asserted: what the server received,
 * before and after TLS; what the application got back; the audit record.
 */
class PolicyMatrixTest {
    private static TestCertificates certificates;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void withoutTheAgentThePasswordCrossesInClear(LegacyApp app) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(app.server()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            RunResult run = app.run(server.port()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(app.credentialsInClear(session), session::toString);
            assertTrue(run.audit.isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void opportunisticUpgradesBeforeTheApplicationSpeaks(LegacyApp app) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(app.server().build(), certificates)) {
            RunResult run = app.run(server.port()).agent(app.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains(app.success), run::toString);
            assertEquals("TLSv1.3", session.tlsProtocol(), session::toString);
            assertEquals(app.agentClearCommands, session.clearCommands(), "only the agent's negotiation is in clear");
            assertFalse(app.credentialsInClear(session), session::toString);
            assertTrue(session.tlsCommands().stream().anyMatch(c -> c.toUpperCase().contains(app.credentialVerb)),
                    session::toString);
            RunResult.AuditLine record = run.onlyRecord();
            assertEquals("upgraded", record.get("outcome"));
            assertEquals(app.word(), record.get("protocol"));
            assertEquals("opportunistic", record.get("mode"));
            assertEquals("none", record.get("verify"));
            assertEquals("localhost", record.get("host"));
            assertEquals(String.valueOf(server.port()), record.get("port"));
            assertEquals("TLSv1.3", record.get("tls_version"));
            assertTrue(record.get("cipher").startsWith("TLS_"), record::toString);
            assertEquals("CN=localhost", record.get("peer_subject"));
            assertEquals("CN=starttls-agent Test CA", record.get("peer_issuer"));
            assertTrue(record.get("app_class").startsWith("io.starttls.demo."), record::toString);
            assertTrue(run.stderr.contains("TLS connection established to localhost[127.0.0.1]:" + server.port()),
                    run::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void opportunisticFallsBackInClearAndSaysSo(LegacyApp app) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(app.server()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            RunResult run = app.run(server.port()).agent(app.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertNull(session.tlsProtocol());
            RunResult.AuditLine record = run.onlyRecord();
            assertEquals("plaintext-fallback", record.get("outcome"));
            assertEquals("starttls-not-supported", record.get("reason"));
            assertEquals("true", record.get("credentials_in_clear"));
            assertEquals("true", record.get("mail_in_clear"));
            assertNull(record.get("tls_version"));
        }
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void enforceBlocksWhenStartTlsIsNotOffered(LegacyApp app) throws Exception {
        assertBlocked(app, app.server().startTls(ServerScript.StartTls.HIDE), "mode=enforce",
                "starttls-not-supported");
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void enforceBlocksWhenStartTlsIsRefused(LegacyApp app) throws Exception {
        assertBlocked(app, app.server().startTls(ServerScript.StartTls.REFUSE), "mode=enforce", "starttls-refused");
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void injectedResponsesAbortTheSessionUnderEnforce(LegacyApp app) throws Exception {
        assertBlocked(app, app.server().injectAfterStartTls(app.injected + "\r\n"), "mode=enforce",
                "starttls-injection");
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void injectedResponsesAbortTheSessionUnderOpportunisticToo(LegacyApp app) throws Exception {
        assertBlocked(app, app.server().injectAfterStartTls(app.injected + "\r\n"), "mode=opportunistic",
                "starttls-injection");
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void blockCanBeAnExceptionInstead(LegacyApp app) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(app.server()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            RunResult run = app.run(server.port())
                    .agent("mode=enforce,block=exception," + app.watch(server.port())).run();

            assertEquals(75, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("SessionBlockedException: starttls-agent blocked the session to localhost:"
                    + server.port()), run::toString);
            assertFalse(app.credentialsInClear(server.finishedSession(0, 10, TimeUnit.SECONDS)));
        }
    }

    @ParameterizedTest
    @EnumSource(LegacyApp.class)
    void monitorChangesNothingAndFlagsWhatWentOutInClear(LegacyApp app) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(app.server()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            RunResult run = app.run(server.port()).agent("mode=monitor," + app.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(app.credentialsInClear(session));
            assertFalse(session.clearCommands().stream().anyMatch(c -> c.contains("STARTTLS") || c.equals("STLS")
                    || c.equals("CAPA") || c.startsWith("EHLO [")), "monitor sends nothing of its own");
            RunResult.AuditLine record = run.onlyRecord();
            assertEquals("plaintext-observed", record.get("outcome"));
            assertEquals("true", record.get("credentials_in_clear"));
            assertEquals("true", record.get("mail_in_clear"));
        }
    }

    private static void assertBlocked(LegacyApp app, ServerScript.Builder script, String mode, String reason)
            throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(script.build(), certificates)) {
            RunResult run = app.run(server.port()).agent(mode + "," + app.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(75, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("S: " + app.blockReply + "starttls-agent blocked the session to localhost:"
                    + server.port()), run::toString);
            assertTrue(run.stdout.contains("[" + reason + "]"), run::toString);
            assertFalse(app.credentialsInClear(session), session::toString);
            assertFalse(session.tlsText().contains(app.password()), "nothing of the app's crossed, not even in TLS");
            assertTrue(session.messages().isEmpty());
            RunResult.AuditLine record = run.onlyRecord();
            assertEquals("blocked", record.get("outcome"));
            assertEquals(reason, record.get("reason"));
            assertTrue(run.stderr.contains("[" + reason + "]"), run::toString);
        }
    }
}
