package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.support.Children;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starttls.it.support.LegacyApp;
import io.starttls.it.support.RunResult;
import io.starttls.it.support.TestTrust;
import io.starttls.testserver.JavaProcess;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar starttls-agent.jar check HOST:PORT} against every kind of server of the
 * catalogue, for the three protocols: the verdict, the exit status, and what the server received
 * (never a credential, never mail).
 */
class CheckCommandTest {
    /** The verbs that carry credentials or mail: the check must never send one. */
    private static final Set<String> FORBIDDEN = Set.of("AUTH", "LOGIN", "USER", "PASS", "AUTHENTICATE", "MAIL",
            "RCPT", "DATA", "APOP");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCertificates certificates;
    private static TestTrust trust;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates();
        trust = TestTrust.of(certificates, CheckCommandTest.class);
    }

    static JavaProcess.Result check(String... args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add("check");
        all.addAll(List.of(args));
        JavaProcess.Result r = JavaProcess.on(Children.javaHome()).timeoutSeconds(60)
                .jar(Children.agentJar(), all.toArray(new String[0])).run();
        assertFalse(r.timedOut, r::toString);
        return r;
    }

    /** The verb of each command the server received, in clear and inside TLS (IMAP: after the tag). */
    static List<String> verbs(RecordedSession session, LegacyApp app) {
        List<String> commands = new ArrayList<>(session.clearCommands());
        commands.addAll(session.tlsCommands());
        List<String> verbs = new ArrayList<>();
        for (String c : commands) {
            String[] words = c.trim().split(" ");
            String verb = app == LegacyApp.IMAP && words.length > 1 ? words[1] : words[0];
            verbs.add(verb.toUpperCase(Locale.ROOT));
        }
        return verbs;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "SMTP, offered, 0, would be upgraded",
        "SMTP, hidden, 4, would be blocked: starttls-not-supported",
        "SMTP, refused, 4, would be blocked: starttls-refused",
        "SMTP, wrong-name, 5, 'would be blocked: certificate-host-mismatch: the certificate is for DNS:mail.other.example, not for 127.0.0.1'",
        "SMTP, expired, 5, would be blocked: certificate-expired",
        "SMTP, untrusted, 5, would be blocked: certificate-not-trusted",
        "SMTP, injection, 7, would be blocked: starttls-injection",
        "IMAP, offered, 0, would be upgraded",
        "IMAP, hidden, 4, would be blocked: starttls-not-supported",
        "IMAP, refused, 4, would be blocked: starttls-refused",
        "IMAP, wrong-name, 5, would be blocked: certificate-host-mismatch",
        "IMAP, expired, 5, would be blocked: certificate-expired",
        "IMAP, untrusted, 5, would be blocked: certificate-not-trusted",
        "IMAP, injection, 7, would be blocked: starttls-injection",
        "POP3, offered, 0, would be upgraded",
        "POP3, hidden, 4, would be blocked: starttls-not-supported",
        "POP3, refused, 4, would be blocked: starttls-refused",
        "POP3, wrong-name, 5, would be blocked: certificate-host-mismatch",
        "POP3, expired, 5, would be blocked: certificate-expired",
        "POP3, untrusted, 5, would be blocked: certificate-not-trusted",
        "POP3, injection, 7, would be blocked: starttls-injection",
    })
    void eachKindOfServerGetsItsVerdictAndExitStatusAndNoCredentialOrMail(LegacyApp app, String variant,
            int status, String verdict) throws Exception {
        ServerScript.Builder script = app.server();
        switch (variant) {
            case "hidden" -> script.startTls(ServerScript.StartTls.HIDE);
            case "refused" -> script.startTls(ServerScript.StartTls.REFUSE);
            case "wrong-name" -> script.certificate(TestCertificates.Kind.WRONG_NAME);
            case "expired" -> script.certificate(TestCertificates.Kind.EXPIRED);
            case "untrusted" -> script.certificate(TestCertificates.Kind.UNTRUSTED_CA);
            case "injection" -> script.injectAfterStartTls(app.injected + "\r\n");
            default -> { }
        }
        try (ScriptedMailServer server = new ScriptedMailServer(script.build(), certificates)) {
            JavaProcess.Result r = check("127.0.0.1:" + server.port(), "--protocol", app.word(),
                    trust.agentArguments());
            RecordedSession session = server.finishedSession(0, 10, TimeUnit.SECONDS);

            assertEquals(status, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("verdict: under mode=enforce,verify=host this destination " + verdict),
                    r::toString);
            for (String verb : verbs(session, app)) {
                assertFalse(FORBIDDEN.contains(verb), () -> "the check sent " + verb + ": " + session);
            }
            assertTrue(r.stdout.contains("starttls-agent check 127.0.0.1:" + server.port() + " (" + app.word()
                    + "), policy global: mode=enforce, verify=host"), r::toString);
            if (status == 0 || status == 5) {
                // The chain and the pins to copy into a policy file; the capabilities asked again inside TLS.
                assertTrue(r.stdout.contains("  pin:     cert-sha256:"), r::toString);
                assertTrue(r.stdout.contains("  key pin: key-sha256:"), r::toString);
                assertTrue(r.stdout.contains("verify=none: accepted"), r::toString);
                assertFalse(session.tlsCommands().isEmpty(), () -> "nothing asked inside TLS: " + session);
                assertTrue(r.stdout.contains("after TLS:"), r::toString);
            } else {
                assertTrue(session.tlsCommands().isEmpty(), session::toString);
            }
            assertEquals(status == 0 || status == 5, session.tlsProtocol() != null, session::toString);
            assertEquals("", r.stderr, r::toString);
        }
    }

    @Test
    void theWrongNameIsAcceptedAtVerifyCaAndEachLevelIsShown() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp()
                .certificate(TestCertificates.Kind.WRONG_NAME).build(), certificates)) {
            JavaProcess.Result host = check("127.0.0.1:" + server.port(), "--protocol", "smtp", trust.agentArguments());
            assertTrue(host.stdout.contains("verify=none: accepted\nverify=ca: accepted\nverify=host: refused: "
                    + "certificate-host-mismatch: "), host::toString);
            assertTrue(host.stdout.contains("certificate is Trusted"), host::toString);

            JavaProcess.Result ca = check("127.0.0.1:" + server.port(), "--protocol", "smtp",
                    trust.agentArguments() + ",verify=ca");
            assertEquals(0, ca.exitCode, ca::toString);
            assertTrue(ca.stdout.contains("verdict: under mode=enforce,verify=ca this destination would be upgraded"),
                    ca::toString);
        }
    }

    @Test
    void thePinItPrintsWorksInAPolicyFile() throws Exception {
        try (ScriptedMailServer server = new ScriptedMailServer(ServerScript.smtp()
                .certificate(TestCertificates.Kind.SELF_SIGNED).build(), certificates)) {
            JavaProcess.Result first = check("127.0.0.1:" + server.port(), "--protocol", "smtp");
            assertEquals(5, first.exitCode, first::toString);
            Matcher pin = Pattern.compile("  key pin: (key-sha256:\\S+)").matcher(first.stdout);
            assertTrue(pin.find(), first::toString);

            File policy = new File(Children.runsDir(), "check-pin-" + ProcessHandle.current().pid() + ".policy");
            Files.writeString(policy.toPath(), "127.0.0.1:" + server.port() + " enforce pin=" + pin.group(1) + "\n");
            JavaProcess.Result pinned = check("127.0.0.1:" + server.port(), "--protocol", "smtp",
                    "policy-file=" + policy);
            assertEquals(0, pinned.exitCode, pinned::toString);
            assertTrue(pinned.stdout.contains("verify=pin: accepted"), pinned::toString);
            assertTrue(pinned.stdout.contains("verdict: under mode=enforce,verify=pin (policy: " + policy
                    + " line 1) this destination would be upgraded"), pinned::toString);
        }
    }

    @Test
    void otherModesGetTheirOwnVerdictAndJsonIsForScripts() throws Exception {
        try (ScriptedMailServer hidden = new ScriptedMailServer(ServerScript.smtp()
                .startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            String to = "127.0.0.1:" + hidden.port();
            JavaProcess.Result opportunistic = check(to, "--protocol", "smtp", "mode=opportunistic");
            assertEquals(4, opportunistic.exitCode, opportunistic::toString);
            assertTrue(opportunistic.stdout.contains("under mode=opportunistic,verify=none this destination would go "
                    + "on in clear: starttls-not-supported"), opportunistic::toString);

            JavaProcess.Result monitor = check(to, "--protocol=smtp", "mode=monitor");
            assertEquals(8, monitor.exitCode, monitor::toString);

            JavaProcess.Result json = check(to, "--protocol", "smtp", "--json");
            assertEquals(4, json.exitCode, json::toString);
            String line = json.stdout.trim();
            assertTrue(line.startsWith("{\"host\":\"127.0.0.1\",\"address\":\"127.0.0.1\",\"port\":" + hidden.port()),
                    line);
            assertTrue(line.contains("\"starttls_offered\":false"), line);
            assertTrue(line.contains("\"outcome\":\"blocked\",\"reason\":\"starttls-not-supported\""), line);
            assertTrue(line.contains("\"exit_status\":4}"), line);
            assertTrue(line.contains("\"before_tls\":[\"S: 220 "), line);
            assertEquals(1, json.stdout.split("\n").length, "one line");
        }
        try (ScriptedMailServer good = new ScriptedMailServer(ServerScript.imap().build(), certificates)) {
            // The protocol comes from the port lists, as the agent finds it.
            JavaProcess.Result r = check("127.0.0.1:" + good.port(), "imap-ports=" + good.port(),
                    trust.agentArguments(), "--json");
            assertEquals(0, r.exitCode, r::toString);
            assertTrue(r.stdout.contains("\"protocol\":\"imap\""), r::toString);
            assertTrue(r.stdout.contains("\"starttls_offered\":true,\"starttls_accepted\":true"), r::toString);
            assertTrue(r.stdout.contains("\"cert_pin\":\"cert-sha256:"), r::toString);
            assertTrue(r.stdout.contains("\"verify_levels\":{\"none\":\"accepted\",\"ca\":\"accepted\","
                    + "\"host\":\"accepted\"}"), r::toString);
        }
    }

    @Test
    void mistakesGetOneLineThatSaysTheFix() throws Exception {
        JavaProcess.Result noTarget = check();
        assertEquals(2, noTarget.exitCode);
        assertTrue(noTarget.stderr.startsWith("starttls-agent check: give the destination as HOST:PORT"),
                noTarget::toString);
        JavaProcess.Result unknownPort = check("127.0.0.1:1");
        assertEquals(2, unknownPort.exitCode);
        assertTrue(unknownPort.stderr.contains("port 1 is none of the mail ports (smtp-ports=25:587:2525, "
                + "imap-ports=143, pop3-ports=110): give --protocol smtp, imap or pop3"), unknownPort::toString);
        JavaProcess.Result badProtocol = check("127.0.0.1:25", "--protocol", "ftp");
        assertTrue(badProtocol.stderr.contains("--protocol takes smtp, imap or pop3, not 'ftp'"), badProtocol::toString);
        JavaProcess.Result badSetting = check("127.0.0.1:25", "mode=enforced");
        assertEquals(2, badSetting.exitCode);
        assertTrue(badSetting.stderr.startsWith("starttls-agent check: bad "), badSetting::toString);
        JavaProcess.Result v6 = check("::1:25");
        assertTrue(v6.stderr.contains("write an IPv6 address in brackets: [::1]:PORT"), v6::toString);

        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = closed.getLocalPort();
            closed.close();
            JavaProcess.Result refused = check("127.0.0.1:" + port, "--protocol", "smtp");
            assertEquals(3, refused.exitCode, refused::toString);
            assertTrue(refused.stdout.contains("cannot connect: "), refused::toString);
            assertTrue(refused.stdout.contains("this destination could not be checked"), refused::toString);
        }
    }

    @Test
    void aHandshakeThatIsInjectedIntoOrDrippedIsJudgedAsTheAgentWouldWithinTheTimeout() throws Exception {
        try (ScriptedMailServer later = new ScriptedMailServer(ServerScript.smtp()
                .hostile(ServerScript.Hostile.INJECT_LATER_PACKET).build(), certificates);
             ScriptedMailServer drip = new ScriptedMailServer(ServerScript.smtp()
                     .hostile(ServerScript.Hostile.DRIP_HANDSHAKE).build(), certificates)) {
            // Under opportunistic too: the guard blocks injection, it never goes on in clear after it.
            JavaProcess.Result injected = check("127.0.0.1:" + later.port(), "--protocol", "smtp", "mode=opportunistic");
            assertEquals(7, injected.exitCode, injected::toString);
            assertTrue(injected.stdout.contains("this destination would be blocked: starttls-injection"),
                    injected::toString);

            long start = System.nanoTime();
            JavaProcess.Result dripped = check("127.0.0.1:" + drip.port(), "--protocol", "smtp", "timeout=2s");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(7, dripped.exitCode, dripped::toString);
            assertTrue(dripped.stdout.contains("would be blocked: negotiation-timeout"), dripped::toString);
            assertTrue(seconds < 15, "held to the deadline, not stretched byte by byte: " + seconds + " s");
        }
    }

    @Test
    void aCertificateThatHoldsALineFeedCannotForgeAVerdict() throws Exception {
        try (ScriptedMailServer forged = new ScriptedMailServer(ServerScript.smtp()
                .certificate(TestCertificates.Kind.FORGED_NAME).build(), certificates)) {
            JavaProcess.Result r = check("127.0.0.1:" + forged.port(), "--protocol", "smtp", trust.agentArguments());
            for (String line : r.stdout.split("\n")) {
                assertFalse(line.startsWith(TestCertificates.FORGED_LOG_LINE), r::toString);
                for (char c : line.toCharArray()) {
                    assertTrue(c >= 0x20 && c < 0x7f, () -> "a control character in: " + line);
                }
            }
            assertEquals(1, r.stdout.split("\nverdict: ", -1).length - 1, r::toString);
        }
    }

    static Stream<Arguments> sameServerSameDecision() {
        List<Arguments> cases = new ArrayList<>();
        List<String> all = List.of("offered", "hidden", "refused", "wrong-name", "expired", "injection",
                "later-injection", "closed-after-starttls", "goodbye-greeting", "old-tls");
        List<String> some = List.of("hidden", "expired", "later-injection", "closed-after-starttls", "goodbye-greeting");
        for (LegacyApp app : LegacyApp.values()) {
            for (String variant : app == LegacyApp.SMTP ? all : some) {
                for (String mode : new String[] {"enforce", "opportunistic"}) {
                    cases.add(Arguments.of(app, variant, mode));
                }
            }
        }
        return cases.stream();
    }

    /**
     * The check's promise, kept: against the same server, with the same settings, its outcome and
     * reason are those of the agent's own audit record for a legacy application's session.
     */
    @ParameterizedTest(name = "{0} {1} mode={2}")
    @MethodSource("sameServerSameDecision")
    void theCheckForeseesWhatTheAgentDoes(LegacyApp app, String variant, String mode) throws Exception {
        ServerScript.Builder script = app.server();
        switch (variant) {
            case "hidden" -> script.startTls(ServerScript.StartTls.HIDE);
            case "refused" -> script.startTls(ServerScript.StartTls.REFUSE);
            case "wrong-name" -> script.certificate(TestCertificates.Kind.WRONG_NAME);
            case "expired" -> script.certificate(TestCertificates.Kind.EXPIRED);
            case "injection" -> script.injectAfterStartTls(app.injected + "\r\n");
            case "later-injection" -> script.hostile(ServerScript.Hostile.INJECT_LATER_PACKET);
            case "closed-after-starttls" -> script.hostile(ServerScript.Hostile.CLOSE_AFTER_STARTTLS);
            case "goodbye-greeting" -> script.hostile(ServerScript.Hostile.GOODBYE_GREETING);
            case "old-tls" -> script.tlsProtocols("TLSv1.1");
            default -> { }
        }
        try (ScriptedMailServer server = new ScriptedMailServer(script.build(), certificates)) {
            String settings = "mode=" + mode + "," + trust.agentArguments() + "," + app.watch(server.port());
            RunResult.AuditLine record = app.run(server.port()).agent(settings).run().onlyRecord();
            JavaProcess.Result r = check("localhost:" + server.port(), "--json", settings);
            JsonNode checked = JSON.readTree(r.stdout);

            assertEquals(record.get("outcome"), checked.path("outcome").asText(null), () -> record + "\n" + r);
            assertEquals(record.get("reason"), checked.path("reason").asText(null), () -> record + "\n" + r);
            assertEquals(record.get("verify"), checked.path("verify").asText(null), () -> record + "\n" + r);
            assertEquals(record.get("outcome").equals("upgraded") ? 0 : 1, Math.min(1, r.exitCode), r::toString);
        }
    }
}
