package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.EnforceProbeClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.Secrets;
import io.starttls.it.support.TestTrust;
import io.starttls.testserver.Mailbox;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.ServerScript.Hostile;
import io.starttls.testserver.TestCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ways a server (or anyone on the path), a second thread or the application's own oddities
 * could make enforce fail open or hang, each against the shipped agent in a child JVM. Asserted:
 * what the server received in clear, what the application got, the audit record, the time taken.
 */
class EnforceGuaranteeTest {
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, EnforceGuaranteeTest.class);
    }

    private static AgentRun probe(String... args) {
        return AgentRun.testClient(EnforceProbeClient.class, args);
    }

    private static ScriptedMailServer server(ServerScript.Builder script) throws Exception {
        return new ScriptedMailServer(script.build(), certificates);
    }

    /** The application's credentials in what the server received in clear, in any protocol's form. */
    private static boolean credentialsIn(LegacyApp app, String clearText) {
        return clearText.contains(app.password()) || clearText.contains("AUTH PLAIN")
                || clearText.contains(" LOGIN ") || clearText.contains("USER " + Mailbox.USER);
    }

    static Stream<Arguments> goodbyes() {
        List<Arguments> cases = new ArrayList<>();
        for (Hostile behaviour : new Hostile[] {Hostile.GOODBYE_GREETING, Hostile.HALF_CLOSE_BEFORE_GREETING,
            Hostile.HALF_CLOSE_IN_GREETING}) {
            for (LegacyApp app : LegacyApp.values()) {
                for (String order : new String[] {"write-first", "read-first"}) {
                    for (String mode : new String[] {"enforce", "opportunistic"}) {
                        cases.add(Arguments.of(behaviour, app, order, mode));
                    }
                }
            }
        }
        return cases.stream();
    }

    /** Critical: a goodbye or a half-close was taken as licence to let the session go on in clear. */
    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("goodbyes")
    void aGoodbyeOrAHalfCloseNeverLetsCredentialsOutUnderEnforce(Hostile behaviour, LegacyApp app, String order,
                                                                 String mode) throws Exception {
        try (ScriptedMailServer server = server(app.server().hostile(behaviour))) {
            RunResult run = probe("careless", app.word(), String.valueOf(server.port()), order)
                    .agent("mode=" + mode + ",verify=none,timeout=5s," + app.watch(server.port())).run();
            RecordedSession session = server.finishedSession(0, 20, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();
            boolean credentialsCrossed = credentialsIn(app, session.clearText());

            assertEquals(0, run.exitCode, run::toString);
            assertNull(record.get("tls_version"), record::toString);
            if (mode.equals("enforce")) {
                assertFalse(credentialsCrossed, "credentials reached the server in clear: " + session.clearText());
                assertFalse(session.clearText().contains("MAIL FROM"), session.clearText());
                assertTrue(Set.of("blocked", "server-closed").contains(record.get("outcome")), record::toString);
                assertEquals("false", record.get("credentials_in_clear"), record::toString);
            } else {
                // Opportunistic lets it go, as it would without the agent, but the record says so.
                assertEquals(String.valueOf(credentialsCrossed), record.get("credentials_in_clear"),
                        "the record tells what crossed: " + record + " / " + session.clearText());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"enforce", "opportunistic"})
    void closeFromAnotherThreadReturnsAtOnceAndEndsTheNegotiation(String mode) throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().hostile(Hostile.SILENT))) {
            long start = System.nanoTime();
            RunResult run = probe("close-while-negotiating", String.valueOf(server.port()))
                    .agent("mode=" + mode + ",verify=none,timeout=20s,smtp-ports=" + server.port())
                    .timeoutSeconds(40).run();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

            assertEquals(0, run.exitCode, run::toString);
            long closeMillis = Long.parseLong(run.stdout.replaceAll("(?s).*CLOSE RETURNED AFTER MS (\\d+).*", "$1"));
            assertTrue(closeMillis < 2000, "close() waited for the negotiation: " + run);
            assertTrue(run.stdout.contains("READER exception SocketException"), run::toString);
            assertTrue(seconds < 15, "the JVM exited at once, not after the 20 s timeout: " + seconds + " s");
            assertEquals("app-closed", run.onlyRecord().get("reason"), run::toString);
            assertEquals("blocked", run.onlyRecord().get("outcome"));
        }
    }

    @Test
    void aWriterHoldingTheSocketsMonitorNeitherDeadlocksNorDelaysExit() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().hostile(Hostile.SILENT))) {
            long start = System.nanoTime();
            RunResult run = probe("write-under-socket-lock", String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,timeout=2s,smtp-ports=" + server.port()).timeoutSeconds(40).run();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("WRITER RETURNED"), run::toString);
            assertTrue(run.stdout.contains("EXITING"), run::toString);
            assertTrue(seconds < 15, seconds + " s");
            assertEquals("negotiation-timeout", run.onlyRecord().get("reason"), run::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"enforce", "opportunistic"})
    void clearTextAfterTheApplicationsFailedHandshakeIsRefusedOrReported(String mode) throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().listensAfterFailedHandshake())) {
            String port = String.valueOf(server.port());
            // The application does not trust the test CA: its own handshake fails.
            RunResult run = probe("tls-fails-then-clear", port)
                    .agent("mode=" + mode + ",verify=none,smtp-ports=" + port + ",app-managed=*@" + port).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();

            assertTrue(run.stdout.contains("HANDSHAKE FAILED"), run::toString);
            assertNull(record.get("tls_version"), "no TLS claimed for a handshake that failed: " + record);
            if (mode.equals("enforce")) {
                assertFalse(credentialsIn(LegacyApp.SMTP, session.clearText()), session.clearText());
                assertFalse(session.clearText().contains("MAIL FROM"), session.clearText());
                assertEquals("blocked", record.get("outcome"), record::toString);
                assertEquals("cleartext-refused", record.get("reason"), record::toString);
            } else {
                assertTrue(credentialsIn(LegacyApp.SMTP, session.clearText()), session.clearText());
                assertEquals("true", record.get("credentials_in_clear"), record::toString);
                assertEquals("true", record.get("mail_in_clear"), record::toString);
                assertEquals("tls-handshake-failed", record.get("reason"), record::toString);
            }
        }
    }

    static Stream<Arguments> tlsAwareLibraries() {
        return Stream.of(Arguments.of("javamail-1.6.2", "io.starttls.demo.javamail.SmtpSender"),
                Arguments.of("javamail-1.4.7", "io.starttls.demo.javamail.SmtpSender"),
                Arguments.of("commons-net-apps", "io.starttls.demo.commonsnet.SmtpSender"));
    }

    /** A TLS-aware library must be held to the same certificate and version policy as a legacy client. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tlsAwareLibraries")
    void aTlsAwareLibraryIsHeldToTheAgentsPolicy(String jar, String main) throws Exception {
        String[][] cases = {
            {"WRONG_NAME", null, "certificate-host-mismatch"},
            {"GOOD", "TLSv1.2", "tls-handshake-failed"},
        };
        for (String[] c : cases) {
            ServerScript.Builder script = ServerScript.smtp().certificate(TestCertificates.Kind.valueOf(c[0]));
            if (c[1] != null) {
                script.tlsProtocols(c[1]);
            }
            try (ScriptedMailServer server = server(script)) {
                RunResult run = trust.applyTo(AgentRun.testClient(Children.demoJar(jar).getAbsolutePath(), main,
                                "--host", "localhost", "--port", String.valueOf(server.port()), "--user",
                                Secrets.SMTP_USER, "--password", Secrets.SMTP_PASSWORD, "--starttls", "enable"))
                        .agent("mode=enforce,min-tls=TLSv1.3," + trust.agentArguments() + ",smtp-ports=" + server.port())
                        .run();
                RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
                RunResult.AuditLine record = run.onlyRecord();

                assertEquals("blocked", record.get("outcome"), () -> c[0] + " " + record + "\n" + run);
                assertEquals(c[2], record.get("reason"), record::toString);
                assertNull(session.authenticatedUser(), "the library authenticated: " + session);
                assertTrue(session.messages().isEmpty(), session::toString);
                assertTrue(session.tlsCommands().isEmpty(), "nothing of the application's inside its TLS: " + session);
            }
        }
    }

    @Test
    void aMailSocketOpenedByCodeThatALogLineRunsIsGuardedToo() throws Exception {
        try (ScriptedMailServer main = server(ServerScript.smtp().startTls(ServerScript.StartTls.HIDE));
             ScriptedMailServer alert = server(ServerScript.smtp())) {
            RunResult run = probe("alert-mail-from-stderr", String.valueOf(main.port()), String.valueOf(alert.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + main.port() + ":" + alert.port()).run();
            RecordedSession alertSession = alert.finishedSession(0, 10, TimeUnit.SECONDS);

            assertTrue(run.stdout.contains("ALERT SENT"), run::toString);
            assertEquals(List.of("EHLO [127.0.0.1]", "STARTTLS"), alertSession.clearCommands(), "only the agent's");
            assertEquals("TLSv1.3", alertSession.tlsProtocol());
            assertFalse(alertSession.clearText().contains(Secrets.SMTP_USER + "\0"));
            assertEquals(2, run.audit.size(), run::toString);
        }
    }

    @Test
    void theWholeNegotiationHandshakeIncludedIsBoundByOneDeadline() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().hostile(Hostile.DRIP_HANDSHAKE))) {
            long start = System.nanoTime();
            RunResult run = LegacyApp.SMTP.run(server.port())
                    .agent("mode=enforce,verify=none,timeout=1s,smtp-ports=" + server.port()).run();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals("negotiation-timeout", run.onlyRecord().get("reason"), run::toString);
            assertTrue(millis < 6000, "a dripping handshake held the application for " + millis + " ms");
            assertEquals(75, run.exitCode, run::toString);
        }
    }

    @Test
    void aReverseDnsNameNeverSatisfiesVerifyHost() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp()
                .certificate(TestCertificates.Kind.LOCALHOST_NAME_ONLY))) {
            String agent = "mode=enforce," + trust.agentArguments() + ",smtp-ports=" + server.port();
            RunResult literal = probe("literal-address-after-reverse-lookup", String.valueOf(server.port()))
                    .agent(agent).run();
            assertTrue(literal.stdout.contains("PTR localhost"), literal::toString);
            assertEquals("certificate-host-mismatch", literal.onlyRecord().get("reason"), literal::toString);
            assertEquals("127.0.0.1", literal.onlyRecord().get("host"));
            assertTrue(literal.onlyRecord().get("detail").endsWith("not for 127.0.0.1"), literal::toString);

            // The control: the same certificate, the name asked for by the application.
            RunResult byName = LegacyApp.SMTP.run(server.port()).agent(agent).run();
            assertEquals("upgraded", byName.onlyRecord().get("outcome"), byName::toString);
        }
    }

    @Test
    void certificateTextCannotForgeALogLine() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().certificate(TestCertificates.Kind.FORGED_NAME))) {
            RunResult run = LegacyApp.SMTP.run(server.port())
                    .agent("mode=enforce," + trust.agentArguments() + ",smtp-ports=" + server.port()).run();

            assertEquals("certificate-host-mismatch", run.onlyRecord().get("reason"), run::toString);
            assertTrue(run.stderr.contains(TestCertificates.FORGED_LOG_LINE), "the name is reported: " + run);
            for (String line : (run.stderr + run.stdout).split("\n")) {
                if (line.contains(TestCertificates.FORGED_LOG_LINE)) {
                    assertTrue(line.contains("TLS is required") || line.startsWith("S: 421 4.7.0")
                            || line.startsWith("RESULT"), "a line of its own: " + line);
                }
            }
        }
    }

    @Test
    void plainReflectionCannotSwitchTheGuardOff() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().startTls(ServerScript.StartTls.HIDE))) {
            RunResult run = probe("tamper-with-the-hook", String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + server.port()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertTrue(run.stdout.contains("TAMPER getField FAILED NoSuchFieldException"), run::toString);
            if (Boolean.getBoolean("it.second-way")) {
                // Socket has no field of the agent's; the hook class's field is static final.
                assertTrue(run.stdout.contains("TAMPER boot-hook FAILED IllegalAccessException"), run::toString);
            } else {
                assertTrue(run.stdout.contains("TAMPER setAccessible FAILED InaccessibleObjectException"),
                        run::toString);
                assertTrue(run.stdout.contains("TAMPER boot-hook FAILED ClassNotFoundException"), run::toString);
            }
            assertFalse(run.stdout.contains("SUCCEEDED"), run::toString);
            assertEquals("blocked", run.onlyRecord().get("outcome"), run::toString);
            assertFalse(LegacyApp.SMTP.credentialsInClear(session), session::toString);
        }
    }

    @Test
    void aMailSocketOpenedInAShutdownHookIsGuarded() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp())) {
            RunResult run = probe("mail-from-shutdown-hook", String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + server.port()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("SENT"), run::toString);
            assertEquals("upgraded", run.onlyRecord().get("outcome"), run::toString);
            assertEquals(List.of("EHLO [127.0.0.1]", "STARTTLS"), session.clearCommands());
        }
    }

    @Test
    void theReconnectInClearKeepsTheApplicationsLocalAddress() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().hostile(Hostile.CLOSE_AFTER_STARTTLS))) {
            RunResult run = probe("from-local-address", String.valueOf(server.port()), "127.0.0.2")
                    .agent("mode=opportunistic,smtp-ports=" + server.port()).run();
            RecordedSession first = server.finishedSession(0, 10, TimeUnit.SECONDS);
            RecordedSession second = server.finishedSession(1, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertEquals("plaintext-fallback", run.onlyRecord().get("outcome"), run::toString);
            assertEquals("127.0.0.2", first.clientAddress());
            assertEquals("127.0.0.2", second.clientAddress(), "the new connection comes from the same address");
            assertEquals(1, second.messages().size());
        }
    }

    @Test
    void aTimeoutTheApplicationSetsWhileTheNegotiationRunsIsKept() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().hostile(Hostile.SLOW_GREETING))) {
            RunResult run = probe("timeout-set-while-negotiating", String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + server.port()).run();
            assertTrue(run.stdout.contains("TIMEOUT 4321"), run::toString);
            assertEquals("upgraded", run.onlyRecord().get("outcome"), run::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"enforce", "opportunistic", "monitor"})
    void urgentDataCannotCrossBesideTheGuard(String mode) throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp())) {
            RunResult run = probe("urgent-data", String.valueOf(server.port()))
                    .agent("mode=" + mode + ",verify=none,smtp-ports=" + server.port()).run();
            if (mode.equals("monitor")) {
                assertTrue(run.stdout.contains("URGENT SENT"), run::toString);
            } else {
                assertTrue(run.stdout.contains("URGENT REFUSED starttls-agent: urgent data"), run::toString);
            }
        }
    }

    @Test
    void noErrorAboutTheArgumentsEchoesASecret() throws Exception {
        String secret = Mailbox.PASSWORD; // swept for in every log by AgentRun, too
        for (String arguments : new String[] {"mode=enforce,,truststore-password=" + secret,
            "trustore-password=" + secret, "mode=enforce,truststore-password=a," + secret,
            "mode=enforce," + secret + "=x"}) {
            RunResult run = AgentRun.testClient(io.starttls.it.clients.HelloWorld.class).agent(arguments).noAuditLog()
                    .run();
            assertEquals(2, run.exitCode, run::toString);
            assertFalse(run.stderr.contains(secret), run::toString);
            assertEquals(1, run.stderr.strip().split("\n").length, run::toString);
        }
    }

    @Test
    void closeReturnsAtOnceWhileAWriteIsBlockedInsideTheAgentsTls() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().hostile(Hostile.STALL_AFTER_TLS))) {
            RunResult run = probe("close-while-a-write-blocks", String.valueOf(server.port()))
                    .agent("mode=enforce,verify=none,smtp-ports=" + server.port()).timeoutSeconds(40).run();
            long closeMillis = Long.parseLong(run.stdout.replaceAll("(?s).*CLOSE RETURNED AFTER MS (\\d+).*", "$1"));
            assertTrue(closeMillis < 2000, "close() waited for a blocked write: " + run);
            assertEquals("upgraded", run.onlyRecord().get("outcome"), run::toString);
        }
    }

    @Test
    void everyGuardedConnectionGetsItsRecordEvenDroppedOrUnused() throws Exception {
        try (ScriptedMailServer server = server(ServerScript.smtp().startTls(ServerScript.StartTls.HIDE))) {
            RunResult dropped = probe("drop-without-close", String.valueOf(server.port()))
                    .agent("mode=opportunistic,smtp-ports=" + server.port()).run();
            assertTrue(dropped.stdout.contains("DROPPED"), dropped::toString);
            assertEquals("plaintext-fallback", dropped.onlyRecord().get("outcome"), dropped::toString);
            assertEquals("true", dropped.onlyRecord().get("mail_in_clear"), dropped::toString);

            RunResult unused = probe("close-without-io", String.valueOf(server.port()))
                    .agent("mode=enforce,smtp-ports=" + server.port()).run();
            assertEquals("app-closed", unused.onlyRecord().get("reason"), unused::toString);
        }
    }
}
