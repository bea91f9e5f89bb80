package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3NegotiationTest {
    private static final String GREETING = "+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n";
    private final Pop3Negotiation pop3 = new Pop3Negotiation();

    @Test
    void stlsFromCapaAndTheGreetingKeptByteForByte() throws Exception {
        ScriptedChannel server = ScriptedChannel.server(GREETING).then("+OK\r\nTOP\r\nstls\r\nUSER\r\n.\r\n")
                .then("+OK begin\r\n");
        NegotiationOutcome outcome = pop3.negotiate(server);
        assertEquals(NegotiationOutcome.Kind.START_TLS, outcome.kind());
        assertEquals(List.of("CAPA", "STLS"), server.written());
        assertArrayEquals(GREETING.getBytes(StandardCharsets.US_ASCII), outcome.replay());
    }

    @Test
    void capaWithoutStlsEndsThereWithoutAskingForIt() throws Exception {
        ScriptedChannel server = ScriptedChannel.server(GREETING).then("+OK\r\nTOP\r\nUSER\r\n.\r\n");
        assertEquals(Reasons.STARTTLS_NOT_SUPPORTED, pop3.negotiate(server).reason());
        assertEquals(List.of("CAPA"), server.written());
    }

    @Test
    void aServerWithoutCapaIsAskedForStlsAnyway() throws Exception {
        ScriptedChannel server = ScriptedChannel.server(GREETING).then("-ERR what\r\n").then("+OK go\r\n");
        assertEquals(NegotiationOutcome.Kind.START_TLS, pop3.negotiate(server).kind());
        ScriptedChannel neither = ScriptedChannel.server(GREETING).then("-ERR what\r\n").then("-ERR what\r\n");
        assertEquals(Reasons.STARTTLS_NOT_SUPPORTED, pop3.negotiate(neither).reason());
    }

    @Test
    void refusalAndInjection() throws Exception {
        ScriptedChannel refused = ScriptedChannel.server(GREETING).then("+OK\r\nSTLS\r\n.\r\n")
                .then("-ERR [SYS/TEMP] later\r\n");
        assertEquals(Reasons.STARTTLS_REFUSED, pop3.negotiate(refused).reason());
        ScriptedChannel injected = ScriptedChannel.server(GREETING).then("+OK\r\nSTLS\r\n.\r\n")
                .then("+OK begin\r\n+OK logged in\r\n");
        assertEquals(Reasons.STARTTLS_INJECTION, pop3.negotiate(injected).reason());
    }
}
