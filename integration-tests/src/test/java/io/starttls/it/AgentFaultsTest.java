package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.HelloWorld;
import io.starttls.it.clients.SmtpIdiomsClient;
import io.starttls.it.clients.SocketFirstAgent;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.util.concurrent.TimeUnit;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the agent's own stay contained. When it cannot put its guard in place (here: another
 * agent loaded java.net.Socket first), enforce refuses to start and the other modes run the
 * application with one clear error line; a fault on a mail connection blocks it under enforce only.
 */
class AgentFaultsTest {
    private static File otherAgent;

    @BeforeAll
    static void buildOtherAgent() throws Exception {
        otherAgent = new File(Children.runsDir(), "socket-first-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", SocketFirstAgent.class.getName());
        String entry = SocketFirstAgent.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream jar = new JarOutputStream(new FileOutputStream(otherAgent), manifest);
             InputStream in = SocketFirstAgent.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            in.transferTo(jar);
            jar.closeEntry();
        }
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
        assertTrue(run.stderr.contains("list it before other agents"), "the line says how to fix it");
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
