package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.HelloWorld;
import io.starttls.it.clients.MultiDestinationSender;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.Children;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.Secrets;
import io.starttls.it.support.TestTrust;
import io.starttls.testserver.JavaProcess;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rolling the policy out destination by destination: a policy file with rules per destination in
 * one JVM, pins, mode=testing, the settings from every source, the config command, and the trust
 * store's password kept off the command line.
 */
class RolloutTest {
    private static final String STORE_PASSWORD = new String(TestCertificates.PASSWORD);
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, RolloutTest.class);
    }

    private static File policyFile(String... lines) throws Exception {
        File f = new File(Children.runsDir(), "policy-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.writeString(f.toPath(), String.join("\n", lines) + "\n");
        return f;
    }

    private static ScriptedMailServer smtp(ServerScript.Builder script) throws Exception {
        return new ScriptedMailServer(script.build(), certificates);
    }

    private static RunResult.AuditLine recordFor(RunResult run, int port) {
        List<RunResult.AuditLine> records = run.audit.stream().map(RunResult.AuditLine::new)
                .filter(r -> String.valueOf(port).equals(r.get("port"))).collect(Collectors.toList());
        assertEquals(1, records.size(), () -> "one record for port " + port + ": " + run);
        return records.get(0);
    }

    private static void assertNoStorePassword(RunResult run) {
        assertFalse(run.stderr.contains(STORE_PASSWORD), () -> "the trust store password was printed: " + run);
        assertFalse(run.stdout.contains(STORE_PASSWORD), () -> "the trust store password was printed: " + run);
        run.audit.forEach(line -> assertFalse(line.contains(STORE_PASSWORD), line));
    }

    @Test
    void eachDestinationGetsItsOwnRuleInOneJvm() throws Exception {
        try (ScriptedMailServer relay = smtp(ServerScript.smtp());
             ScriptedMailServer stripped = smtp(ServerScript.smtp().startTls(ServerScript.StartTls.HIDE));
             ScriptedMailServer fax = smtp(ServerScript.smtp());
             ScriptedMailServer monitored = smtp(ServerScript.smtp())) {
            File policy = policyFile(
                    "# destination        mode      overrides",
                    "localhost:" + relay.port() + "  enforce  verify=host " + trust.agentArguments().replace(",", " "),
                    "localhost:" + stripped.port() + "  enforce",
                    "127.0.0.1:" + fax.port() + "  off",
                    "*:" + monitored.port() + "  monitor");
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + relay.port(),
                    "localhost:" + stripped.port(), "127.0.0.1:" + fax.port(), "localhost:" + monitored.port())
                    .agent("mode=opportunistic,policy-file=" + policy).run();

            assertEquals(0, run.exitCode, run::toString);
            // Enforced and verified: the application's session went inside TLS.
            assertTrue(run.stdout.contains("SENT localhost:" + relay.port()), run::toString);
            RecordedSession upgraded = relay.finishedSession(0, 10, TimeUnit.SECONDS);
            assertEquals(List.of("EHLO [127.0.0.1]", "STARTTLS"), upgraded.clearCommands());
            assertTrue(upgraded.tlsText().contains("confidential figures"));
            RunResult.AuditLine r1 = recordFor(run, relay.port());
            assertEquals("upgraded", r1.get("outcome"));
            assertEquals("verified", r1.get("trust"));
            assertEquals("enforce", r1.get("mode"));
            assertEquals(policy.getPath() + " line 2", r1.get("policy_rule"));
            // Enforced, STARTTLS stripped: blocked, nothing of the application's sent.
            assertTrue(run.stdout.matches("(?s).*FAILED localhost:" + stripped.port() + ": expected 2[25]0, got 421 4\\.7\\.0 .*"),
                    run::toString);
            RecordedSession blocked = stripped.finishedSession(0, 10, TimeUnit.SECONDS);
            assertFalse(blocked.clearText().contains("AUTH"), blocked::toString);
            RunResult.AuditLine r2 = recordFor(run, stripped.port());
            assertEquals("blocked", r2.get("outcome"));
            assertEquals("starttls-not-supported", r2.get("reason"));
            assertEquals(policy.getPath() + " line 3", r2.get("policy_rule"));
            // Off: untouched, byte for byte the application's own session, and no record.
            assertTrue(run.stdout.contains("SENT 127.0.0.1:" + fax.port()), run::toString);
            RecordedSession untouched = fax.finishedSession(0, 10, TimeUnit.SECONDS);
            assertEquals("EHLO multi.example.test", untouched.clearCommands().get(0), untouched::toString);
            assertFalse(untouched.clearCommands().contains("STARTTLS"));
            assertTrue(run.audit.stream().noneMatch(l -> l.contains("\"port\":" + fax.port() + ",")), run::toString);
            // Monitored: in clear, reported with what crossed.
            assertTrue(run.stdout.contains("SENT localhost:" + monitored.port()), run::toString);
            RunResult.AuditLine r4 = recordFor(run, monitored.port());
            assertEquals("plaintext-observed", r4.get("outcome"));
            assertEquals("true", r4.get("credentials_in_clear"));
            assertEquals(policy.getPath() + " line 5", r4.get("policy_rule"));
            assertEquals(3, run.audit.size(), run::toString);
            assertTrue(run.stderr.contains("(policy: " + policy.getPath() + " line 3)"), run::toString);
        }
    }

    private static String pin(String kind, byte[] encoded) throws Exception {
        return kind + ":" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(encoded));
    }

    @Test
    void aPinReplacesCaTrust() throws Exception {
        TestCertificates.Kind selfSigned = TestCertificates.Kind.SELF_SIGNED;
        try (ScriptedMailServer pinned = smtp(ServerScript.smtp().certificate(selfSigned));
             ScriptedMailServer byKey = smtp(ServerScript.smtp().certificate(selfSigned));
             ScriptedMailServer other = smtp(ServerScript.smtp())) {
            String certPin = pin("cert-sha256", certificates.certificate(selfSigned).getEncoded());
            String keyPin = pin("key-sha256", certificates.certificate(selfSigned).getPublicKey().getEncoded());
            File policy = policyFile(
                    "*:" + pinned.port() + " enforce pin=" + certPin,
                    "*:" + byKey.port() + " enforce pin=" + keyPin,
                    "*:" + other.port() + " enforce pin=" + certPin + " # the relay's certificate is another one");
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + pinned.port(),
                    "localhost:" + byKey.port(), "localhost:" + other.port())
                    .agent("policy-file=" + policy).run();

            assertTrue(run.stdout.contains("SENT localhost:" + pinned.port()), run::toString);
            assertTrue(run.stdout.contains("SENT localhost:" + byKey.port()), run::toString);
            assertEquals("pin", recordFor(run, pinned.port()).get("verify"));
            assertEquals("verified", recordFor(run, pinned.port()).get("trust"));
            assertEquals("upgraded", recordFor(run, byKey.port()).get("outcome"));
            assertTrue(run.stdout.contains("FAILED localhost:" + other.port()), run::toString);
            assertEquals("pin-mismatch", recordFor(run, other.port()).get("reason"));
            assertFalse(other.finishedSession(0, 10, TimeUnit.SECONDS).tlsText().contains("AUTH"));
        }
    }

    @Test
    void testingUpgradesBlocksNothingAndRecordsWhatEnforceWouldHaveDone() throws Exception {
        try (ScriptedMailServer good = smtp(ServerScript.smtp());
             ScriptedMailServer wrongName = smtp(ServerScript.smtp().certificate(TestCertificates.Kind.WRONG_NAME));
             ScriptedMailServer stripped = smtp(ServerScript.smtp().startTls(ServerScript.StartTls.HIDE))) {
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + good.port(),
                    "localhost:" + wrongName.port(), "localhost:" + stripped.port())
                    .agent("mode=testing," + trust.agentArguments()).run();

            assertEquals(3, run.stdout.lines().filter(l -> l.startsWith("SENT ")).count(), run::toString);
            RunResult.AuditLine ok = recordFor(run, good.port());
            assertEquals("upgraded", ok.get("outcome"));
            assertEquals("false", ok.get("would_block"));
            RunResult.AuditLine mismatch = recordFor(run, wrongName.port());
            assertEquals("upgraded", mismatch.get("outcome"), "testing encrypts anyway");
            assertEquals("trusted", mismatch.get("trust"));
            assertEquals("true", mismatch.get("would_block"));
            assertEquals("certificate-host-mismatch", mismatch.get("would_block_reason"));
            assertTrue(wrongName.finishedSession(0, 10, TimeUnit.SECONDS).tlsText().contains("AUTH"));
            RunResult.AuditLine clear = recordFor(run, stripped.port());
            assertEquals("plaintext-fallback", clear.get("outcome"));
            assertEquals("starttls-not-supported", clear.get("would_block_reason"));
            assertTrue(run.stderr.contains("Trusted TLS connection established to localhost[127.0.0.1]:"
                    + wrongName.port()), run::toString);
            assertTrue(run.stderr.contains("(mode=testing: enforce would block it: certificate-host-mismatch)"),
                    run::toString);
            assertTrue(run.stderr.contains("(mode=testing: enforce would let it through)"), run::toString);
        }
        // A version older than min-tls: encrypted anyway, reported as what enforce would refuse.
        try (ScriptedMailServer old = smtp(ServerScript.smtp().tlsProtocols("TLSv1.2"))) {
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + old.port())
                    .agent("mode=testing,min-tls=TLSv1.3," + trust.agentArguments()).run();
            assertTrue(run.stdout.contains("SENT"), run::toString);
            RunResult.AuditLine r = run.onlyRecord();
            assertEquals("upgraded", r.get("outcome"), run::toString);
            assertEquals("TLSv1.2", r.get("tls_version"));
            assertEquals("tls-handshake-failed", r.get("would_block_reason"));
            assertFalse(old.finishedSession(0, 10, TimeUnit.SECONDS).clearText().contains("AUTH"),
                    "testing never sends in clear what it could encrypt");
        }
    }

    @Test
    void theHumanLineSaysWhatTheCertificateReallyIsWhateverVerifySays() throws Exception {
        try (ScriptedMailServer good = smtp(ServerScript.smtp());
             ScriptedMailServer wrongName = smtp(ServerScript.smtp().certificate(TestCertificates.Kind.WRONG_NAME));
             ScriptedMailServer selfSigned = smtp(ServerScript.smtp().certificate(TestCertificates.Kind.SELF_SIGNED))) {
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + good.port(),
                    "localhost:" + wrongName.port(), "localhost:" + selfSigned.port())
                    .agent("verify=none," + trust.agentArguments()).run();

            assertTrue(run.stderr.contains("Verified TLS connection established to localhost[127.0.0.1]:" + good.port()),
                    run::toString);
            assertTrue(run.stderr.contains("Trusted TLS connection established to localhost[127.0.0.1]:"
                    + wrongName.port()), run::toString);
            assertTrue(run.stderr.contains("Untrusted TLS connection established to localhost[127.0.0.1]:"
                    + selfSigned.port()), run::toString);
            assertEquals("none", recordFor(run, good.port()).get("verify"));
            assertEquals("untrusted", recordFor(run, selfSigned.port()).get("trust"));
        }
    }

    /** Runs the enforced relay with the trust store's password handed over as {@code how} does. */
    private RunResult withPassword(ScriptedMailServer relay, String agentArguments, AgentRun run) throws Exception {
        return run.agent("mode=enforce,smtp-ports=" + relay.port() + ",truststore=" + trust.store()
                + (agentArguments.isEmpty() ? "" : "," + agentArguments)).run();
    }

    private static AgentRun sender(ScriptedMailServer relay) {
        return AgentRun.testClient(MultiDestinationSender.class, "localhost:" + relay.port());
    }

    @Test
    void thePasswordComesFromEverySourceAndTheCommandLineOnesWarn() throws Exception {
        try (ScriptedMailServer relay = smtp(ServerScript.smtp())) {
            File config = new File(Children.runsDir(), "agent-" + ProcessHandle.current().pid() + ".properties");
            Files.writeString(config.toPath(), "# the operator's settings\ntruststore-password=" + STORE_PASSWORD + "\n");
            Files.setPosixFilePermissions(config.toPath(), PosixFilePermissions.fromString("rw-------"));
            RunResult fromEnvironment = withPassword(relay, "", sender(relay)
                    .environment("STARTTLS_AGENT_TRUSTSTORE_PASSWORD", STORE_PASSWORD));
            RunResult fromFile = withPassword(relay, "truststore-password-file=" + trust.passwordFile(), sender(relay));
            RunResult fromConfig = withPassword(relay, "config=" + config, sender(relay));
            RunResult fromArgument = withPassword(relay, "truststore-password=" + STORE_PASSWORD, sender(relay));
            RunResult fromProperty = withPassword(relay, "", sender(relay)
                    .jvmOption("-Dstarttls.agent.truststore-password=" + STORE_PASSWORD));

            for (RunResult run : List.of(fromEnvironment, fromFile, fromConfig, fromArgument, fromProperty)) {
                assertTrue(run.stdout.contains("SENT localhost:" + relay.port()), run::toString);
                assertEquals("verified", run.onlyRecord().get("trust"), run::toString);
                assertNoStorePassword(run);
            }
            for (RunResult quiet : List.of(fromEnvironment, fromFile, fromConfig)) {
                assertFalse(quiet.stderr.contains("WARNING"), quiet::toString);
            }
            assertTrue(fromArgument.stderr.contains("starttls-agent: WARNING the trust store password is in the agent "
                    + "arguments, which every local user can read (ps, /proc/PID/cmdline, jcmd)"), fromArgument::toString);
            assertTrue(fromProperty.stderr.contains("starttls-agent: WARNING the trust store password is in the system "
                    + "property starttls.agent.truststore-password"), fromProperty::toString);

            Files.setPosixFilePermissions(config.toPath(), PosixFilePermissions.fromString("rw-r--r--"));
            RunResult readable = withPassword(relay, "config=" + config, sender(relay));
            assertTrue(readable.stderr.contains("starttls-agent: WARNING " + config + " holds a trust store password "
                    + "and other users can read it; make it readable by this JVM's user alone: chmod 600 " + config),
                    readable::toString);
            assertNoStorePassword(readable);
        }
    }

    @Test
    void earlierSourcesWin() throws Exception {
        try (ScriptedMailServer stripped = smtp(ServerScript.smtp().startTls(ServerScript.StartTls.HIDE))) {
            File config = new File(Children.runsDir(), "order-" + ProcessHandle.current().pid() + ".properties");
            Files.writeString(config.toPath(), "mode=enforce\nsmtp-ports=" + stripped.port() + "\n");
            AgentRun base = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + stripped.port());
            // The file alone: enforce.
            RunResult file = base.agent("").environment("STARTTLS_AGENT_CONFIG", config.getPath()).run();
            assertEquals("blocked", file.onlyRecord().get("outcome"), file::toString);
            // The environment over the file.
            RunResult env = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + stripped.port())
                    .agent("").environment("STARTTLS_AGENT_CONFIG", config.getPath())
                    .environment("STARTTLS_AGENT_MODE", "monitor").run();
            assertEquals("plaintext-observed", env.onlyRecord().get("outcome"), env::toString);
            // A system property over the environment.
            RunResult property = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + stripped.port())
                    .agent("").environment("STARTTLS_AGENT_CONFIG", config.getPath())
                    .environment("STARTTLS_AGENT_MODE", "monitor").jvmOption("-Dstarttls.agent.mode=enforce").run();
            assertEquals("blocked", property.onlyRecord().get("outcome"), property::toString);
            // The agent arguments over everything.
            RunResult argument = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + stripped.port())
                    .agent("mode=opportunistic").environment("STARTTLS_AGENT_CONFIG", config.getPath())
                    .jvmOption("-Dstarttls.agent.mode=enforce").run();
            assertEquals("plaintext-fallback", argument.onlyRecord().get("outcome"), argument::toString);
            // An error names its source.
            RunResult bad = AgentRun.testClient(HelloWorld.class).agent("").noAuditLog()
                    .environment("STARTTLS_AGENT_MODE", "strict").run();
            assertEquals(2, bad.exitCode, bad::toString);
            assertEquals("starttls-agent: bad environment variable 'STARTTLS_AGENT_MODE=strict': mode must be one of "
                    + "off, monitor, testing, opportunistic, enforce", bad.stderr.strip());
        }
    }

    private static JavaProcess.Result configCommand(String... args) throws Exception {
        JavaProcess.Result r = JavaProcess.on(Children.javaHome()).jar(Children.agentJar(), args).run();
        assertFalse(r.timedOut);
        return r;
    }

    @Test
    void theConfigCommandPrintsTheEffectivePolicyWithSourcesAndMasksSecrets() throws Exception {
        File policy = policyFile("smtp.office365.com:587  enforce  verify=host",
                ".corp.example  enforce  verify=ca " + trust.agentArguments().replace(",", " "),
                "fax.corp.example  off", "*:2525  opportunistic");
        JavaProcess.Result r = configCommand("config", "mode=monitor,truststore=" + trust.store()
                + ",truststore-password=" + STORE_PASSWORD + ",policy-file=" + policy);
        assertEquals(0, r.exitCode, r::toString);
        assertFalse(r.stdout.contains(STORE_PASSWORD) || r.stderr.contains(STORE_PASSWORD), r::toString);
        assertTrue(r.stdout.matches("(?s).*\\n  mode +monitor +\\(agent arguments\\)\\n.*"), r.stdout);
        assertTrue(r.stdout.matches("(?s).*\\n  truststore-password +\\*{8} +\\(agent arguments\\)\\n.*"), r.stdout);
        assertTrue(r.stdout.matches("(?s).*\\n  timeout +30000ms +\\(default\\)\\n.*"), r.stdout);
        assertTrue(r.stdout.contains("  smtp.office365.com:587  mode=enforce verify=host min-tls=TLSv1.2 "
                + "trust=" + trust.store() + " alone (not the JDK's roots)  (" + policy + " line 1)"),
                "a rule inherits the global trust store: " + r.stdout);
        assertTrue(r.stdout.contains("  .corp.example  mode=enforce verify=ca min-tls=TLSv1.2 trust=" + trust.store()
                + " alone (not the JDK's roots)  (" + policy + " line 2)"), r.stdout);
        assertTrue(r.stdout.contains("  fax.corp.example  mode=off  (" + policy + " line 3)"), r.stdout);
        assertTrue(r.stdout.contains("trust store " + trust.store() + " (global): opened, 1 trusted certificate"),
                r.stdout);
        assertTrue(r.stdout.contains("WARNING the trust store password is in the agent arguments"), r.stdout);

        JavaProcess.Result fromEnv = JavaProcess.on(Children.javaHome()).jar(Children.agentJar(), "config")
                .environment("STARTTLS_AGENT_MODE", "enforce").run();
        assertTrue(fromEnv.stdout.matches("(?s).*\\n  mode +enforce +\\(environment variable STARTTLS_AGENT_MODE\\)\\n.*"),
                fromEnv.stdout);
        assertTrue(fromEnv.stdout.matches("(?s).*\\n  verify +host +\\(default for mode=enforce\\)\\n.*"), fromEnv.stdout);

        JavaProcess.Result withRoots = configCommand("config", trust.agentArguments() + ",jdk-roots=on");
        assertTrue(withRoots.stdout.matches("(?s).*opened, \\d{2,} trusted certificates with the JDK's roots.*"),
                withRoots.stdout);

        File broken = policyFile("mail.example.com enforce", "MAIL.EXAMPLE.COM monitor");
        JavaProcess.Result error = configCommand("config", "policy-file=" + broken);
        assertEquals(2, error.exitCode);
        assertEquals("starttls-agent: " + broken + " line 2: a second rule for mail.example.com, also on line 1: keep "
                + "one of them", error.stderr.strip());
        RunResult atStartUp = AgentRun.testClient(HelloWorld.class).agent("policy-file=" + broken).noAuditLog().run();
        assertEquals(2, atStartUp.exitCode);
        assertEquals(error.stderr.strip(), atStartUp.stderr.strip(), "the same error as at start-up");

        JavaProcess.Result wrongPassword = configCommand("config", "truststore=" + trust.store()
                + ",truststore-password=wrong-one");
        assertEquals(2, wrongPassword.exitCode, wrongPassword::toString);
        assertTrue(wrongPassword.stdout.contains("ERROR trust store " + trust.store() + " (global): the trust store "
                + trust.store() + " did not open with the password given (it is wrong)"), wrongPassword.stdout);
    }

    @Test
    void aPemBundleIsATrustStoreAndAWrongFileSaysWhy() throws Exception {
        File pem = new File(Children.runsDir(), "ca-" + ProcessHandle.current().pid() + ".pem");
        Files.writeString(pem.toPath(), "# the corporate CA\n-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificates.ca().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        try (ScriptedMailServer relay = smtp(ServerScript.smtp())) {
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + relay.port())
                    .agent("mode=enforce,smtp-ports=" + relay.port() + ",truststore=" + pem).run();
            assertTrue(run.stdout.contains("SENT"), run::toString);
            assertEquals("verified", run.onlyRecord().get("trust"));

            File key = new File(Children.runsDir(), "key-" + ProcessHandle.current().pid() + ".pem");
            Files.writeString(key.toPath(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
            RunResult wrong = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + relay.port())
                    .agent("mode=enforce,smtp-ports=" + relay.port() + ",truststore=" + key).run();
            assertTrue(wrong.stdout.contains("FAILED"), wrong::toString);
            assertEquals("truststore-unusable", wrong.onlyRecord().get("reason"), wrong::toString);
            assertTrue(wrong.stderr.contains("starttls-agent: ERROR the trust store cannot be used: the PEM file " + key
                    + " holds no certificate (it holds a private key)"), wrong::toString);
        }
    }

    @Test
    void aWrongPasswordCostsNothingAtStartUpAndFailsClosedAtTheFirstMail() throws Exception {
        String wrong = "truststore=" + trust.store() + ",truststore-password=wrong-one";
        RunResult hello = AgentRun.testClient(HelloWorld.class).agent("mode=enforce," + wrong).noAuditLog().run();
        assertEquals(0, hello.exitCode, "an application that sends no mail is not stopped: " + hello);
        try (ScriptedMailServer relay = smtp(ServerScript.smtp())) {
            RunResult run = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + relay.port(),
                    "localhost:" + relay.port()).agent("mode=enforce,smtp-ports=" + relay.port() + "," + wrong).run();
            assertEquals(2, run.stdout.lines().filter(l -> l.startsWith("FAILED ")).count(), run::toString);
            assertEquals(1, run.stderr.lines().filter(l -> l.startsWith("starttls-agent: ERROR the trust store cannot "
                    + "be used")).count(), "said once: " + run);
            assertTrue(run.audit.stream().allMatch(l -> l.contains("\"reason\":\"truststore-unusable\"")), run::toString);
            assertFalse(relay.finishedSession(0, 10, TimeUnit.SECONDS).clearText().contains("AUTH"));
            assertFalse(run.stderr.contains("wrong-one"));
        }
    }

    @Test
    void anOffRuleLeavesAMailLibrarysSessionUntouched() throws Exception {
        try (ScriptedMailServer fax = smtp(ServerScript.smtp().startTls(ServerScript.StartTls.HIDE))) {
            File policy = policyFile("*:" + fax.port() + "  off  # the fax gateway");
            RunResult run = AgentRun.testClient(io.starttls.it.clients.JavaMailSettingsClient.class,
                    String.valueOf(fax.port()), Secrets.SMTP_USER, Secrets.SMTP_PASSWORD)
                    .agent("mode=enforce,policy-file=" + policy).run();

            assertTrue(run.stdout.contains("RESULT: message sent"), "JavaMail went on as without the agent: " + run);
            assertTrue(run.audit.isEmpty(), run::toString);
            RecordedSession session = fax.finishedSession(0, 10, TimeUnit.SECONDS);
            assertFalse(session.clearCommands().contains("EHLO [127.0.0.1]"), "the agent said nothing: " + session);
        }
    }

    @Test
    void aTrustStoreThatCannotBeReadBlocksWhereCertificatesAreCheckedAndOnlyThere() throws Exception {
        String wrong = "truststore=" + trust.store() + ",truststore-password=wrong-one";
        try (ScriptedMailServer relay = smtp(ServerScript.smtp())) {
            RunResult checked = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + relay.port())
                    .agent("mode=opportunistic,verify=ca,smtp-ports=" + relay.port() + "," + wrong).run();
            assertTrue(checked.stdout.contains("FAILED"), "opportunistic with verify=ca fails closed: " + checked);
            assertEquals("truststore-unusable", checked.onlyRecord().get("reason"), checked::toString);

            RunResult encryptOnly = AgentRun.testClient(MultiDestinationSender.class, "localhost:" + relay.port())
                    .agent("mode=opportunistic,verify=none,smtp-ports=" + relay.port() + "," + wrong).run();
            assertTrue(encryptOnly.stdout.contains("SENT"), "verify=none needs no trust store: " + encryptOnly);
            assertEquals("upgraded", encryptOnly.onlyRecord().get("outcome"));
            assertEquals("untrusted", encryptOnly.onlyRecord().get("trust"));
            assertTrue(encryptOnly.stderr.contains("its certificates are reported as Untrusted"), encryptOnly::toString);
        }
    }

    @Test
    void theLikelyMistakesGetClearWords() throws Exception {
        RunResult comma = AgentRun.testClient(HelloWorld.class).agent("smtp-ports=25,587").noAuditLog().run();
        assertEquals(2, comma.exitCode);
        assertTrue(comma.stderr.contains("the items of a list are separated by colons, not commas: write "
                + "smtp-ports=25:587"), comma::toString);

        JavaProcess.Result split = JavaProcess.on(Children.javaHome()).agent(Children.agentJar(), "mode=enforce,")
                .mainClass(Children.testClasspath(), "verify=host").run();
        assertEquals(2, split.exitCode, split::toString);
        assertTrue(split.stderr.startsWith("starttls-agent: entry 2 of the agent arguments is empty"), split.stderr);
        assertTrue(split.stderr.contains("'verify=host' became the JVM's main class"), split.stderr);
        JavaProcess.Result split2 = JavaProcess.on(Children.javaHome()).agent(Children.agentJar(), "mode=enforce")
                .mainClass(Children.testClasspath(), ",verify=host").run();
        assertEquals(2, split2.exitCode, split2::toString);
        assertTrue(split2.stderr.contains("'verify=host' became the JVM's main class"), split2.stderr);

        // Twice with the same settings: harmless, said once.
        RunResult same = AgentRun.testClient(HelloWorld.class).agent("mode=enforce").noAuditLog()
                .jvmOption("-javaagent:" + Children.agentJar().getAbsolutePath() + "=mode=enforce").run();
        assertEquals(0, same.exitCode, same::toString);
        assertEquals("hello\n", same.stdout);
        assertTrue(same.stderr.contains("starttls-agent: WARNING the agent is attached twice (JAVA_TOOL_OPTIONS and "
                + "a -javaagent option, say) with the same settings; the second is ignored"), same::toString);
        assertFalse(same.stderr.contains("another agent opened a socket first"), same::toString);
        // The ignored one would enforce: the JVM does not start half-protected.
        RunResult twice = AgentRun.testClient(HelloWorld.class).agent("mode=enforce").noAuditLog()
                .jvmOption("-javaagent:" + Children.agentJar().getAbsolutePath() + "=mode=monitor").run();
        assertEquals(2, twice.exitCode, twice::toString);
        assertEquals("", twice.stdout);
        assertTrue(twice.stderr.contains("the agent is attached twice (JAVA_TOOL_OPTIONS and a -javaagent option, "
                + "say) with other settings: in force (the first): mode=monitor"), twice::toString);
        assertTrue(twice.stderr.contains("ignored (the second), which enforces: mode=enforce"), twice::toString);
        // The ignored one is weaker: said, and the first stays in force.
        RunResult weaker = AgentRun.testClient(HelloWorld.class).agent("mode=monitor").noAuditLog()
                .jvmOption("-javaagent:" + Children.agentJar().getAbsolutePath() + "=mode=enforce").run();
        assertEquals(0, weaker.exitCode, weaker::toString);
        assertTrue(weaker.stderr.contains("the first one is in force (mode=enforce"), weaker::toString);
    }
}
