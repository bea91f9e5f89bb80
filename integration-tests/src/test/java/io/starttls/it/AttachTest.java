package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.ChannelFirstApp;
import io.starttls.it.clients.LoopingSender;
import io.starttls.it.clients.MultiDestinationSender;
import io.starttls.it.clients.SocketBreakingAgent;
import io.starttls.it.clients.SocketFirstAgent;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.OtherAgents;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.TestTrust;
import io.starttls.testserver.JavaProcess;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second way in, where java.net.Socket is loaded before the agent: {@code attach PID} into a
 * legacy sender that runs on, and an agent listed before this one that opens a socket in its
 * premain. In both, every mail connection made afterwards is guarded as with the usual
 * -javaagent; what was open before is reported and left alone.
 */
class AttachTest {
    private static TestCertificates certificates;
    private static TestTrust trust;
    private static File socketFirstAgent;

    @BeforeAll
    static void setUp() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, AttachTest.class);
        socketFirstAgent = OtherAgents.jar("attach-socket-first-agent.jar", SocketFirstAgent.class);
    }

    @Test
    void attachedMidRunEveryLaterSessionIsUpgradedOrBlockedAndTheOpenOneIsLeftAlone() throws Exception {
        try (ScriptedMailServer good = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
             ScriptedMailServer hidden = new ScriptedMailServer(ServerScript.smtp()
                     .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            Path control = controlDir("attach");
            Path audit = control.resolve("audit.jsonl");
            Background sender = new Background(AgentRun.testClient(LoopingSender.class, control.toString(),
                    "127.0.0.1:" + good.port(), "127.0.0.1:" + hidden.port()).jvmOptions(quietDynamicAgents()),
                    control);
            String pid = sender.pid();
            awaitSessions(good, 3); // the long-lived one and two sent in clear, before the attach
            awaitSessions(hidden, 2);

            String arguments = "mode=enforce,verify=ca," + trust.agentArguments() + ",smtp-ports=" + good.port() + ":"
                    + hidden.port() + ",audit-log=" + audit;
            JavaProcess.Result attached = attach(pid, arguments);
            int goodAtAttach = good.sessions().size();
            int hiddenAtAttach = hidden.sessions().size();

            assertEquals(0, attached.exitCode, attached::toString);
            assertTrue(attached.stdout.startsWith("starttls-agent attached to process " + pid + ": mode=enforce"),
                    attached::toString);
            assertTrue(attached.stdout.contains("to mail ports, still in clear: 127.0.0.1:" + good.port() + " (smtp)"),
                    "the connection open before is reported: " + attached);
            assertFalse(attached.stdout.contains("note:"), "no dynamic-agent note where it is allowed: " + attached);
            assertEquals("", attached.stderr, attached::toString);

            // Sessions that start after the attach returned: one may have been under way at that moment.
            awaitSessions(good, goodAtAttach + 4);
            awaitSessions(hidden, hiddenAtAttach + 4);
            for (int i = goodAtAttach + 1; i < goodAtAttach + 4; i++) {
                RecordedSession s = good.finishedSession(i, 10, TimeUnit.SECONDS);
                assertTrue(s.tlsText().contains("confidential figures"), "upgraded after the attach: " + s);
                assertFalse(s.clearText().contains("AUTH"), "no credentials in clear after the attach: " + s);
            }
            for (int i = hiddenAtAttach + 1; i < hiddenAtAttach + 4; i++) {
                RecordedSession s = hidden.finishedSession(i, 10, TimeUnit.SECONDS);
                assertFalse(s.clearText().contains("AUTH"), "blocked after the attach: " + s);
                assertFalse(s.clearText().contains("confidential"), "blocked after the attach: " + s);
            }
            for (int i = 1; i < 2; i++) {
                assertTrue(hidden.finishedSession(i, 10, TimeUnit.SECONDS).clearText().contains("AUTH"),
                        "before the attach the sender went in clear (the test would prove nothing otherwise)");
            }

            // A second attach, even with other settings, changes nothing.
            JavaProcess.Result again = attach(pid, "mode=monitor,smtp-ports=" + hidden.port());
            assertEquals(0, again.exitCode, again::toString);
            assertTrue(again.stdout.contains("starttls-agent is already in process " + pid + ", with "),
                    again::toString);
            assertTrue(again.stdout.contains("nothing was changed"), again::toString);
            int hiddenAfterSecond = hidden.sessions().size();
            awaitSessions(hidden, hiddenAfterSecond + 2);
            RecordedSession stillBlocked = hidden.finishedSession(hiddenAfterSecond + 1, 10, TimeUnit.SECONDS);
            assertFalse(stillBlocked.clearText().contains("AUTH"), "still enforced: " + stillBlocked);

            // Asking for enforce where other settings are in force is no success: exit status 4.
            JavaProcess.Result otherEnforce = attach(pid, "mode=enforce,verify=none,smtp-ports=" + hidden.port());
            assertEquals(4, otherEnforce.exitCode, otherEnforce::toString);
            assertTrue(otherEnforce.stderr.contains("were NOT applied"), otherEnforce::toString);

            // The connection that was open before the attach is left alone: it ends as it began, in clear.
            Files.createFile(control.resolve("finish-open"));
            RecordedSession longLived = good.finishedSession(0, 20, TimeUnit.SECONDS);
            assertTrue(longLived.clearText().contains("sent on the connection opened before"), longLived::toString);

            RunResult run = sender.exit();
            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("OPEN-SESSION SENT"), run::toString);
            assertTrue(run.stderr.startsWith("starttls-agent ") && run.stderr.contains(" attached: mode=enforce"),
                    run::toString);
            assertEquals(1, run.stderr.split(" attached: ", -1).length - 1, "one start line: " + run);
            assertFalse(run.stderr.contains("attached again"), "the second attach did not even load: " + run);
            assertFalse(run.stderr.contains("WARNING: A Java agent has been loaded dynamically"), run::toString);
            assertFalse(run.stderr.contains("\tat "), "no stack trace: " + run);
            List<String> records = Files.readAllLines(audit, StandardCharsets.UTF_8);
            assertFalse(records.isEmpty());
            for (String r : records) {
                assertTrue(r.contains("\"outcome\":\"upgraded\"") || r.contains("\"outcome\":\"blocked\""), r);
                assertFalse(r.contains("\"port\":" + good.port()) && r.contains("blocked"), r);
            }
        }
    }

    @Test
    void anAgentListedFirstThatOpensASocketLeavesEveryMailConnectionGuarded() throws Exception {
        try (ScriptedMailServer good = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
             ScriptedMailServer hidden = new ScriptedMailServer(ServerScript.smtp()
                     .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "127.0.0.1:" + good.port(),
                    "127.0.0.1:" + hidden.port()).jvmOption("-javaagent:" + socketFirstAgent.getAbsolutePath())
                    .agent("mode=enforce,verify=ca," + trust.agentArguments() + ",smtp-ports=" + good.port() + ":"
                            + hidden.port()).run();

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("SENT 127.0.0.1:" + good.port()), run::toString);
            assertTrue(run.stdout.contains("FAILED 127.0.0.1:" + hidden.port()), run::toString);
            assertTrue(good.finishedSession(0, 10, TimeUnit.SECONDS).tlsText().contains("confidential figures"));
            RecordedSession blocked = hidden.finishedSession(0, 10, TimeUnit.SECONDS);
            assertFalse(blocked.clearText().contains("AUTH"), blocked::toString);
            assertTrue(run.stderr.contains("java.net.Socket was already loaded (by an agent listed before this one), "
                    + "so it is guarded by retransformation; no TCP connection was open before"), run::toString);
            assertEquals(2, run.audit.size(), run::toString);
            assertTrue(run.audit.get(0).contains("\"outcome\":\"upgraded\""), run::toString);
            assertTrue(run.audit.get(1).contains("\"outcome\":\"blocked\""), run::toString);
        }
    }

    @Test
    void whenTheGuardCannotGoInTheAttachSaysSoLoudlyAndTheJvmRunsOn() throws Exception {
        File breaking = OtherAgents.jar("attach-socket-breaking-agent.jar", SocketBreakingAgent.class,
                SocketBreakingAgent.class.getName() + "$1");
        try (ScriptedMailServer hidden = new ScriptedMailServer(ServerScript.smtp()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            Path control = controlDir("refused");
            Background sender = new Background(AgentRun.testClient(LoopingSender.class, control.toString(),
                    "127.0.0.1:" + hidden.port()).jvmOption("-javaagent:" + breaking.getAbsolutePath())
                    .jvmOptions(quietDynamicAgents()), control);
            String pid = sender.pid();
            JavaProcess.Result refused = attach(pid, "mode=enforce,verify=none,smtp-ports=" + hidden.port());
            Files.createFile(control.resolve("finish-open"));
            RunResult run = sender.exit();

            assertEquals(4, refused.exitCode, refused::toString);
            assertEquals(1, refused.stderr.lines().count(), refused::toString);
            assertTrue(refused.stderr.startsWith("starttls-agent: process " + pid + " loaded the agent, which refused: "
                    + "cannot guard sockets, mail connections are NOT protected (mode=enforce could not take effect): "),
                    refused::toString);
            assertTrue(run.stderr.contains("starttls-agent: attach refused: cannot guard sockets, mail connections are "
                    + "NOT protected"), "the JVM's own log says it too: " + run);
            assertFalse(run.stderr.contains("\tat "), run::toString);
            assertEquals(0, run.exitCode, "the running JVM is not stopped: " + run);
        }
    }

    @Test
    void attachedWhereSocketWasNotLoadedYetAChannelUsedBeforeIsStillRefusedUnderEnforce() throws Exception {
        try (ScriptedMailServer good = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            Path control = controlDir("channel-first");
            Background app = new Background(AgentRun.testClient(ChannelFirstApp.class, control.toString(),
                    String.valueOf(good.port())).jvmOptions(quietDynamicAgents()), control);
            String pid = app.pid();
            JavaProcess.Result attached = attach(pid, "mode=enforce,verify=ca," + trust.agentArguments()
                    + ",smtp-ports=" + good.port());
            Files.createFile(control.resolve("go"));
            RunResult run = app.exit();

            assertEquals(0, attached.exitCode, attached::toString);
            assertTrue(attached.stdout.startsWith("starttls-agent attached to process " + pid + ": mode=enforce"),
                    attached::toString);
            assertTrue(run.stdout.contains("SENT 127.0.0.1:" + good.port()), run::toString);
            assertTrue(good.finishedSession(0, 10, TimeUnit.SECONDS).tlsText().contains("confidential figures"));
            assertTrue(run.stdout.contains("RESULT: failed") && run.stdout.contains("nio-not-guarded"), run::toString);
            assertEquals(75, run.exitCode, run::toString);
            assertEquals(1, good.sessions().size(), "the channel never reached the server: " + good.sessions());
        }
    }

    @Test
    void withoutAPidTheLocalJvmsAreListedAndNothingIsAttached() throws Exception {
        Path control = controlDir("list");
        ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
        Background sender = new Background(AgentRun.testClient(LoopingSender.class, control.toString(),
                "127.0.0.1:" + server.port()).jvmOptions(quietDynamicAgents()), control);
        String pid = sender.pid();
        JavaProcess.Result list = cli("attach");

        assertEquals(0, list.exitCode, list::toString);
        assertTrue(list.stdout.lines().anyMatch(l -> l.trim().startsWith(pid + " ")
                && l.contains(LoopingSender.class.getName())), list::toString);
        assertFalse(list.stdout.contains("127.0.0.1:"), "the arguments of a JVM are not shown: " + list);
        RunResult run = sender.exit();
        server.close();
        assertFalse(run.stderr.contains("starttls-agent"), "nothing was attached: " + run);
    }

    @Test
    void theKnownObstaclesGetALineThatSaysWhatToDo() throws Exception {
        JavaProcess.Result notANumber = cli("attach", "my-app");
        assertEquals(2, notANumber.exitCode, notANumber::toString);
        assertTrue(notANumber.stderr.startsWith("starttls-agent: 'my-app' is not a process id"), notANumber::toString);

        JavaProcess.Result gone = cli("attach", "999999999");
        assertEquals(3, gone.exitCode, gone::toString);
        assertTrue(gone.stderr.startsWith("starttls-agent: no process 999999999 is running here"), gone::toString);

        Path control = controlDir("disabled");
        ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
        Background disabled = new Background(AgentRun.testClient(LoopingSender.class, control.toString(),
                "127.0.0.1:" + server.port()).jvmOption("-XX:+DisableAttachMechanism"), control);
        String pid = disabled.pid();
        JavaProcess.Result refused = attach(pid, "mode=enforce");
        JavaProcess.Result badArguments = attach(pid, "mode=enforced");
        disabled.exit();
        server.close();

        assertEquals(3, refused.exitCode, refused::toString);
        assertEquals(1, refused.stderr.lines().count(), refused::toString);
        assertTrue(refused.stderr.contains("was started with -XX:+DisableAttachMechanism, so nothing can attach to it: "
                + "restart it without that option, or with -javaagent:starttls-agent.jar"), refused::toString);
        assertEquals(2, badArguments.exitCode, badArguments::toString);
        assertTrue(badArguments.stderr.contains("mode=enforced") && badArguments.stderr.contains("nothing was attached"),
                badArguments::toString);
        assertFalse(badArguments.stderr.contains("\tat "), badArguments::toString);
    }

    @Test
    void onJava21AndLaterTheDynamicAgentWarningIsExplained() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Children.featureVersion() >= 21, "Java 21+ warns");
        try (ScriptedMailServer good = new ScriptedMailServer(ServerScript.smtp().build(), certificates)) {
            Path control = controlDir("warning");
            Background sender = new Background(AgentRun.testClient(LoopingSender.class, control.toString(),
                    "127.0.0.1:" + good.port()), control);
            String pid = sender.pid();
            JavaProcess.Result attached = attach(pid, "mode=enforce,verify=ca," + trust.agentArguments()
                    + ",smtp-ports=" + good.port());
            int atAttach = good.sessions().size();
            awaitSessions(good, atAttach + 2);
            Files.createFile(control.resolve("finish-open"));
            RunResult run = sender.exit();

            assertEquals(0, attached.exitCode, attached::toString);
            assertTrue(attached.stdout.startsWith("note: process " + pid + " runs Java "), attached::toString);
            assertTrue(attached.stdout.contains("-XX:+EnableDynamicAgentLoading"), attached::toString);
            assertTrue(run.stderr.contains("WARNING: A Java agent has been loaded dynamically"), run::toString);
            assertTrue(good.finishedSession(atAttach + 1, 10, TimeUnit.SECONDS).tlsText()
                    .contains("confidential figures"));
        }
    }

    private static List<String> quietDynamicAgents() {
        return Children.featureVersion() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
    }

    private static JavaProcess.Result attach(String pid, String arguments) throws Exception {
        return cli("attach", pid, arguments);
    }

    private static JavaProcess.Result cli(String... args) throws Exception {
        return JavaProcess.on(Children.javaHome()).timeoutSeconds(60).jar(Children.agentJar(), args).run();
    }

    private static void awaitSessions(ScriptedMailServer server, int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.sessions().size() < n) {
            assertTrue(System.nanoTime() < end, "waited in vain for session " + n + " at port " + server.port());
            Thread.sleep(20);
        }
    }

    private static Path controlDir(String name) throws Exception {
        Path dir = new File(Children.runsDir(), name + "-" + Children.label() + "-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()).toPath();
        Files.createDirectories(dir);
        return dir;
    }

    /** A child JVM running in the background; the test attaches to it and says when it exits. */
    private static final class Background {
        final Path control;
        final CompletableFuture<RunResult> run;

        Background(AgentRun agentRun, Path control) {
            this.control = control;
            this.run = CompletableFuture.supplyAsync(() -> {
                try {
                    return agentRun.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        String pid() throws Exception {
            Path pid = control.resolve("pid");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(pid)) {
                if (run.isDone()) {
                    throw new AssertionError("the sender ended before it started: " + run.get());
                }
                assertTrue(System.nanoTime() < end, "waited in vain for the sender's pid");
                Thread.sleep(20);
            }
            return Files.readString(pid).trim();
        }

        RunResult exit() throws Exception {
            if (!Files.exists(control.resolve("exit"))) {
                Files.createFile(control.resolve("exit"));
            }
            return run.get(90, TimeUnit.SECONDS);
        }
    }
}
