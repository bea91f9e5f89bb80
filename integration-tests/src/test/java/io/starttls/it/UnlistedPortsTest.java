package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.LibraryMatrixTest.Library;
import io.starttls.it.clients.OtherProtocolClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.OtherProtocolServer;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.Secrets;
import io.starttls.it.support.TestTrust;
import io.starttls.testserver.Mailbox;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mail on ports that nobody listed, with no port list at all: the test server's port is random.
 * Hand-written clients are found by their conversation, the mail libraries by what they say when
 * they open the socket; both get the policy of a listed port. Other protocols, an FTP server that
 * greets like an SMTP server among them, get exactly the bytes they would without the agent.
 */
class UnlistedPortsTest {
    private static final String[] MODES = {"monitor", "opportunistic", "enforce"};
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, UnlistedPortsTest.class);
    }

    static Stream<Arguments> legacyApps() {
        List<Arguments> cases = new ArrayList<>();
        for (LegacyApp app : LegacyApp.values()) {
            for (String mode : MODES) {
                for (boolean offers : new boolean[] {true, false}) {
                    cases.add(Arguments.of(app, mode, offers));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} offers={2}")
    @MethodSource("legacyApps")
    void handWrittenClientsAreFoundByTheirConversation(LegacyApp app, String mode, boolean offers) throws Exception {
        ServerScript.Builder script = app.server();
        if (!offers) {
            script.startTls(ServerScript.StartTls.HIDE);
        }
        try (ScriptedMailServer server = new ScriptedMailServer(script.build(), certificates)) {
            RunResult run = trust.applyTo(app.run(server.port()))
                    .agent("mode=" + mode + "," + trust.agentArguments()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();

            assertEquals("conversation", record.get("found_by"), record::toString);
            assertEquals(app.word(), record.get("protocol"), record::toString);
            String entry = app.watch(0).split("=")[0] + "=" + defaultPorts(app) + ":" + server.port();
            assertTrue(run.stderr.contains(entry + " makes it explicit"), "the line proposes " + entry + ": " + run);
            expectPolicy(app, mode, offers, run, session, record);
            if (offers && !mode.equals("monitor")) {
                // The agent's STARTTLS exchange, then the application's own first command inside TLS.
                assertEquals(app.agentClearCommands, session.clearCommands(), session::toString);
            }
        }
    }

    /** A library demo app as a legacy application (no STARTTLS switch set) on {@code port}. */
    private static AgentRun legacyRun(Library library, LegacyApp protocol, int port) {
        String main = library.mainPackage + (protocol == LegacyApp.SMTP ? "SmtpSender"
                : protocol == LegacyApp.IMAP ? "ImapReader" : "Pop3Reader");
        String user = protocol == LegacyApp.SMTP ? Secrets.SMTP_USER : Mailbox.USER;
        return AgentRun.testClient(Children.demoJar(library.jar).getAbsolutePath(), main, "--host", "localhost",
                "--port", String.valueOf(port), "--user", user, "--password", protocol.password(), "--starttls", "off");
    }

    static Stream<Arguments> libraries() {
        List<Arguments> cases = new ArrayList<>();
        for (Library library : Library.values()) {
            for (LegacyApp protocol : LegacyApp.values()) {
                for (String mode : MODES) {
                    cases.add(Arguments.of(library, protocol, mode, true));
                }
                cases.add(Arguments.of(library, protocol, "enforce", false));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} offers={3}")
    @MethodSource("libraries")
    void mailLibrariesAreGuardedOnAnyPort(Library library, LegacyApp protocol, String mode, boolean offers)
            throws Exception {
        ServerScript.Builder script = protocol.server();
        if (!offers) {
            script.startTls(ServerScript.StartTls.HIDE);
        }
        try (ScriptedMailServer server = new ScriptedMailServer(script.build(), certificates)) {
            RunResult run = trust.applyTo(legacyRun(library, protocol, server.port()))
                    .agent("mode=" + mode + "," + trust.agentArguments()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();

            assertEquals("library", record.get("found_by"), record::toString);
            assertEquals(protocol.word(), record.get("protocol"), record::toString);
            // The application's class, not the library's socket factory.
            assertTrue(record.get("app_class").startsWith("io.starttls.demo."), record::toString);
            expectPolicy(protocol, mode, offers, run, session, record);
        }
    }

    /** What each mode makes of a session, wherever it was found. */
    private static void expectPolicy(LegacyApp app, String mode, boolean offers, RunResult run,
                                     RecordedSession session, RunResult.AuditLine record) {
        if (mode.equals("monitor")) {
            // Reported, not changed: the session goes as it would without the agent (the test IMAP
            // server, for one, refuses LOGIN before TLS).
            assertEquals("plaintext-observed", record.get("outcome"), record::toString);
            assertEquals(null, session.tlsProtocol(), session::toString);
            return;
        }
        if (offers) {
            assertEquals(0, run.exitCode, run::toString);
            assertEquals("upgraded", record.get("outcome"), record::toString);
            assertEquals("TLSv1.3", session.tlsProtocol(), session::toString);
            assertFalse(app.credentialsInClear(session), "credentials in clear: " + session);
            assertTrue(run.stdout.contains(app.success) || app == LegacyApp.SMTP, run::toString);
            return;
        }
        if (mode.equals("opportunistic")) {
            assertEquals(0, run.exitCode, run::toString);
            assertEquals("plaintext-fallback", record.get("outcome"), record::toString);
            assertEquals("starttls-not-supported", record.get("reason"), record::toString);
            return;
        }
        assertEquals("blocked", record.get("outcome"), record::toString);
        assertEquals("starttls-not-supported", record.get("reason"), record::toString);
        assertFalse(app.credentialsInClear(session), "credentials in clear: " + session);
        assertFalse(session.clearText().contains(app.password()), session::toString);
        assertTrue(session.messages().isEmpty(), session::toString);
    }

    @Test
    void withConversationOffOnlyListedPortsAndLibrariesAreGuarded() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server().build(), certificates)) {
            RunResult run = trust.applyTo(LegacyApp.SMTP.run(server.port()))
                    .agent("mode=enforce,conversation=off," + trust.agentArguments()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.audit.isEmpty(), run::toString);
            assertTrue(LegacyApp.SMTP.credentialsInClear(session), "the switch is real: the session went in clear");
        }
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.IMAP.server().build(), certificates)) {
            RunResult run = trust.applyTo(legacyRun(Library.JAVAMAIL_1_6_2, LegacyApp.IMAP, server.port()))
                    .agent("mode=enforce,conversation=off," + trust.agentArguments()).run();
            assertEquals(0, run.exitCode, run::toString);
            assertEquals("library", run.onlyRecord().get("found_by"), run::toString);
            assertEquals("upgraded", run.onlyRecord().get("outcome"), run::toString);
        }
    }

    /** A client whose first command is STARTTLS runs its own TLS: the agent watches it, as with a rule. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"opportunistic", "enforce"})
    void aClientThatStartsTlsAsItsFirstCommandIsWatched(String mode) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.IMAP.server().build(), certificates)) {
            RunResult run = trust.applyTo(AgentRun.testClient(io.starttls.it.clients.HandWrittenImapStartTlsClient.class,
                            String.valueOf(server.port()), Mailbox.USER, Mailbox.PASSWORD))
                    .agent("mode=" + mode + "," + trust.agentArguments()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            assertEquals(0, run.exitCode, run::toString);
            assertEquals(List.of("a1 STARTTLS"), session.clearCommands(), session::toString);
            assertEquals("app-managed-tls", run.onlyRecord().get("outcome"), run::toString);
            assertEquals("conversation", run.onlyRecord().get("found_by"), run::toString);
        }
    }

    static Stream<Arguments> otherProtocols() {
        return Stream.of(
                Arguments.of(OtherProtocolServer.Kind.FTP, "ftp-commons-net"),
                Arguments.of(OtherProtocolServer.Kind.FTP, "ftp-by-hand"),
                Arguments.of(OtherProtocolServer.Kind.SSH, "ssh"),
                Arguments.of(OtherProtocolServer.Kind.HTTP, "http"),
                Arguments.of(OtherProtocolServer.Kind.HTTP, "token-then-exit"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("otherProtocols")
    void otherProtocolsGetTheirBytesAsWithoutTheAgent(OtherProtocolServer.Kind kind, String client) throws Exception {
        try (OtherProtocolServer server = new OtherProtocolServer(kind)) {
            RunResult without = AgentRun.testClient(OtherProtocolClient.class, client, String.valueOf(server.port()))
                    .run();
            assertEquals(0, without.exitCode, without::toString);
            assertTrue(without.stdout.endsWith("done\n"), without::toString);
            List<RunResult> runs = new ArrayList<>();
            for (String mode : MODES) {
                runs.add(AgentRun.testClient(OtherProtocolClient.class, client, String.valueOf(server.port()))
                        .agent("mode=" + mode).run());
            }
            List<String> received = server.received(1 + MODES.length, 10);
            assertEquals(1 + MODES.length, received.size(), received::toString);
            assertFalse(received.get(0).isEmpty(), "the client sent something");
            for (int i = 0; i < MODES.length; i++) {
                RunResult run = runs.get(i);
                assertEquals(without.exitCode, run.exitCode, run::toString);
                assertEquals(without.stdout, run.stdout, MODES[i] + ": what the client got");
                assertEquals(received.get(0), received.get(i + 1), MODES[i] + ": the bytes the server received");
                assertTrue(run.audit.isEmpty(), "no mail record: " + run);
                assertEquals("", run.stderrBesidesStartLine(), "nothing logged: " + run);
            }
        }
    }

    private static String defaultPorts(LegacyApp app) {
        return app == LegacyApp.SMTP ? "25:587:2525" : app == LegacyApp.IMAP ? "143" : "110";
    }
}
