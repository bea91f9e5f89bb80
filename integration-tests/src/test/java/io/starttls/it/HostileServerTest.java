package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.SmtpIdiomsClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.ServerScript.Hostile;
import io.starttls.testserver.TestCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of hostile and broken servers ("Why TLS is better without STARTTLS", USENIX
 * Security 2021): each behaviour, for each protocol it applies to, against the legacy demo app,
 * under enforce and opportunistic. Asserted: what the server received in clear, what the
 * application got, the audit record, and that the agent gave up within its timeout.
 */
class HostileServerTest {
    private static final String TIMEOUT = "timeout=2s";
    private static TestCertificates certificates;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
    }

    /** One behaviour, and what each mode must make of it. */
    enum Behaviour {
        STARTTLS_STRIPPED(b -> b.startTls(ServerScript.StartTls.HIDE), "starttls-not-supported", true),
        ODD_CAPABILITY_LIST(b -> b.hostile(Hostile.ODD_CAPABILITIES), null, false),
        STARTTLS_PERMANENT_ERROR(b -> b.hostile(Hostile.STARTTLS_ERROR), "starttls-refused", true),
        STARTTLS_TEMPORARY_ERROR(b -> b.startTls(ServerScript.StartTls.REFUSE), "starttls-refused", true),
        STARTTLS_SYNTAX_ERROR(b -> b.hostile(Hostile.STARTTLS_SYNTAX_ERROR), "starttls-refused", true),
        STARTTLS_UNTAGGED_REPLY(b -> b.hostile(Hostile.STARTTLS_UNTAGGED), "negotiation-timeout", true),
        STARTTLS_WRONG_TAG(b -> b.hostile(Hostile.STARTTLS_WRONG_TAG), "protocol-violation", true),
        CLOSED_AFTER_STARTTLS(b -> b.hostile(Hostile.CLOSE_AFTER_STARTTLS), "connection-closed", true),
        INJECTION_SAME_PACKET(b -> b.injectAfterStartTls("250 injected\r\n* OK injected\r\n"),
                "starttls-injection", false),
        INJECTION_LATER_PACKET(b -> b.hostile(Hostile.INJECT_LATER_PACKET), "starttls-injection", false),
        SECOND_GREETING(b -> b.hostile(Hostile.SECOND_GREETING), "protocol-violation", false),
        REPLY_BEFORE_COMMAND(b -> b.hostile(Hostile.REPLY_BEFORE_COMMAND), "protocol-violation", false),
        HUGE_LINE(b -> b.hostile(Hostile.LONG_LINE), "line-too-long", false),
        ENDLESS_GREETING(b -> b.hostile(Hostile.ENDLESS_GREETING), "negotiation-timeout|protocol-violation", false),
        DRIPPING_SERVER(b -> b.hostile(Hostile.DRIP), "negotiation-timeout", false),
        SILENT_SERVER(b -> b.hostile(Hostile.SILENT), "negotiation-timeout", false),
        ONLY_OLD_TLS(b -> b.tlsProtocols("TLSv1.1", "TLSv1"), "tls-handshake-failed", true),
        PREAUTH_GREETING(b -> b.preauthGreeting(), "preauth-greeting", true);

        final UnaryOperator<ServerScript.Builder> script;
        /** The reason in the audit record; null: the session is upgraded. */
        final String reason;
        /** True when opportunistic goes on in clear (on this connection or a new one); false: it must abort. */
        final boolean clearPossible;

        Behaviour(UnaryOperator<ServerScript.Builder> script, String reason, boolean clearPossible) {
            this.script = script;
            this.reason = reason;
            this.clearPossible = clearPossible;
        }

        boolean appliesTo(LegacyApp app) {
            switch (this) {
                case STARTTLS_UNTAGGED_REPLY:
                case STARTTLS_WRONG_TAG:
                case PREAUTH_GREETING:
                    return app == LegacyApp.IMAP;
                default:
                    return true;
            }
        }
    }

    static Stream<Arguments> catalogue() {
        List<Arguments> cases = new ArrayList<>();
        for (Behaviour behaviour : Behaviour.values()) {
            for (LegacyApp app : LegacyApp.values()) {
                if (behaviour.appliesTo(app)) {
                    cases.add(Arguments.of(behaviour, app, "enforce"));
                    cases.add(Arguments.of(behaviour, app, "opportunistic"));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("catalogue")
    void noDowngradeNoInjectionNoHangNoLeak(Behaviour behaviour, LegacyApp app, String mode) throws Exception {
        check(behaviour, app, mode, true);
    }

    /**
     * The same catalogue on a port nobody listed: the session is found by its conversation and gets
     * the same protections. Left out: a server that never finishes its greeting, which the
     * application waits for with its own timeout, and a PREAUTH greeting, on which the legacy IMAP
     * reader gives up by itself (without a command of the application's there is nothing to
     * recognise, and nothing of it is sent). A server that sends more than its greeting before the
     * first command is blocked as on a listed port, but the application has read those bytes
     * already and acts on them: its exit status is its own.
     */
    @ParameterizedTest(name = "{0} {1} {2} unlisted port")
    @MethodSource("catalogueOnUnlistedPorts")
    void theSameOnPortsNobodyListed(Behaviour behaviour, LegacyApp app, String mode) throws Exception {
        check(behaviour, app, mode, false);
    }

    static Stream<Arguments> catalogueOnUnlistedPorts() {
        Set<Behaviour> greetingNeverEnds = Set.of(Behaviour.SILENT_SERVER, Behaviour.DRIPPING_SERVER,
                Behaviour.ENDLESS_GREETING, Behaviour.PREAUTH_GREETING);
        return catalogue().filter(a -> !greetingNeverEnds.contains((Behaviour) a.get()[0]));
    }

    private static void check(Behaviour behaviour, LegacyApp app, String mode, boolean listed) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(behaviour.script.apply(app.server()).build(),
                certificates)) {
            long start = System.nanoTime();
            RunResult run = app.run(server.port()).agent("mode=" + mode + ",verify=none," + TIMEOUT
                    + (listed ? "," + app.watch(server.port()) : "")).run();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            RecordedSession session = server.finishedSession(0, 30, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();

            assertTrue(seconds < 15, "the agent gave up within its timeout, not the app's 60 s: " + seconds + " s");
            assertEquals(listed ? "port-list" : "conversation", record.get("found_by"), record::toString);
            String reason = !listed && behaviour == Behaviour.HUGE_LINE ? "reply-too-long" : behaviour.reason;
            if (reason == null) {
                assertEquals(0, run.exitCode, run::toString);
                assertEquals("upgraded", record.get("outcome"));
                assertEquals("TLSv1.3", session.tlsProtocol());
                return;
            }
            assertTrue(Set.of(reason.split("\\|")).contains(record.get("reason")), record::toString);
            assertNull(record.get("tls_version"), "no TLS is claimed that was not established");
            if (mode.equals("opportunistic") && behaviour.clearPossible) {
                assertEquals("plaintext-fallback", record.get("outcome"), record::toString);
                assertTrue(run.stdout.startsWith("S: "), "the application got the server's greeting: " + run);
                assertFalse(run.stdout.contains("starttls-agent blocked"), run::toString);
                return;
            }
            assertEquals("blocked", record.get("outcome"), record::toString);
            boolean appReadMoreThanTheGreeting = !listed && (behaviour == Behaviour.SECOND_GREETING
                    || behaviour == Behaviour.REPLY_BEFORE_COMMAND);
            if (!appReadMoreThanTheGreeting) {
                assertEquals(75, run.exitCode, run::toString);
                assertTrue(run.stdout.contains(app.blockReply + "starttls-agent blocked the session to localhost:"
                        + server.port()), run::toString);
            }
            assertFalse(app.credentialsInClear(session), "credentials in clear: " + session);
            assertFalse(session.clearText().contains(app.password()));
            assertTrue(session.messages().isEmpty());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fastBehaviours")
    void monitorNeverClaimsTls(Behaviour behaviour) throws Exception {
        LegacyApp app = LegacyApp.SMTP;
        try (ScriptedMailServer server = new ScriptedMailServer(behaviour.script.apply(app.server()).build(),
                certificates)) {
            RunResult run = app.run(server.port()).agent("mode=monitor," + app.watch(server.port())).run();
            RunResult.AuditLine record = run.onlyRecord();
            assertNotEquals("upgraded", record.get("outcome"));
            assertNull(record.get("tls_version"));
        }
    }

    static Stream<Behaviour> fastBehaviours() {
        return Stream.of(Behaviour.STARTTLS_STRIPPED, Behaviour.STARTTLS_PERMANENT_ERROR,
                Behaviour.INJECTION_SAME_PACKET, Behaviour.SECOND_GREETING, Behaviour.HUGE_LINE);
    }

    @Test
    void theApplicationsOwnShorterTimeoutWins() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp().hostile(Hostile.SILENT).build(),
                certificates)) {
            long start = System.nanoTime();
            RunResult run = AgentRun.testClient(SmtpIdiomsClient.class, "new-socket", String.valueOf(server.port()),
                    "1000").agent("mode=enforce,smtp-ports=" + server.port()).run();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertNotEquals(0, run.exitCode);
            assertEquals("negotiation-timeout", run.onlyRecord().get("reason"));
            assertTrue(run.onlyRecord().get("detail").contains("within 1000 ms"), run::toString);
            assertTrue(millis < 10_000, "took " + millis + " ms");
        }
    }

    @Test
    void aServerThatEchoesCredentialsCannotPutThemInTheAudit() throws Exception {
        for (LegacyApp app : LegacyApp.values()) {
            try (ScriptedMailServer server = new ScriptedMailServer(app.server().hostile(Hostile.ECHO_SECRETS).build(),
                    certificates)) {
                // AgentRun checks every run's agent output for the secrets; the app itself prints the echo.
                RunResult run = app.run(server.port()).agent(app.watch(server.port())).run();
                assertEquals("plaintext-fallback", run.onlyRecord().get("outcome"), run::toString);
                assertTrue(run.stdout.contains(app.password()) || app == LegacyApp.SMTP,
                        "the server did echo the secret to the application: " + run.stdout);
            }
        }
    }
}
