package io.starttls.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.agent.config.MailProtocol;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandObserverTest {
    private static CommandObserver fed(MailProtocol protocol, String... writes) {
        CommandObserver o = new CommandObserver(protocol);
        for (String w : writes) {
            byte[] b = w.getBytes(StandardCharsets.ISO_8859_1);
            o.feed(b, 0, b.length);
        }
        return o;
    }

    @Test
    void smtpCommandsSplitAcrossWritesAreSeen() {
        CommandObserver o = fed(MailProtocol.SMTP, "EHLO x\r\nAU", "TH PLAIN AGJvYgBzZWNyZXQ=\r\n");
        assertTrue(o.sawCredentials());
        assertFalse(o.sawMail());
        assertTrue(fed(MailProtocol.SMTP, "mail from:<a@b>\r\n").sawMail());
    }

    @Test
    void messageContentIsNotReadAsCommands() {
        CommandObserver o = fed(MailProtocol.SMTP, "DATA\r\n", "STARTTLS\r\nAUTH nothing\r\n.\r\n");
        assertTrue(o.sawMail());
        assertFalse(o.sawStartTls(), "a line of the message is not a command");
        assertFalse(o.sawCredentials());
        assertTrue(fed(MailProtocol.SMTP, "DATA\r\nbody\r\n.\r\nSTARTTLS\r\n").sawStartTls());
    }

    @Test
    void imapLiteralsAreSkipped() {
        CommandObserver o = fed(MailProtocol.IMAP, "A1 APPEND INBOX {20}\r\n", "A2 STARTTLS\r\nxxxxxxxxx\r\n",
                "\r\n");
        assertTrue(o.sawMail());
        assertFalse(o.sawStartTls());
        assertTrue(fed(MailProtocol.IMAP, "a LOGIN bob pw\r\n").sawCredentials());
        assertTrue(fed(MailProtocol.IMAP, "a UID FETCH 1 (BODY.PEEK[])\r\n").sawMail());
        assertFalse(fed(MailProtocol.IMAP, "a FETCH 1 (FLAGS)\r\n").sawMail());
    }

    @Test
    void pop3() {
        assertTrue(fed(MailProtocol.POP3, "USER bob\r\nPASS pw\r\n").sawCredentials());
        assertTrue(fed(MailProtocol.POP3, "RETR 1\r\n").sawMail());
        assertTrue(fed(MailProtocol.POP3, "STLS\r\n").sawStartTls());
    }
}
