package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.SmtpIdiomsClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.RealServers;
import io.starttls.it.support.RecordingRelay;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent against real Postfix (SMTP, submission with AUTH after TLS) and Dovecot (IMAP, POP3),
 * on loopback, through a recording relay: mail sent through Postfix arrives in the Maildir and is
 * read back through Dovecot; the servers' logs show TLS for every session; the wire shows no
 * credentials and no message content. Without the agent, as a control, they show the opposite.
 */
class RealServersTest {
    private static final String USER = "alice@example.test";
    private static RealServers servers;

    @BeforeAll
    static void start() throws Exception {
        servers = RealServers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) {
            servers.stop();
        }
    }

    /** One application: a demo jar (and main class for the library apps) and the server it talks to. */
    record App(String name, String jar, String mainClass, String protocol, String server, boolean tlsAware) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> apps() {
        List<App> apps = new ArrayList<>();
        apps.add(new App("raw SMTP sender", "legacy-smtp-sender", null, "smtp", "submission", false));
        apps.add(new App("raw IMAP reader", "legacy-imap-reader", null, "imap", "imap", false));
        apps.add(new App("raw POP3 reader", "legacy-pop3-reader", null, "pop3", "pop3", false));
        String[][] libraries = {
            {"JavaMail 1.4.7", "javamail-1.4.7", "io.starttls.demo.javamail."},
            {"JavaMail 1.6.2", "javamail-1.6.2", "io.starttls.demo.javamail."},
            {"Angus Mail 2", "angus-mail-apps", "io.starttls.demo.angus."},
            {"Commons Net 3", "commons-net-apps", "io.starttls.demo.commonsnet."},
        };
        for (String[] lib : libraries) {
            for (boolean tlsAware : new boolean[] {false, true}) {
                String config = tlsAware ? " (STARTTLS configured)" : " (legacy)";
                // TLS-aware SMTP goes to port 10025, where no AUTH is needed (Commons Net's SMTPSClient has none).
                apps.add(new App(lib[0] + " SMTP" + config, lib[1], lib[2] + "SmtpSender", "smtp",
                        tlsAware ? "smtp" : "submission", tlsAware));
                apps.add(new App(lib[0] + " IMAP" + config, lib[1], lib[2] + "ImapReader", "imap", "imap", tlsAware));
                apps.add(new App(lib[0] + " POP3" + config, lib[1], lib[2] + "Pop3Reader", "pop3", "pop3", tlsAware));
            }
        }
        List<Arguments> cases = new ArrayList<>();
        for (App app : apps) {
            for (String mode : new String[] {"opportunistic", "enforce"}) {
                cases.add(Arguments.of(app, mode, true));
            }
            // With no port list at all: the library names the socket, or its conversation does.
            for (String mode : new String[] {"monitor", "opportunistic", "enforce"}) {
                cases.add(Arguments.of(app, mode, false));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} listed={2}")
    @MethodSource("apps")
    void everySessionRunsOverTlsAndNothingSecretCrossesInClear(App app, String mode, boolean listed) throws Exception {
        String subject = "real-server test " + UUID.randomUUID();
        long postfixBefore = servers.postfixLog().length();
        long dovecotBefore = servers.dovecotLog().length();
        try (RecordingRelay relay = new RecordingRelay(servers.port(app.server))) {
            RunResult run = run(app, relay.port(), subject)
                    .agent("mode=" + mode + ",truststore=" + servers.get("truststore") + ",truststore-password=changeit"
                            + (listed ? "," + app.protocol + "-ports=" + relay.port() : ""))
                    .run();

            RunResult.AuditLine record = run.onlyRecord();
            assertEquals(listed ? "port-list" : app.mainClass == null ? "conversation" : "library",
                    record.get("found_by"), record::toString);
            if (mode.equals("monitor")) {
                // Reported, not changed: the servers see what they would without the agent.
                assertEquals(app.tlsAware ? "app-managed-tls" : "plaintext-observed", record.get("outcome"),
                        record::toString);
                return;
            }
            assertEquals(0, run.exitCode, run::toString);
            assertEquals(app.tlsAware ? "app-managed-tls" : "upgraded", record.get("outcome"), record::toString);
            assertEquals("TLSv1.3", record.get("tls_version"), record::toString);
            String wire = relay.clientBytes();
            for (String secret : wireSecrets()) {
                assertFalse(wire.contains(secret), "a secret crossed the wire in clear: " + app);
            }
            assertFalse(wire.contains("All 42 jobs completed") || wire.contains(subject), "message content in clear");
            if (app.protocol.equals("smtp")) {
                String log = RealServers.since(servers.postfixLog(), postfixBefore);
                assertTrue(log.contains("TLS connection established from localhost[127.0.0.1]"), log);
                if (app.jar.equals("legacy-smtp-sender")) {
                    assertTrue(servers.delivered(subject, 15_000), "the message reached the Maildir");
                }
            } else {
                String log = RealServers.since(servers.dovecotLog(), dovecotBefore);
                assertTrue(log.contains("Login: user=<" + USER + ">") && log.contains(", TLS, "),
                        "Dovecot logged a TLS login: " + log);
                assertTrue(run.stdout.contains("Subject:"), "the app read a message back: " + run);
            }
        }
    }

    /** posttls-finger's job with our policy: each real server, its verdict, and nothing sent but the probe. */
    @ParameterizedTest(name = "check {0}")
    @org.junit.jupiter.params.provider.CsvSource({"smtp, smtp", "submission, smtp", "imap, imap", "pop3, pop3"})
    void theCheckCommandSeesTheRealServersAsTheAgentWould(String server, String protocol) throws Exception {
        try (RecordingRelay relay = new RecordingRelay(servers.port(server))) {
            io.starttls.testserver.JavaProcess.Result r = io.starttls.testserver.JavaProcess.on(Children.javaHome())
                    .environment("STARTTLS_AGENT_TRUSTSTORE_PASSWORD", "changeit")
                    .jar(Children.agentJar(), "check", "localhost:" + relay.port(), "--protocol", protocol,
                            "truststore=" + servers.get("truststore")).run();

            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("verdict: under mode=enforce,verify=host this destination would be upgraded"),
                    r::toString);
            assertTrue(r.stdout.contains("certificate is Verified"), r::toString);
            assertTrue(r.stdout.contains("STARTTLS: offered, accepted"), r::toString);
            if (server.equals("submission")) {
                // Postfix offers AUTH only inside TLS: the capabilities after TLS show it, before do not.
                String before = r.stdout.substring(0, r.stdout.indexOf("after TLS:"));
                assertFalse(before.contains("AUTH"), r::toString);
                assertTrue(r.stdout.substring(r.stdout.indexOf("after TLS:")).contains("250-AUTH"), r::toString);
            }
            String wire = relay.clientBytes();
            for (String verb : new String[] {"AUTH", "LOGIN", "USER ", "PASS ", "AUTHENTICATE", "MAIL FROM", "RCPT",
                "DATA"}) {
                assertFalse(wire.contains(verb), () -> verb + " crossed in clear: " + wire);
            }
            assertFalse(wire.contains(Secrets.REAL_PASSWORD));
        }
    }

    @Test
    void repeatedSessionsResumeTlsWherePostfixIssuesTickets() throws Exception {
        long postfixBefore = servers.postfixLog().length();
        RunResult run = AgentRun.testClient(SmtpIdiomsClient.class, "three-in-a-row", String.valueOf(servers.port("smtp")))
                .agent("mode=enforce,truststore=" + servers.get("truststore") + ",truststore-password=changeit,smtp-ports="
                        + servers.port("smtp"))
                .run();

        assertEquals(0, run.exitCode, run::toString);
        assertEquals(3, run.audit.size(), run::toString);
        String log = RealServers.since(servers.postfixLog(), postfixBefore);
        assertEquals(3, count(log, "TLS connection established from localhost[127.0.0.1]"), log);
        long resumedByPostfix = count(log, "Reusing old session");
        assertTrue(resumedByPostfix >= 1, "Postfix resumed at least one session: " + log);
        assertEquals("false", new RunResult.AuditLine(run.audit.get(0)).get("tls_resumed"), run::toString);
        long resumedInAudit = run.audit.stream().filter(line -> line.contains("\"tls_resumed\":true")).count();
        assertEquals(resumedByPostfix, resumedInAudit, "the audit says what Postfix did: " + run);
    }

    private static long count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1L;
    }

    @Test
    void controlWithoutTheAgentTheWireAndTheLogsShowTheSecrets() throws Exception {
        long dovecotBefore = servers.dovecotLog().length();
        try (RecordingRelay relay = new RecordingRelay(servers.port("imap"))) {
            RunResult run = AgentRun.app("legacy-imap-reader", "--host", "localhost", "--port",
                    String.valueOf(relay.port()), "--user", USER, "--password", Secrets.REAL_PASSWORD).run();
            assertEquals(0, run.exitCode, run::toString);
            assertTrue(relay.clientBytes().contains(Secrets.REAL_PASSWORD), "the control must be able to fail");
            String log = RealServers.since(servers.dovecotLog(), dovecotBefore);
            assertTrue(log.contains("Login: user=<" + USER + ">") && !log.contains(", TLS, "), log);
        }
        long postfixBefore = servers.postfixLog().length();
        String subject = "control " + UUID.randomUUID();
        try (RecordingRelay relay = new RecordingRelay(servers.port("smtp"))) {
            RunResult run = AgentRun.app("legacy-smtp-sender", "--host", "localhost", "--port",
                    String.valueOf(relay.port()), "--to", USER, "--subject", subject).run();
            assertEquals(0, run.exitCode, run::toString);
            assertTrue(relay.clientBytes().contains(subject), "the message crossed in clear");
            assertFalse(RealServers.since(servers.postfixLog(), postfixBefore).contains("TLS connection established"));
            assertTrue(servers.delivered(subject, 15_000));
        }
    }

    private static AgentRun run(App app, int port, String subject) {
        String[] args = {"--host", "localhost", "--port", String.valueOf(port), "--user", USER, "--password",
            Secrets.REAL_PASSWORD, "--to", USER, "--subject", subject, "--starttls", app.tlsAware ? "enable" : "off"};
        AgentRun run = app.mainClass == null ? AgentRun.app(app.jar, args)
                : AgentRun.testClient(Children.demoJar(app.jar).getAbsolutePath(), app.mainClass, args);
        return run.jvmOption("-Djavax.net.ssl.trustStore=" + servers.get("truststore"))
                .jvmOption("-Djavax.net.ssl.trustStorePassword=changeit");
    }

    private static List<String> wireSecrets() {
        Base64.Encoder b64 = Base64.getEncoder();
        return List.of(Secrets.REAL_PASSWORD,
                b64.encodeToString(Secrets.REAL_PASSWORD.getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(("\0" + USER + "\0" + Secrets.REAL_PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
}
