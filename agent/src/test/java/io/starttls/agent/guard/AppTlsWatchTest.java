package io.starttls.agent.guard;

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
        return out(w, b(s));
    }

    private static byte[] out(AppTlsWatch w, byte[] bytes) {
        return w.outbound(bytes, 0, bytes.length);
    }

    private static void in(AppTlsWatch w, byte[] bytes) {
        w.inbound(bytes, 0, bytes.length);
    }

    /** A TLS record header of {@code type} and a payload of {@code length} zero bytes. */
    static byte[] record(int type, int length) {
        byte[] r = new byte[5 + length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (length >> 8);
        r[4] = (byte) length;
        if (type == 22 && length > 0) {
            r[5] = 1; // a ClientHello
        }
        return r;
    }

    private static AppTlsWatch afterStartTls(boolean enforce) {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.SMTP, enforce);
        out(w, "EHLO me\r\n");
        out(w, "STARTTLS\r\n");
        in(w, b("220 go ahead\r\n"));
        return w;
    }

    @Test
    void enforceHoldsBackCredentialsBeforeTheApplicationsTls() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.SMTP, true);
        assertArrayEquals(b("EHLO me\r\n"), out(w, "EHLO me\r\n"));
        assertArrayEquals(new byte[0], out(w, "AUTH PL"), "an incomplete line waits");
        assertNull(out(w, "AIN AGFsaWNlAHB3\r\n"), "credentials in clear are refused");
        assertEquals("the application sent AUTH before its own TLS was up", w.refusal());
    }

    @Test
    void afterThePositiveReplyOnlyTlsRecordsPassAndTheServerHelloIsRead() {
        AppTlsWatch w = afterStartTls(true);
        assertTrue(w.tlsStarted());
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, record(22, 300)), "the ClientHello");
        in(w, ServerHelloParserTest.tls13ServerHello());
        assertEquals("TLSv1.3", w.serverHello().version());
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, record(23, 40)), "an encrypted record");
        assertFalse(w.sawCredentials(), "what the application sends inside its TLS is not flagged");
    }

    @Test
    void enforceRefusesClearTextAfterTheServerAcceptedStartTls() {
        // The application's handshake failed, and it carries on over the plain stream.
        AppTlsWatch w = afterStartTls(true);
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, record(22, 300)));
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, record(21, 2)), "its alert");
        assertNull(out(w, "AUTH PLAIN AGFsaWNlAHB3\r\n"));
        assertTrue(w.refusal().contains("clear text after the server accepted its STARTTLS"), w.refusal());
    }

    @Test
    void enforceRefusesClearTextInsteadOfAHandshake() {
        AppTlsWatch w = afterStartTls(true);
        assertNull(out(w, "MAIL FROM:<a@example.test>\r\n"));
    }

    @Test
    void withoutEnforceClearTextAfterStartTlsIsFlaggedAndNoTlsIsClaimed() {
        AppTlsWatch w = afterStartTls(false);
        out(w, record(22, 300));
        in(w, ServerHelloParserTest.tls13ServerHello());
        out(w, record(21, 2));
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, "AUTH PLAIN AGFsaWNlAHB3\r\nMAIL FROM:<a@example.test>\r\n"));
        assertTrue(w.sawCredentials());
        assertTrue(w.sawMail());
        assertTrue(w.clearAfterTls());
        assertFalse(w.tlsCompleted());
    }

    @Test
    void aTls13HandshakeCompletesOnlyWithApplicationDataBothWays() {
        AppTlsWatch w = afterStartTls(true);
        out(w, record(22, 300));
        in(w, ServerHelloParserTest.tls13ServerHello());
        in(w, record(23, 500)); // encrypted extensions, certificate, finished
        out(w, record(20, 1));
        out(w, record(23, 53)); // the client's Finished, or its encrypted alert
        assertEquals(0, w.applicationDataSent(), "a Finished is no application data");
        in(w, record(23, 200)); // a session ticket
        assertFalse(w.tlsCompleted(), "a failed handshake has sent its alert and no more");
        out(w, record(23, 30)); // EHLO
        assertEquals(1, w.applicationDataSent());
        in(w, record(23, 60));
        assertTrue(w.tlsCompleted());
    }

    @Test
    void aRecordSplitOverManyWritesIsFollowed() {
        AppTlsWatch w = afterStartTls(true);
        byte[] r = record(22, 300);
        for (int i = 0; i < r.length; i += 7) {
            assertSame(AppTlsWatch.SEND_AS_IS, w.outbound(r, i, Math.min(7, r.length - i)));
        }
        assertNull(out(w, "QUIT\r\n"));
    }

    @Test
    void aRefusedStartTlsMeansClearTextAgain() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.IMAP, true);
        out(w, "a1 STARTTLS\r\n");
        in(w, b("* OK still here\r\na1 NO not now\r\n"));
        assertFalse(w.tlsStarted());
        assertNull(out(w, "a2 LOGIN alice secret\r\n"));
        assertEquals("the application sent LOGIN before its own TLS was up", w.refusal());
    }

    @Test
    void nothingMayFollowStartTlsBeforeTheServersAnswer() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.SMTP, true);
        assertNull(out(w, "STARTTLS\r\nAUTH PLAIN AGFsaWNlAHB3\r\n"));
    }

    @Test
    void withoutEnforceItOnlyFlags() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.POP3, false);
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, "USER a\r\n"));
        assertTrue(w.sawCredentials());
    }

    @Test
    void clearTextBehindAFakeRecordHeaderIsRefused() {
        AppTlsWatch w = afterStartTls(true);
        byte[] line = b("AUTH PLAIN AGFsaWNlAHB3\r\n");
        byte[] fake = new byte[5 + line.length];
        fake[0] = 22;
        fake[1] = 3;
        fake[2] = 1;
        fake[4] = (byte) line.length;
        System.arraycopy(line, 0, fake, 5, line.length);
        assertNull(out(w, fake), "a handshake record must hold a ClientHello");
    }

    @Test
    void onlyWellFormedRecordsPassBeforeTheHandshakeEnds() {
        AppTlsWatch heartbeat = afterStartTls(true);
        out(heartbeat, record(22, 300));
        assertNull(out(heartbeat, record(24, 40)), "a heartbeat record");
        AppTlsWatch longAlert = afterStartTls(true);
        out(longAlert, record(22, 300));
        assertNull(out(longAlert, record(21, 30)), "a plaintext alert is two bytes");
    }

    @Test
    void aStartTlsReplyThatTwoParsersWouldReadDifferentlyCountsAsAYes() {
        // Most clients take the first line's code (220), the RFC the last (454): the watch must
        // follow the TLS of a client that started it, not hold its ClientHello for ever.
        AppTlsWatch w = new AppTlsWatch(MailProtocol.SMTP, true);
        out(w, "EHLO me\r\n");
        out(w, "STARTTLS\r\n");
        in(w, b("220-go ahead\r\n454 not really\r\n"));
        assertTrue(w.tlsStarted());
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, record(22, 300)));
    }

    @Test
    void aClientHelloAfterWhatLookedLikeARefusalIsFollowedAsTls() {
        AppTlsWatch w = new AppTlsWatch(MailProtocol.IMAP, true);
        out(w, "a1 STARTTLS\r\n");
        in(w, b("a1 NO not now\r\n"));
        assertSame(AppTlsWatch.SEND_AS_IS, out(w, record(22, 300)), "not held back as an endless line");
        assertTrue(w.tlsStarted());
        assertNull(out(w, "a2 LOGIN alice secret\r\n"), "and clear text after it is refused");
    }

    /** A ClientHello-looking record header, then command lines inside its "payload". */
    private static byte[] fakeClientHello(String lines) {
        byte[] text = b(lines);
        byte[] r = new byte[6 + text.length];
        r[0] = 22;
        r[1] = 3;
        r[2] = 1;
        r[4] = (byte) (1 + text.length);
        r[5] = 1;
        System.arraycopy(text, 0, r, 6, text.length);
        return r;
    }

    @Test
    void commandLinesBehindAPlausibleHeaderAreClearText() {
        AppTlsWatch enforcing = afterStartTls(true);
        assertNull(out(enforcing, fakeClientHello("\r\nAUTH PLAIN AGFsaWNlAHB3\r\n")));
        AppTlsWatch fromTheStart = new AppTlsWatch(MailProtocol.SMTP, true);
        fromTheStart.tlsFromTheStart();
        assertNull(out(fromTheStart, fakeClientHello("\r\nMAIL FROM:<a@example.test>\r\n")));

        AppTlsWatch watching = afterStartTls(false);
        out(watching, fakeClientHello("\r\nAUTH PLAIN AGFsaWNlAHB3\r\nMAIL FROM:<a@example.test>\r\n"));
        assertTrue(watching.sawCredentials(), "the record says what crossed");
        assertTrue(watching.sawMail());
        assertFalse(watching.tlsCompleted());
    }
}
