package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.AuthenticatingSmtpClientApp;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Commons Net's AuthenticatingSMTPClient is upgraded by the agent (it is the usual class for plain
 * authenticated SMTP). When the application calls execTLS() on it, the agent answers for the
 * session it already secured: no second STARTTLS goes inside the TLS, the mail goes through.
 */
class AppStartTlsAnsweredTest {
    @Test
    void execTlsOnAConnectionTheAgentSecuredIsAnsweredWithoutASecondStartTls() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), new TestCertificates())) {
            RunResult run = AgentRun.testClient(AuthenticatingSmtpClientApp.class, String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + server.port()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("EXECTLS true"), run::toString);
            assertTrue(run.stdout.contains("SENT"), run::toString);
            assertEquals("TLSv1.3", session.tlsProtocol());
            assertEquals(List.of("EHLO [127.0.0.1]", "STARTTLS"), session.clearCommands(), "only the agent's");
            assertFalse(session.tlsCommands().contains("STARTTLS"), "no STARTTLS inside TLS: " + session);
            assertEquals(1, session.messages().size());
            assertTrue(session.messages().get(0).contains("sent after execTLS"));
            assertEquals("upgraded", run.onlyRecord().get("outcome"));
            assertTrue(run.stderr.contains("answered for it"), run::toString);
        }
    }
}
