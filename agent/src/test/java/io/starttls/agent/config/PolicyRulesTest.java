package io.starttls.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyRulesTest {
    @TempDir
    Path dir;

    private File file(String... lines) throws Exception {
        Path p = dir.resolve("policy-" + System.nanoTime());
        Files.write(p, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return p.toFile();
    }

    private PolicyRules rules(String globalArgs, String... lines) throws Exception {
        File f = file(lines);
        return AgentArguments.parse((globalArgs.isEmpty() ? "" : globalArgs + ",") + "policy-file=" + f).policies();
    }

    private static String rule(PolicyRules r, String host, String address, int port, MailProtocol p) {
        Policy policy = r.policyFor(host, address, port, p);
        String rule = policy.rule();
        return policy.mode().word() + "@" + (rule.equals("global") ? "global" : rule.substring(rule.lastIndexOf(' ') + 1));
    }

    @Test
    void theMostSpecificRuleWins() throws Exception {
        PolicyRules r = rules("mode=monitor",
                "# destination  mode",
                "*:587                 opportunistic",          // 2
                ".example.com          testing",                // 3
                ".mail.example.com     enforce verify=ca",      // 4
                "smtp.example.com      enforce",                // 5
                "smtp.example.com:587  off",                    // 6
                ".example.com:25       enforce",                // 7
                "smtp.example.com      opportunistic protocol=imap"); // 8
        assertEquals("off@6", rule(r, "smtp.example.com", "192.0.2.1", 587, MailProtocol.SMTP), "host:port over all");
        assertEquals("enforce@5", rule(r, "smtp.example.com", "192.0.2.1", 25, MailProtocol.SMTP), "host over domain");
        assertEquals("opportunistic@8", rule(r, "smtp.example.com", "192.0.2.1", 143, MailProtocol.IMAP),
                "the same host for one protocol over it for all");
        assertEquals("enforce@7", rule(r, "other.example.com", "192.0.2.1", 25, MailProtocol.SMTP),
                "domain and port over domain");
        assertEquals("enforce@4", rule(r, "a.mail.example.com", "192.0.2.1", 587, MailProtocol.SMTP),
                "a longer domain over a shorter one, and a domain over a port");
        assertEquals("testing@3", rule(r, "other.example.com", "192.0.2.1", 587, MailProtocol.SMTP),
                "domain over port");
        assertEquals("opportunistic@2", rule(r, "mail.other.net", "192.0.2.1", 587, MailProtocol.SMTP), "port");
        assertEquals("monitor@global", rule(r, "mail.other.net", "192.0.2.1", 25, MailProtocol.SMTP), "global");
        assertEquals("monitor@global", rule(r, "example.com", "192.0.2.1", 110, MailProtocol.POP3),
                ".example.com is the subdomains only, as in Postfix");
    }

    @Test
    void hostsMatchWithoutCaseOrTrailingDotAndAddressesAsTheSocketHasThem() throws Exception {
        PolicyRules r = rules("", "Mail.Example.COM. enforce", "127.0.0.1:2525 off", "[::1]:2525 monitor");
        assertEquals(Mode.ENFORCE, r.policyFor("mail.example.com", "192.0.2.7", 25, MailProtocol.SMTP).mode());
        assertEquals(Mode.OFF, r.policyFor("127.0.0.1", "127.0.0.1", 2525, MailProtocol.SMTP).mode());
        assertEquals(Mode.MONITOR, r.policyFor("::1", "0:0:0:0:0:0:0:1", 2525, MailProtocol.SMTP).mode());
        assertEquals(Mode.MONITOR, r.policyFor("::1%lo", "0:0:0:0:0:0:0:1%lo", 2525, MailProtocol.SMTP).mode(),
                "a scoped address is the same address");
    }

    @Test
    void anAddressRuleNeverDecidesForAnApplicationThatUsedAName() throws Exception {
        // What a name resolves to (or is spoofed to) must not move it under another rule.
        PolicyRules r = rules("mode=enforce", ".example.test enforce", "127.0.0.1 off", "127.0.0.1:2525 off");
        assertEquals(Mode.ENFORCE, r.policyFor("relay.example.test", "127.0.0.1", 25, MailProtocol.SMTP).mode());
        assertEquals(Mode.ENFORCE, r.policyFor("localhost", "127.0.0.1", 2525, MailProtocol.SMTP).mode());
        assertEquals(Mode.OFF, r.policyFor("127.0.0.1", "127.0.0.1", 25, MailProtocol.SMTP).mode());
    }

    @Test
    void overridesInheritTheGlobalSettingsTheyDoNotName() throws Exception {
        PolicyRules r = rules("verify=ca,min-tls=TLSv1.3", "a.example enforce", "b.example enforce min-tls=TLSv1.2",
                "c.example opportunistic verify=none");
        assertEquals(Verify.HOST, r.policyFor("a.example", "x", 25, null).verify(),
                "a global verify does not weaken (or change) a rule: its mode's default applies");
        assertEquals("TLSv1.3", r.policyFor("a.example", "x", 25, null).minTls());
        assertEquals("TLSv1.2", r.policyFor("b.example", "x", 25, null).minTls());
        assertEquals(Verify.NONE, r.policyFor("c.example", "x", 25, null).verify());
        PolicyRules d = rules("", "a.example enforce", "b.example testing", "c.example opportunistic");
        assertEquals(Verify.HOST, d.policyFor("a.example", "x", 25, null).verify(), "enforce checks the name");
        assertEquals(Verify.HOST, d.policyFor("b.example", "x", 25, null).verify(), "testing checks what enforce would");
        assertEquals(Verify.NONE, d.policyFor("c.example", "x", 25, null).verify());
    }

    private String error(String... lines) throws Exception {
        File f = file(lines);
        return assertThrows(ConfigException.class, () -> AgentArguments.parse("policy-file=" + f)).getMessage()
                .replace(f.getPath(), "FILE");
    }

    @Test
    void everyMistakeNamesTheFileTheLineAndTheFix() throws Exception {
        assertEquals("FILE line 3: a second rule for mail.example.com, also on line 1: keep one of them",
                error("mail.example.com enforce", "# comment", "MAIL.example.com. monitor"));
        assertTrue(error("a.example enforce verfy=ca").startsWith("FILE line 1: unknown key 'verfy' (its value is not "
                + "shown); a rule takes verify, min-tls,"), error("a.example enforce verfy=ca"));
        assertTrue(error("a.example enforce verify=strict").startsWith("bad setting 'verify=strict' in FILE line 1: "
                + "verify must be one of none, ca, host"));
        assertTrue(error("a.example enforced").startsWith("FILE line 1: 'enforced' is not a mode: write one of off, "
                + "monitor, testing, opportunistic, enforce"));
        assertTrue(error("", "a.example").startsWith("FILE line 2: no mode after a.example"));
        assertTrue(error("a.example:99999 enforce").contains("the port must be a whole number from 1 to 65535"));
        assertTrue(error("* enforce").contains("that is the global settings"));
        assertTrue(error("a.example enforce pin=sha1:abc").startsWith("FILE line 1: bad pin (not shown): a pin is "
                + "cert-sha256:DIGEST"));
        assertTrue(error("a.example enforce pin=cert-sha256:abcd").contains("32 bytes of SHA-256"));
        assertTrue(error("a.example enforce truststore=/nonexistent.pem").contains("no readable file at "
                + "'/nonexistent.pem'"));
        assertTrue(error("a.example enforce protocol=ftp").contains("protocol must be one of smtp, imap, pop3"));
        assertTrue(error("a.example enforce verify=ca verify=host").contains("'verify' is given twice in one rule"));
        assertTrue(error(".0.0.1 enforce").contains("an address has no subdomains"));
        String misplaced = error("a.example truststore-password=hunter2 enforce");
        assertTrue(misplaced.startsWith("FILE line 1: the second word is not a mode"), misplaced);
        String spaced = error("a.example enforce truststore=/etc/hosts truststore-password=correct horse");
        assertTrue(spaced.contains("a word that is not key=value (not shown)"), spaced);
        for (String e : new String[] {misplaced, spaced}) {
            assertTrue(!e.contains("hunter2") && !e.contains("horse"), "no piece of a password: " + e);
        }
        String secret = error("a.example enforce truststore-password=hunter2");
        assertTrue(secret.contains("without truststore=PATH"), secret);
        assertTrue(!secret.contains("hunter2"), "a password is never shown");
        String pinAndCa = error("a.example enforce verify=ca pin=cert-sha256:"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        assertTrue(pinAndCa.contains("a pin replaces CA trust"), pinAndCa);
    }

    @Test
    void aByteOrderMarkIsNotAMistake() throws Exception {
        PolicyRules r = rules("", "\uFEFFmail.example.com enforce");
        assertEquals(Mode.ENFORCE, r.policyFor("mail.example.com", "x", 25, null).mode());
    }

    @Test
    void aMissingPolicyFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentArguments.parse("policy-file=/nonexistent"));
        assertTrue(e.getMessage().startsWith("bad agent argument 'policy-file=/nonexistent': no readable file"),
                e.getMessage());
    }
}
