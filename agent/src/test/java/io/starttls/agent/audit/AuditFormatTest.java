package io.starttls.agent.audit;

import io.starttls.agent.vocabulary.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.agent.tls.ServerHelloParser;
import io.starttls.agent.tls.ServerHelloParserTest;
import org.junit.jupiter.api.Test;

class AuditFormatTest {
    private static AuditRecord.Builder base() {
        return new AuditRecord.Builder().destination("mail.example.test", "192.0.2.1", 587)
                .policy("smtp", "enforce", "host").appClass("com.acme.Batch");
    }

    @Test
    void jsonEscapesWhatAServerCouldSmuggleIn() {
        String json = AuditFormat.jsonLine(base().appClass("said \"no\"\n\\ \u00e9")
                .outcome(Outcome.BLOCKED, "starttls-refused", "x").build());
        assertTrue(json.contains("\"app_class\":\"said \\\"no\\\"\\u000a\\\\ \\u00e9\""), json);
        assertTrue(json.contains("\"outcome\":\"blocked\""), json);
        assertTrue(json.contains("\"port\":587"), json);
        assertEquals(1, json.split("\n").length);
    }

    @Test
    void serverAndCertificateTextIsMadePrintableBeforeAnyOutput() {
        // A certificate whose CN holds a line feed must not forge a second log line.
        AuditRecord record = base().outcome(Outcome.BLOCKED, "certificate-host-mismatch",
                "the certificate is for CN=x\nWARN starttls-agent - forged\u001b[0m").build();
        assertEquals(1, AuditFormat.humanLine(record).split("\n").length, AuditFormat.humanLine(record));
        assertTrue(AuditFormat.humanLine(record).contains("CN=x?WARN starttls-agent - forged?[0m"));
        assertTrue(AuditFormat.jsonLine(record).contains("CN=x?WARN"), AuditFormat.jsonLine(record));
    }

    @Test
    void humanLinesUsePostfixWords() {
        assertTrue(AuditFormat.humanLine(base().outcome(Outcome.BLOCKED, "starttls-not-supported", "not offered")
                .build()).startsWith("TLS is required, but could not be established with "
                + "mail.example.test[192.0.2.1]:587 (smtp, mode=enforce)"));
        assertTrue(AuditFormat.humanLine(base().outcome(Outcome.PLAINTEXT_FALLBACK, "starttls-not-supported", "x")
                .clearText(true, false).build()).contains("(in clear: credentials)"));
    }

    @Test
    void aResumedSessionIsSaidSoInBothForms() {
        byte[] hello = ServerHelloParserTest.tls13ServerHello(true);
        ServerHelloParser parser = new ServerHelloParser();
        parser.feed(hello, 0, hello.length);
        AuditRecord record = base().outcome(Outcome.APP_MANAGED_TLS, null, null).tls(parser.details()).build();

        assertTrue(AuditFormat.jsonLine(record).contains("\"tls_resumed\":true"), AuditFormat.jsonLine(record));
        assertTrue(AuditFormat.humanLine(record).endsWith("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384, session resumed"
                + " app=com.acme.Batch"), AuditFormat.humanLine(record));
    }

    @Test
    void testingSaysWhatEnforceWouldHaveDoneAndTheRuleIsNamed() {
        AuditRecord fallback = base().policy("smtp", "testing", "host").rule("/etc/p line 3", true)
                .outcome(Outcome.PLAINTEXT_FALLBACK, "starttls-not-supported", "not offered").build();
        String json = AuditFormat.jsonLine(fallback);
        assertTrue(json.contains("\"policy_rule\":\"/etc/p line 3\",\"would_block\":true,"
                + "\"would_block_reason\":\"starttls-not-supported\""), json);
        assertTrue(AuditFormat.humanLine(fallback).contains("(mode=testing: enforce would block it: "
                + "starttls-not-supported) (policy: /etc/p line 3)"), AuditFormat.humanLine(fallback));
        AuditRecord upgraded = base().policy("smtp", "testing", "host").rule("global", true)
                .outcome(Outcome.UPGRADED, null, null).build();
        assertTrue(AuditFormat.jsonLine(upgraded).contains("\"would_block\":false"), AuditFormat.jsonLine(upgraded));
        assertTrue(!AuditFormat.jsonLine(upgraded).contains("would_block_reason"));
        assertTrue(AuditFormat.humanLine(upgraded).contains("(mode=testing: enforce would let it through)"));
        AuditRecord appTls = base().policy("smtp", "testing", "host").rule("global", true)
                .outcome(Outcome.APP_MANAGED_TLS, null, null).appTlsProblem("certificate-expired").build();
        assertTrue(AuditFormat.jsonLine(appTls).contains("\"would_block_reason\":\"certificate-expired\""));
        AuditRecord enforce = base().rule("global", false).outcome(Outcome.BLOCKED, "starttls-not-supported", "x")
                .build();
        assertTrue(!AuditFormat.jsonLine(enforce).contains("would_block"), "only under testing");
        assertTrue(!AuditFormat.humanLine(enforce).contains("(policy:"), "the global policy is not named in the line");
    }
}
