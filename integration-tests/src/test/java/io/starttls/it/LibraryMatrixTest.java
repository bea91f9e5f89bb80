package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.starttls.testserver.TestCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real mail libraries: library x protocol x configuration (legacy, STARTTLS enabled, STARTTLS
 * required) x server (offers STARTTLS, hides it) x mode. Legacy configurations are upgraded by the
 * agent; TLS-aware ones keep working, are reported as app-managed, and under enforce cannot send
 * credentials or mail in clear.
 */
class LibraryMatrixTest {
    private static TestCertificates certificates;
    private static TestTrust trust;

    enum Library {
        JAVAMAIL_1_4_7("javamail-1.4.7", "io.starttls.demo.javamail."),
        JAVAMAIL_1_6_2("javamail-1.6.2", "io.starttls.demo.javamail."),
        ANGUS_MAIL_2("angus-mail-apps", "io.starttls.demo.angus."),
        COMMONS_NET_3("commons-net-apps", "io.starttls.demo.commonsnet.");

        final String jar;
        final String mainPackage;

        Library(String jar, String mainPackage) {
            this.jar = jar;
            this.mainPackage = mainPackage;
        }
    }

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, LibraryMatrixTest.class);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Library library : Library.values()) {
            for (LegacyApp protocol : LegacyApp.values()) {
                for (String startTls : new String[] {"off", "enable", "required"}) {
                    for (boolean offers : new boolean[] {true, false}) {
                        for (String mode : new String[] {"opportunistic", "enforce"}) {
                            cases.add(Arguments.of(library, protocol, startTls, offers, mode));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} starttls={2} offers={3} {4}")
    @MethodSource("matrix")
    void libraries(Library library, LegacyApp protocol, String startTls, boolean offers, String mode) throws Exception {
        ServerScript.Builder script = protocol.server();
        if (!offers) {
            script.startTls(ServerScript.StartTls.HIDE);
        }
        try (ScriptedMailServer server = new ScriptedMailServer(script.build(), certificates)) {
            RunResult run = run(library, protocol, startTls, server.port(), mode);
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();
            boolean tlsAware = !startTls.equals("off");

            assertFalse(protocol.credentialsInClear(session) && (offers || mode.equals("enforce")),
                    "credentials in clear: " + session);
            if (offers) {
                assertEquals(0, run.exitCode, run::toString);
                assertEquals("TLSv1.3", session.tlsProtocol(), session::toString);
                assertEquals(tlsAware ? "app-managed-tls" : "upgraded", record.get("outcome"), record::toString);
                assertEquals("TLSv1.3", record.get("tls_version"), record::toString);
                assertTrue(record.get("cipher").startsWith("TLS_AES_"), record::toString);
                if (!tlsAware) {
                    assertEquals(protocol.agentClearCommands, session.clearCommands(), "the agent's STARTTLS");
                }
                return;
            }
            if (startTls.equals("required")) {
                // The library refuses by itself, exactly as without the agent; nothing sensitive left.
                assertEquals(1, run.exitCode, run::toString);
                assertNull(record.get("tls_version"));
                assertEquals("false", record.get("credentials_in_clear"), record::toString);
                assertEquals("false", record.get("mail_in_clear"), record::toString);
                return;
            }
            if (mode.equals("opportunistic")) {
                assertEquals(0, run.exitCode, run::toString);
                assertEquals("plaintext-fallback", record.get("outcome"), record::toString);
                assertEquals(tlsAware ? "app-did-not-start-tls" : "starttls-not-supported", record.get("reason"));
                return;
            }
            // JavaMail's POP3 store drops the text of a refused greeting ("Connect failed"), so there
            // the application cannot tell that the -ERR [SYS/TEMP] it got was temporary.
            boolean greetingTextLost = protocol == LegacyApp.POP3 && library != Library.COMMONS_NET_3
                    && run.stdout.contains("Connect failed");
            assertTrue(run.exitCode == 75 || greetingTextLost, run::toString);
            assertEquals("blocked", record.get("outcome"), record::toString);
            assertEquals(tlsAware ? "cleartext-refused" : "starttls-not-supported", record.get("reason"));
            assertTrue(session.messages().isEmpty());
            assertFalse(session.clearText().contains(protocol.password()));
        }
    }

    static Stream<Arguments> libraryAndProtocol() {
        List<Arguments> cases = new ArrayList<>();
        for (Library library : Library.values()) {
            for (LegacyApp protocol : LegacyApp.values()) {
                cases.add(Arguments.of(library, protocol));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} implicit TLS")
    @MethodSource("libraryAndProtocol")
    void implicitTlsIsLeftAlone(Library library, LegacyApp protocol) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(protocol.server().implicitTls().build(), certificates)) {
            // Even listed as a STARTTLS port under enforce, an SSLSocket is never guarded.
            RunResult run = run(library, protocol, "implicit", server.port(), "enforce");
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode, run::toString);
            assertEquals("TLSv1.3", session.tlsProtocol());
            assertTrue(session.clearCommands().isEmpty(), session::toString);
            // An SSLSocket made directly is never seen; one layered over a plain socket (as JavaMail
            // and Commons Net do) is recognised by its first bytes and only watched.
            if (!run.audit.isEmpty()) {
                RunResult.AuditLine record = run.onlyRecord();
                assertEquals("app-managed-tls", record.get("outcome"), record::toString);
                assertEquals("TLSv1.3", record.get("tls_version"), record::toString);
            }
        }
    }

    private static RunResult run(Library library, LegacyApp protocol, String startTls, int port, String mode)
            throws Exception {
        String main = library.mainPackage + (protocol == LegacyApp.SMTP ? "SmtpSender"
                : protocol == LegacyApp.IMAP ? "ImapReader" : "Pop3Reader");
        String user = protocol == LegacyApp.SMTP ? Secrets.SMTP_USER : Mailbox.USER;
        return trust.applyTo(AgentRun.testClient(Children.demoJar(library.jar).getAbsolutePath(), main, "--host",
                        "localhost", "--port", String.valueOf(port), "--user", user, "--password", protocol.password(),
                        "--starttls", startTls))
                .agent("mode=" + mode + "," + trust.agentArguments() + "," + protocol.watch(port))
                .run();
    }
}
