package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.JavaMailSettingsClient;
import io.starttls.it.clients.NioSmtpClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.Secrets;
import io.starttls.it.support.TestTrust;
import io.starttls.it.support.TunnelProxy;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The paths around the socket streams: JavaMail through its SOCKS and HTTP proxy settings (the
 * policy applies to the mail session inside the tunnel), and java.nio SocketChannels, which the
 * agent cannot upgrade: reported in every mode, refused under enforce, never silently in clear.
 */
class NioAndProxiesTest {
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, NioAndProxiesTest.class);
    }

    @org.junit.jupiter.api.Test
    void aRuleIsNeverMatchedAgainstAReverseDnsName() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            java.io.File dir = io.starttls.it.support.Children.runsDir();
            java.io.File hosts = new java.io.File(dir, "hosts-" + ProcessHandle.current().pid());
            java.nio.file.Files.writeString(hosts.toPath(), "127.0.0.1 relay.example.test\n");
            java.io.File policy = new java.io.File(dir, "ptr-policy-" + ProcessHandle.current().pid());
            java.nio.file.Files.writeString(policy.toPath(), "relay.example.test off\n");
            RunResult run = AgentRun.testClient(io.starttls.it.clients.NioSmtpClient.class,
                            String.valueOf(server.port()), "reverse-dns-first")
                    .jvmOption("-Djdk.net.hosts.file=" + hosts)
                    .agent("mode=enforce,smtp-ports=" + server.port() + ",policy-file=" + policy).run();

            assertTrue(run.stdout.contains("PTR: relay.example.test"), "the address carries the PTR name: " + run);
            assertEquals(75, run.exitCode, "the off rule of the PTR name must not apply: " + run);
            assertEquals("127.0.0.1", run.onlyRecord().get("host"), run::toString);
            assertEquals("nio-not-guarded", run.onlyRecord().get("reason"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SOCKS5", "HTTP_CONNECT"})
    void theTunnelsDestinationDecidesNotAnOffRuleForTheProxy(TunnelProxy.Kind kind) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates);
             TunnelProxy proxy = new TunnelProxy(kind, server.port())) {
            java.io.File policy = new java.io.File(io.starttls.it.support.Children.runsDir(),
                    "proxy-policy-" + ProcessHandle.current().pid() + "-" + kind);
            java.nio.file.Files.writeString(policy.toPath(), "*:" + proxy.port() + "  off  # the proxy itself\n");
            String setting = kind == TunnelProxy.Kind.SOCKS5 ? "mail.smtp.socks" : "mail.smtp.proxy";
            RunResult run = trust.applyTo(AgentRun.testClient(JavaMailSettingsClient.class, String.valueOf(server.port()),
                            Secrets.SMTP_USER, Secrets.SMTP_PASSWORD, setting + ".host=127.0.0.1",
                            setting + ".port=" + proxy.port()))
                    .agent("mode=enforce,policy-file=" + policy + "," + trust.agentArguments()).run();

            assertEquals(75, run.exitCode, run::toString);
            assertEquals("blocked", run.onlyRecord().get("outcome"), run::toString);
            assertEquals("global", run.onlyRecord().get("policy_rule"), "the mail destination's policy, not the proxy's");
            String tunnelled = proxy.tunnelledBytes();
            assertFalse(tunnelled.contains(Secrets.SMTP_PASSWORD) || tunnelled.contains(base64Plain())
                    || tunnelled.contains("AUTH"), "the proxy's off rule let the session through: " + tunnelled);
        }
    }

    @ParameterizedTest(name = "{0} {1} offers={2}")
    @CsvSource({"SOCKS5,enforce,true", "SOCKS5,opportunistic,true", "SOCKS5,enforce,false",
        "HTTP_CONNECT,enforce,true", "HTTP_CONNECT,opportunistic,true", "HTTP_CONNECT,enforce,false"})
    void javaMailThroughAProxyGetsThePolicyInsideTheTunnel(TunnelProxy.Kind kind, String mode, boolean offers)
            throws Exception {
        ServerScript.Builder script = LegacyApp.SMTP.server();
        if (!offers) {
            script.startTls(ServerScript.StartTls.HIDE);
        }
        try (ScriptedMailServer server = new ScriptedMailServer(script.build(), certificates);
             TunnelProxy proxy = new TunnelProxy(kind, server.port())) {
            String setting = kind == TunnelProxy.Kind.SOCKS5 ? "mail.smtp.socks" : "mail.smtp.proxy";
            RunResult run = trust.applyTo(AgentRun.testClient(JavaMailSettingsClient.class, String.valueOf(server.port()),
                            Secrets.SMTP_USER, Secrets.SMTP_PASSWORD, setting + ".host=127.0.0.1",
                            setting + ".port=" + proxy.port()))
                    .agent("mode=" + mode + "," + trust.agentArguments()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();

            assertTrue(proxy.requested().endsWith(":" + server.port()), "the client went through the proxy");
            assertEquals("library", record.get("found_by"), record::toString);
            assertEquals("localhost", record.get("host"), "the record names the destination, not the proxy");
            assertEquals(String.valueOf(server.port()), record.get("port"), record::toString);
            String tunnelled = proxy.tunnelledBytes();
            assertFalse(tunnelled.contains(Secrets.SMTP_PASSWORD) || tunnelled.contains(base64Plain())
                    || tunnelled.contains("All 42 jobs"), "a secret crossed the tunnel in clear: " + tunnelled);
            if (offers) {
                assertEquals(0, run.exitCode, run::toString);
                assertEquals("upgraded", record.get("outcome"), record::toString);
                assertEquals("TLSv1.3", session.tlsProtocol(), session::toString);
                assertEquals(LegacyApp.SMTP.agentClearCommands, session.clearCommands(), session::toString);
            } else {
                assertEquals(75, run.exitCode, run::toString);
                assertEquals("blocked", record.get("outcome"), record::toString);
                assertTrue(session.messages().isEmpty(), session::toString);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"enforce", "opportunistic", "monitor"})
    void aSocketChannelToAMailPortIsReportedAndUnderEnforceRefused(String mode) throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server().build(), certificates)) {
            RunResult run = AgentRun.testClient(NioSmtpClient.class, String.valueOf(server.port()))
                    .agent("mode=" + mode + ",smtp-ports=" + server.port()).run();
            RunResult.AuditLine record = run.onlyRecord();

            assertEquals("nio-not-guarded", record.get("reason"), record::toString);
            assertEquals("port-list", record.get("found_by"), record::toString);
            if (mode.equals("enforce")) {
                assertEquals(75, run.exitCode, run::toString);
                assertEquals("blocked", record.get("outcome"), record::toString);
                assertTrue(run.stdout.contains("starttls-agent refused the smtp connection to 127.0.0.1:"
                        + server.port()), run::toString);
                assertFalse(run.stdout.contains("EHLO") || run.stdout.contains("S: 220"), "never connected: " + run);
            } else {
                assertEquals(0, run.exitCode, run::toString);
                assertEquals("plaintext-observed", record.get("outcome"), record::toString);
            }
        }
    }

    @Test
    void aSocketChannelThatJavaMailOpenedOnAnUnlistedPortIsRefusedUnderEnforce() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(LegacyApp.SMTP.server().build(), certificates)) {
            RunResult run = trust.applyTo(AgentRun.testClient(JavaMailSettingsClient.class, String.valueOf(server.port()),
                            Secrets.SMTP_USER, Secrets.SMTP_PASSWORD, "mail.smtp.usesocketchannels=true"))
                    .agent("mode=enforce," + trust.agentArguments()).run();
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);
            RunResult.AuditLine record = run.onlyRecord();

            assertEquals(75, run.exitCode, run::toString);
            assertTrue(run.stdout.contains("starttls-agent refused"), run::toString);
            assertEquals("blocked", record.get("outcome"), record::toString);
            assertEquals("nio-not-guarded", record.get("reason"), record::toString);
            assertEquals("library", record.get("found_by"), record::toString);
            assertTrue(session.clearCommands().isEmpty(), "nothing of the application's was sent: " + session);
        }
    }

    private static String base64Plain() {
        return Base64.getEncoder().encodeToString(("\0" + Secrets.SMTP_USER + "\0" + Secrets.SMTP_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }
}
