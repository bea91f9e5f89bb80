package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.starttls.it.clients.PacedSender;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.Secrets;
import io.starttls.it.support.TestTrust;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent in a long-running application, as operations see it: the audit log rotated under it
 * by logrotate, a full disk, and the live counters read over JMX while the application runs.
 */
class OperationsTest {
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, OperationsTest.class);
    }

    /** A paced sender in the background; the test says when each session may start. */
    private static final class Paced {
        final File control;
        final CompletableFuture<RunResult> run;

        Paced(AgentRun agentRun, File control) {
            this.control = control;
            this.run = CompletableFuture.supplyAsync(() -> {
                try {
                    return agentRun.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        void session(int n) throws Exception {
            Files.createFile(control.toPath().resolve("go-" + n));
            await(control.toPath().resolve("done-" + n));
        }

        long pid() throws Exception {
            Path pid = control.toPath().resolve("pid");
            await(pid);
            return Long.parseLong(Files.readString(pid).trim());
        }

        RunResult exit() throws Exception {
            Files.createFile(control.toPath().resolve("exit"));
            return run.get(90, TimeUnit.SECONDS);
        }

        private void await(Path file) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(file)) {
                if (run.isDone()) {
                    throw new AssertionError("the sender ended before " + file.getFileName() + ": " + run.get());
                }
                assertTrue(System.nanoTime() < end, "waited in vain for " + file);
                Thread.sleep(20);
            }
        }
    }

    private static File controlDir(String name) throws Exception {
        File dir = new File(Children.runsDir(), name + "-" + Children.label() + "-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        Files.createDirectories(dir.toPath());
        return dir;
    }

    private static Paced paced(String agentArguments, File control, String... destinations) {
        String[] args = new String[destinations.length + 1];
        args[0] = control.getPath();
        System.arraycopy(destinations, 0, args, 1, destinations.length);
        return new Paced(AgentRun.testClient(PacedSender.class, args).noAuditLog().agent(agentArguments), control);
    }

    private static List<String> records(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void theAuditLogFollowsLogrotateWhileTheApplicationRuns() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            File control = controlDir("rotate");
            Path audit = control.toPath().resolve("audit.jsonl");
            String to = "127.0.0.1:" + server.port();
            Paced sender = paced("mode=enforce,verify=ca," + trust.agentArguments() + ",smtp-ports=" + server.port()
                    + ",audit-log=" + audit, control, to, to, to);

            sender.session(0);
            Files.move(audit, control.toPath().resolve("audit.jsonl.1"));
            Files.createFile(audit); // logrotate's default: rename, then create
            sender.session(1);
            Files.move(audit, control.toPath().resolve("audit.jsonl.2")); // "nocreate": the agent makes it
            sender.session(2);
            RunResult run = sender.exit();

            assertEquals(0, run.exitCode, run::toString);
            for (String name : new String[] {"audit.jsonl.1", "audit.jsonl.2", "audit.jsonl"}) {
                List<String> lines = records(control.toPath().resolve(name));
                assertEquals(1, lines.size(), () -> name + ": " + lines + "\n" + run);
                assertEquals("upgraded", new RunResult.AuditLine(lines.get(0)).get("outcome"), name);
            }
            assertFalse(run.stderr.contains("cannot write the audit log"), run::toString);
        }
    }

    @Test
    void aFullDiskLosesRecordsButNeverMailProtectionAndIsSaidOnce() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new File("/dev/full").exists(), "Linux /dev/full");
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
             ScriptedMailServer hidden = new ScriptedMailServer(ServerScript.smtp()
                     .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            File control = controlDir("full");
            for (int i = 0; i < 3; i++) {
                Files.createFile(control.toPath().resolve("go-" + i));
            }
            Files.createFile(control.toPath().resolve("exit"));
            RunResult run = AgentRun.testClient(PacedSender.class, control.getPath(), "127.0.0.1:" + server.port(),
                    "127.0.0.1:" + hidden.port(), "127.0.0.1:" + server.port()).noAuditLog()
                    .agent("mode=enforce,verify=ca," + trust.agentArguments() + ",smtp-ports=" + server.port() + ":"
                            + hidden.port() + ",audit-log=/dev/full").run();

            assertEquals(0, run.exitCode, run::toString);
            assertEquals(2, run.stdout.split("SENT ", -1).length - 1, run::toString);
            assertTrue(run.stdout.contains("FAILED 127.0.0.1:" + hidden.port()), run::toString);
            RecordedSession blocked = hidden.finishedSession(0, 10, TimeUnit.SECONDS);
            assertFalse(blocked.clearText().contains("AUTH"), "the block held without an audit log: " + blocked);
            assertTrue(server.finishedSession(1, 10, TimeUnit.SECONDS).tlsText().contains("confidential figures"));
            assertEquals(1, run.stderr.split("cannot write the audit log /dev/full", -1).length - 1, run::toString);
            // The human lines still tell every connection.
            assertEquals(2, run.stderr.split("TLS connection established", -1).length - 1, run::toString);
        }
    }

    @Test
    void theLiveCountersOverJmxMatchTheAuditAndAppearOnlyWithTheFirstMailConnection() throws Exception {
        try (ScriptedMailServer good = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
             ScriptedMailServer hidden = new ScriptedMailServer(ServerScript.smtp()
                     .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            File control = controlDir("jmx");
            Path audit = control.toPath().resolve("audit.jsonl");
            Paced sender = paced("mode=enforce,verify=ca," + trust.agentArguments() + ",smtp-ports=" + good.port()
                    + ":" + hidden.port() + ",audit-log=" + audit, control, "127.0.0.1:" + good.port(),
                    "127.0.0.1:" + hidden.port(), "127.0.0.1:" + good.port());
            VirtualMachine vm = VirtualMachine.attach(Long.toString(sender.pid()));
            try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
                MBeanServerConnection beans = jmx.getMBeanServerConnection();
                assertTrue(beans.queryNames(new ObjectName("io.starttls.agent:*"), null).isEmpty(),
                        "nothing registered before the first mail connection");

                sender.session(0);
                sender.session(1);
                sender.session(2);
                ObjectName smtp = new ObjectName("io.starttls.agent:type=MailConnections,protocol=smtp");
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!beans.isRegistered(smtp) && System.nanoTime() < end) {
                    Thread.sleep(20); // registered on a thread of its own
                }
                assertEquals(3, beans.queryNames(new ObjectName("io.starttls.agent:type=MailConnections,*"), null)
                        .size());
                List<String> lines = records(audit);
                assertEquals(3, lines.size(), lines::toString);
                assertEquals(3L, beans.getAttribute(smtp, "Connections"));
                assertEquals(count(lines, "upgraded"), beans.getAttribute(smtp, "Upgraded"));
                assertEquals(count(lines, "blocked"), beans.getAttribute(smtp, "Blocked"));
                assertEquals(2L, beans.getAttribute(smtp, "Upgraded"));
                assertEquals(1L, beans.getAttribute(smtp, "Blocked"));
                assertEquals(0L, beans.getAttribute(smtp, "CredentialsInClear"));
                Map<String, Object> reasons = table((TabularData) beans.getAttribute(smtp, "Reasons"));
                assertEquals(Map.of("starttls-not-supported", 1L), reasons);
                Map<String, Object> last = table((TabularData) beans.getAttribute(smtp, "LastFailures"));
                assertEquals(1, last.size(), last::toString);
                String failure = (String) last.get("127.0.0.1:" + hidden.port());
                assertTrue(failure.contains(" blocked starttls-not-supported: STARTTLS was not offered"), failure);
                assertEquals(0L, beans.getAttribute(new ObjectName(
                        "io.starttls.agent:type=MailConnections,protocol=imap"), "Connections"));
                for (javax.management.MBeanAttributeInfo a : beans.getMBeanInfo(smtp).getAttributes()) {
                    String value = String.valueOf(beans.getAttribute(smtp, a.getName()));
                    for (String secret : Secrets.forms()) {
                        assertFalse(value.contains(secret), a.getName() + " holds a secret");
                    }
                }
            } finally {
                vm.detach();
            }
            RunResult run = sender.exit();
            assertEquals(0, run.exitCode, run::toString);
        }
    }

    private static Long count(List<String> lines, String outcome) {
        return lines.stream().filter(l -> outcome.equals(new RunResult.AuditLine(l).get("outcome"))).count();
    }

    private static Map<String, Object> table(TabularData data) {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (Object row : data.values()) {
            CompositeData entry = (CompositeData) row;
            out.put((String) entry.get("key"), entry.get("value"));
        }
        return out;
    }
}
