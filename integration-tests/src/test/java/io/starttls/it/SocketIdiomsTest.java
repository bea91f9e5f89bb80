package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.SmtpIdiomsClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way legacy code makes a socket is guarded, and a client may speak before the greeting. */
class SocketIdiomsTest {
    private static TestCertificates certificates;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"new-socket", "unconnected-then-connect", "socket-factory", "subclass", "write-first",
        "polls-available"})
    void theSocketIsUpgradedHoweverItWasMade(String idiom) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            RunResult run = AgentRun.testClient(SmtpIdiomsClient.class, idiom, String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + server.port()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("SENT " + idiom), run::toString);
            assertEquals("TLSv1.3", session.tlsProtocol());
            assertEquals(List.of("EHLO [127.0.0.1]", "STARTTLS"), session.clearCommands());
            // The same round trips as a native STARTTLS client: EHLO, STARTTLS, then the app's EHLO in TLS.
            assertEquals("EHLO idioms.example.test", session.tlsCommands().get(0));
            assertEquals(1, session.messages().size());
            assertTrue(session.messages().get(0).contains("sent by " + idiom));
            assertEquals("upgraded", run.onlyRecord().get("outcome"));
            assertEquals(SmtpIdiomsClient.class.getName(), run.onlyRecord().get("app_class").replace('$', '.')
                    .replace(".TracingSocket", ""));
        }
    }

    @Test
    void aBatchOfSessionsToOneServerResumesTls() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            RunResult run = AgentRun.testClient(SmtpIdiomsClient.class, "three-in-a-row", String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + server.port()).run();

            assertEquals(0, run.exitCode, run::toString);
            assertEquals(3, run.audit.size(), run::toString);
            for (int i = 0; i < 3; i++) {
                assertEquals("TLSv1.3", server.finishedSession(i, 10, TimeUnit.SECONDS).tlsProtocol());
            }
            // The first handshake is full; JSSE's server issues a ticket that the agent's next session uses.
            assertEquals("false", new RunResult.AuditLine(run.audit.get(0)).get("tls_resumed"), run::toString);
            assertEquals("true", new RunResult.AuditLine(run.audit.get(1)).get("tls_resumed"), run::toString);
        }
    }
}
