package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpNegotiationTest {
    private static final String GREETING = "220-mail.example.test ESMTP\r\n220 second line\r\n";
    private final SmtpNegotiation smtp = new SmtpNegotiation("[127.0.0.1]");

    @Test
    void offeredStartTlsIsTakenWithTheSameCommandsAsANativeClient() throws Exception {
        ScriptedChannel server = ScriptedChannel.server(GREETING)
                .then("250-mail.example.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
                .then("220 2.0.0 go ahead\r\n");

        NegotiationOutcome outcome = smtp.negotiate(server);

        assertEquals(NegotiationOutcome.Kind.START_TLS, outcome.kind());
        assertEquals(List.of("EHLO [127.0.0.1]", "STARTTLS"), server.written());
        assertArrayEquals(GREETING.getBytes(StandardCharsets.US_ASCII), outcome.replay(),
                "the application gets the whole original greeting");
    }

    @Test
    void startTlsIsFoundWhateverItsCaseAndSpacing() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n")
                .then("250-mail\r\n250-SIZE 1000\r\n250-  starttls  \r\n250 HELP\r\n")
                .then("220 go\r\n");
        assertEquals(NegotiationOutcome.Kind.START_TLS, smtp.negotiate(server).kind());
    }

    @Test
    void theServerNameLineIsNotAKeyword() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n").then("250-STARTTLS\r\n250 8BITMIME\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(NegotiationOutcome.Kind.CLEAR_ONLY, outcome.kind());
        assertEquals(Reasons.STARTTLS_NOT_SUPPORTED, outcome.reason());
    }

    @Test
    void notOfferedMeansNotSupportedAndNoStartTlsIsSent() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n").then("250-mail\r\n250 AUTH PLAIN\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(Reasons.STARTTLS_NOT_SUPPORTED, outcome.reason());
        assertEquals(List.of("EHLO [127.0.0.1]"), server.written());
        assertArrayEquals("220 hi\r\n".getBytes(StandardCharsets.US_ASCII), outcome.replay());
    }

    @Test
    void aRefusalNamesTheServersReply() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n").then("250-mail\r\n250 STARTTLS\r\n")
                .then("454 4.7.0 TLS not available\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(Reasons.STARTTLS_REFUSED, outcome.reason());
        assertTrue(outcome.detail().contains("454 4.7.0 TLS not available"), outcome.detail());
    }

    @Test
    void bytesBehindThe220AreAnInjection() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n").then("250-mail\r\n250 STARTTLS\r\n")
                .then("220 go\r\n250-injected\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(NegotiationOutcome.Kind.ABORT, outcome.kind());
        assertEquals(Reasons.STARTTLS_INJECTION, outcome.reason());
    }

    @Test
    void aReplyBeforeTheCommandIsNeverTakenForIt() {
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n250-fake\r\n250 STARTTLS\r\n");
        NegotiationException e = assertThrows(NegotiationException.class, () -> smtp.negotiate(server));
        assertEquals(Reasons.PROTOCOL_VIOLATION, e.reason());
        assertTrue(server.written().isEmpty(), "nothing was sent after unsolicited data");
    }

    @Test
    void aServerWithoutEsmtpHasNoStartTls() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("220 old\r\n").then("502 unknown command\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(Reasons.STARTTLS_NOT_SUPPORTED, outcome.reason());
        assertTrue(outcome.detail().contains("502"));
    }

    @Test
    void closingAfterStartTlsLosesTheConnectionButNotTheChanceOfANewOne() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n").then("250-mail\r\n250 STARTTLS\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(NegotiationOutcome.Kind.RETRY_IN_CLEAR, outcome.kind());
        assertEquals(Reasons.CONNECTION_CLOSED, outcome.reason());
    }

    @Test
    void aGreetingOfAnotherProtocolIsHandedOnUnchanged() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("* OK IMAP4rev1 ready\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(Reasons.UNEXPECTED_GREETING, outcome.reason());
        assertTrue(outcome.detail().contains("'* OK IMAP4rev1"), outcome.detail());
        assertArrayEquals("* OK IMAP4rev1 ready\r\n".getBytes(StandardCharsets.US_ASCII), outcome.replay());
        assertTrue(server.written().isEmpty());
    }

    @Test
    void aRejectingGreetingIsHandedOnWithoutACommand() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("554 5.3.2 no service\r\n");
        NegotiationOutcome outcome = smtp.negotiate(server);
        assertEquals(Reasons.SERVER_REJECTED, outcome.reason());
        assertTrue(server.written().isEmpty());
    }

    @Test
    void malformedAndMixedCodeRepliesAreViolations() {
        assertEquals(Reasons.PROTOCOL_VIOLATION, assertThrows(NegotiationException.class,
                () -> smtp.negotiate(ScriptedChannel.server("220-a\r\n250 b\r\n"))).reason());
        assertEquals(Reasons.PROTOCOL_VIOLATION, assertThrows(NegotiationException.class,
                () -> smtp.negotiate(ScriptedChannel.server("220 hi\r\n").then("25O ok\r\n"))).reason());
    }

    @Test
    void serverTextInReasonsIsPrintableAndShort() throws Exception {
        String evil = "454 " + "\u001b[31m".repeat(3) + "x".repeat(500) + "\r\n";
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n").then("250-mail\r\n250 STARTTLS\r\n").then(evil);
        String detail = smtp.negotiate(server).detail();
        assertTrue(detail.length() < 200, detail);
        assertTrue(detail.chars().allMatch(c -> c >= 0x20 && c < 0x7f), detail);
    }

    @Test
    void aReplyIsBoundedByBytesNotOnlyByLines() {
        // 511 lines of 1000 bytes: under the line count, over the bytes kept for one reply.
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < 510; i++) {
            reply.append("250-").append("x".repeat(996)).append("\r\n");
        }
        reply.append("250 STARTTLS\r\n");
        ScriptedChannel server = ScriptedChannel.server("220 hi\r\n").then(reply.toString());
        NegotiationException e = assertThrows(NegotiationException.class, () -> smtp.negotiate(server));
        assertEquals(Reasons.REPLY_TOO_LONG, e.reason());
    }
}
