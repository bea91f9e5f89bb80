package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.HelloWorld;
import io.starttls.it.clients.SmtpIdiomsClient;
import io.starttls.it.clients.BrokenPatchAgent;
import io.starttls.it.clients.SocketBreakingAgent;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.OtherAgents;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the agent's own stay contained. When it cannot put its guard in place (here: another
 * agent loaded java.net.Socket first and spoils its retransformation), enforce refuses to start and the other modes run the
 * application with one clear error line; a fault on a mail connection blocks it under enforce only.
 */
class AgentFaultsTest {
    private static File otherAgent;
    private static File brokenPatchAgent;

    @BeforeAll
    static void buildOtherAgents() throws Exception {
        otherAgent = OtherAgents.jar("socket-breaking-agent.jar", SocketBreakingAgent.class, SocketBreakingAgent.class.getName()
                + "$1");
        brokenPatchAgent = OtherAgents.jar("broken-patch-agent.jar", BrokenPatchAgent.class, BrokenPatchAgent.class.getName()
                + "$1");
    }

    /**
     * Every child JVM of this suite verifies boot classes (AgentRun), so a defect in the rewrite of
     * java.net.Socket fails a test: here a deliberately broken one, under enforce, stops the JVM.
     */
    @Test
    void aBrokenRewriteOfSocketFailsTheVerifierInsteadOfRunning() throws Exception {
        RunResult run = AgentRun.testClient(HelloWorld.class).jvmOption("-javaagent:" + brokenPatchAgent.getAbsolutePath())
                .agent("mode=enforce").noAuditLog().run();

        assertTrue(run.stdout.contains("BROKE wrap"), "the broken patch was applied: " + run);
        assertEquals(3, run.exitCode, run::toString);
        assertTrue(run.stderr.contains("refusing to start (mode=enforce)") && run.stderr.contains("VerifyError"),
                run::toString);
        assertFalse(run.stdout.contains("hello"), "main must not run");
    }

    @Test
    void aFaultOnAMailConnectionFailsClosedUnderEnforce() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), new TestCertificates())) {
            RunResult run = AgentRun.testClient(SmtpIdiomsClient.class, "secretive-subclass",
                    String.valueOf(server.port())).agent("mode=enforce,smtp-ports=" + server.port()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertNotEquals(0, run.exitCode, run::toString);
            assertTrue(run.stderr.contains("starttls-agent: internal error guarding"), run::toString);
            assertTrue(run.stderr.contains("blocked (mode=enforce)"), run::toString);
            assertTrue(session.clearCommands().isEmpty(), "nothing was sent: " + session);
        }
    }

    @Test
    void aFaultOnAMailConnectionLeavesItAloneUnderOpportunistic() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), new TestCertificates())) {
            RunResult run = AgentRun.testClient(SmtpIdiomsClient.class, "secretive-subclass",
                    String.valueOf(server.port())).agent("smtp-ports=" + server.port()).run();

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("SENT secretive-subclass"), run::toString);
            assertTrue(run.stderr.contains("the connection goes on unguarded"), run::toString);
        }
    }

    @Test
    void enforceRefusesToRunUnprotected() throws Exception {
        RunResult run = AgentRun.testClient(HelloWorld.class).jvmOption("-javaagent:" + otherAgent.getAbsolutePath())
                .agent("mode=enforce").noAuditLog().run();

        assertEquals(3, run.exitCode, run::toString);
        assertEquals("", run.stdout, "main must not run unprotected");
        assertEquals(1, run.stderr.strip().split("\n").length, run::toString);
        assertTrue(run.stderr.startsWith("starttls-agent: cannot guard sockets, refusing to start (mode=enforce): "
                + "java.net.Socket was loaded before the agent started"), run::toString);
        assertTrue(run.stderr.contains("its retransformation failed"), run::toString);
    }

    @Test
    void opportunisticRunsTheApplicationWithOneErrorLine() throws Exception {
        RunResult run = AgentRun.testClient(HelloWorld.class).jvmOption("-javaagent:" + otherAgent.getAbsolutePath())
                .agent("mode=opportunistic").noAuditLog().run();

        assertEquals(0, run.exitCode, run::toString);
        assertEquals("hello\n", run.stdout);
        assertEquals(1, run.stderr.strip().split("\n").length, run::toString);
        assertTrue(run.stderr.startsWith("starttls-agent: ERROR cannot guard sockets, mail connections are NOT "
                + "protected"), run::toString);
        assertFalse(run.stderr.contains("\tat "), "no stack trace");
    }
}
