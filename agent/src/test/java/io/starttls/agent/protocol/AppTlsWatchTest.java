package io.starttls.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.tls.ServerHelloParserTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AppTlsWatchTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] out(AppTlsWatch w, String s) {
        byte[] bytes = b(s);
        return w.outbound(bytes, 0, bytes.length);
    }

    private static void in(AppTlsWatch w, byte[] bytes) {
        w.inbound(bytes, 0, bytes.length);
    }

    @Test
    void enforceHoldsBackCredentialsBeforeTheApplicationsTls() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.SMTP, true);
        assertArrayEquals(b("EHLO me\r\n"), out(w, "EHLO me\r\n"));
        assertArrayEquals(new byte[0], out(w, "AUTH PL"), "an incomplete line waits");
        assertNull(out(w, "AIN AGFsaWNlAHB3\r\n"), "credentials in clear are refused");
        assertEquals("AUTH", w.refusedCommand());
    }

    @Test
    void afterThePositiveReplyEverythingIsTlsAndTheServerHelloIsRead() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.SMTP, true);
        out(w, "EHLO me\r\n");
        out(w, "STARTTLS\r\n");
        in(w, b("220 go ahead\r\n"));
        assertTrue(w.tlsStarted());
        in(w, ServerHelloParserTest.tls13ServerHello());
        assertEquals("TLSv1.3", w.serverHello().version());
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, "AUTH PLAIN x\r\n"), "inside TLS nothing is inspected");
        assertFalse(w.sawCredentials(), "what the application sends inside its TLS is not flagged");
    }

    @Test
    void aRefusedStartTlsMeansClearTextAgain() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.IMAP, true);
        out(w, "a1 STARTTLS\r\n");
        in(w, b("* OK still here\r\na1 NO not now\r\n"));
        assertFalse(w.tlsStarted());
        assertNull(out(w, "a2 LOGIN alice secret\r\n"));
        assertEquals("LOGIN", w.refusedCommand());
    }

    @Test
    void withoutEnforceItOnlyFlags() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.POP3, false);
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, "USER a\r\n"));
        assertTrue(w.sawCredentials());
    }
}
