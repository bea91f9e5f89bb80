package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.HelloWorld;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent's command line, as a user meets it: one clear line for every mistake, silence otherwise. */
class AgentArgumentsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mode=enforced              | bad agent argument 'mode=enforced': mode must be one of off, monitor, testing, opportunistic, enforce",
        "verify=strict              | bad agent argument 'verify=strict': verify must be one of none, ca, host",
        "mood=enforce               | unknown agent argument 'mood'",
        "smtp-ports=25:abc          | bad agent argument 'smtp-ports=25:abc': 'abc' is not a whole number from 1 to 65535",
        "imap-ports=25              | port 25 is named under both smtp-ports and imap-ports",
        "truststore=/nonexistent.p12 | no readable file at '/nonexistent.p12'",
        "min-tls=SSLv3              | min-tls must be one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
        "timeout=forever            | timeout takes seconds",
        "mode=enforce,,verify=host  | entry 2 of the agent arguments is empty",
        "mode                       | entry 1 of the agent arguments ('mode') has no value",
    })
    void aBadArgumentStopsTheJvmBeforeMainWithOneLine(String arguments, String expected) throws Exception {
        RunResult run = AgentRun.testClient(HelloWorld.class).agent(arguments.trim()).noAuditLog().run();

        assertEquals(2, run.exitCode, run::toString);
        assertEquals("", run.stdout, "main must not run");
        String[] lines = run.stderr.strip().split("\n");
        assertEquals(1, lines.length, "one line, no stack trace: " + run.stderr);
        assertTrue(lines[0].startsWith("starttls-agent: "), lines[0]);
        assertTrue(lines[0].contains(expected.trim()), lines[0]);
    }

    @Test
    void helpPrintsTheReference() throws Exception {
        RunResult run = AgentRun.testClient(HelloWorld.class).agent("help").noAuditLog().run();

        assertEquals(0, run.exitCode);
        assertTrue(run.stdout.contains("mode=off|monitor|testing|opportunistic|enforce"), run::toString);
        assertTrue(run.stdout.contains("smtp-ports=25:587:2525"), run::toString);
        assertFalse(run.stdout.contains("hello"));
    }

    @Test
    void aNormalRunPrintsNothingButTheApplication() throws Exception {
        RunResult run = AgentRun.testClient(HelloWorld.class).agent("mode=enforce").noAuditLog().run();

        assertEquals(0, run.exitCode);
        assertEquals("hello\n", run.stdout);
        assertEquals("", run.stderrBesidesStartLine(), "no JVM warning (CDS, Unsafe, ...) and no agent chatter");
        assertTrue(run.stderr.matches("starttls-agent \\d[^ ]* started: mode=enforce verify=host min-tls=TLSv1.2 "
                + "trust=the JDK's roots; watching smtp ports 25:587:2525, imap 143, pop3 110, the mail libraries' "
                + "sockets and every other port by its first exchange\n"), "one start-up line: " + run.stderr);
        RunResult quiet = AgentRun.testClient(HelloWorld.class).agent("mode=enforce,log=off").noAuditLog().run();
        assertEquals("", quiet.stderr, "log=off: not even the start-up line");
    }

    @Test
    void aPasswordGivenTwoWaysIsOneMistakeAndNeverShown() throws Exception {
        io.starttls.it.support.TestTrust trust = io.starttls.it.support.TestTrust.of(
                new io.starttls.testserver.TestCertificates(), AgentArgumentsTest.class);
        RunResult run = AgentRun.testClient(HelloWorld.class)
                .agent(trust.agentArguments() + ",truststore-password=Other-s3cret-value").noAuditLog().run();

        assertEquals(2, run.exitCode, run::toString);
        assertEquals(1, run.stderr.strip().split("\n").length, run::toString);
        assertTrue(run.stderr.contains("agent argument 'truststore-password=(not shown)' and agent argument "
                + "'truststore-password-file="), run::toString);
        assertTrue(run.stderr.contains("are both given: keep one"), run::toString);
        assertFalse(run.stderr.contains("Other-s3cret-value"), "the password is never printed");
    }
}
