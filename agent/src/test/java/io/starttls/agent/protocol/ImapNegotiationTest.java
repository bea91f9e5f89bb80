package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapNegotiationTest {
    private final ImapNegotiation imap = new ImapNegotiation(65536);

    @Test
    void capabilitiesFromTheGreetingSaveARoundTripAndAreForgottenAfterTls() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hi\r\n")
                .then("STLS2 OK begin\r\n");
        NegotiationOutcome outcome = imap.negotiate(server);
        assertEquals(NegotiationOutcome.Kind.START_TLS, outcome.kind());
        assertEquals(List.of("STLS2 STARTTLS"), server.written());
        assertEquals("* OK hi\r\n", new String(outcome.replay(), StandardCharsets.US_ASCII));
    }

    @Test
    void withoutCapabilitiesInTheGreetingItAsks() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("* OK ready\r\n")
                .then("* CAPABILITY IMAP4rev1 STARTTLS\r\nSTLS1 OK done\r\n")
                .then("* OK [ALERT] maintenance tonight\r\n+ stray continuation\r\nSTLS2 OK begin\r\n");
        assertEquals(NegotiationOutcome.Kind.START_TLS, imap.negotiate(server).kind());
        assertEquals(List.of("STLS1 CAPABILITY", "STLS2 STARTTLS"), server.written());
    }

    @Test
    void untaggedResponsesWithLiteralsAreReadPast() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("* OK ready\r\n")
                .then("* ID (\"name\" {5}\r\nSTLS1)\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nSTLS1 OK done\r\n")
                .then("STLS2 OK begin\r\n");
        assertEquals(NegotiationOutcome.Kind.START_TLS, imap.negotiate(server).kind());
    }

    @Test
    void aReplyWithAnotherTagIsNotOurs() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n")
                .then("A1 OK begin\r\n");
        NegotiationOutcome outcome = imap.negotiate(server);
        assertEquals(NegotiationOutcome.Kind.RETRY_IN_CLEAR, outcome.kind());
        assertEquals(Reasons.PROTOCOL_VIOLATION, outcome.reason());
    }

    @Test
    void badAndNoAreRefusals() throws Exception {
        for (String reply : new String[] {"STLS2 BAD no\r\n", "STLS2 NO later\r\n"}) {
            ScriptedChannel server = ScriptedChannel.server("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n").then(reply);
            assertEquals(Reasons.STARTTLS_REFUSED, imap.negotiate(server).reason());
        }
    }

    @Test
    void preauthIsADowngradeAndByeIsTheServersOwnEnd() throws Exception {
        NegotiationOutcome preauth = imap.negotiate(ScriptedChannel.server("* PREAUTH welcome\r\n"));
        assertEquals(Reasons.PREAUTH_GREETING, preauth.reason());
        assertEquals(NegotiationOutcome.Kind.CLEAR_ONLY, preauth.kind());
        NegotiationOutcome bye = imap.negotiate(ScriptedChannel.server("* BYE too busy\r\n"));
        assertEquals(NegotiationOutcome.Kind.SERVER_CLOSING, bye.kind());
        assertEquals("* BYE too busy\r\n", new String(bye.replay(), StandardCharsets.US_ASCII));
    }

    @Test
    void injectionBehindTheTaggedOkAborts() throws Exception {
        ScriptedChannel server = ScriptedChannel.server("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n")
                .then("STLS2 OK begin\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n");
        assertEquals(Reasons.STARTTLS_INJECTION, imap.negotiate(server).reason());
    }

    @Test
    void aHugeLiteralIsRefused() {
        ScriptedChannel server = ScriptedChannel.server("* OK ready\r\n").then("* X {99999999}\r\n");
        assertEquals(Reasons.LINE_TOO_LONG,
                assertThrows(NegotiationException.class, () -> imap.negotiate(server)).reason());
    }
}
