package io.starttls.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.starttls.agent.config.MailProtocol;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FirstExchangeTest {

    @ParameterizedTest(name = "server ''{0}'' then client ''{1}'' is {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // SMTP: the client's greeting decides, whatever came before it.
        "220 mx ESMTP\\r\\n        | EHLO client\\r\\n         | SMTP",
        "220 mx ESMTP\\r\\n        | helo client\\r\\n         | SMTP",
        "220-mx\\r\\n220 mx\\r\\n  | LHLO client\\r\\n         | SMTP",
        "                         | EHLO client\\r\\n         | SMTP",
        "SSH-2.0-x\\r\\n           | EHLO client\\r\\n         | SMTP",
        "421 busy\\r\\n            | EHLO client\\r\\n         | SMTP",
        "220 mx\\r\\n              | MAIL FROM:<a@b>\\r\\n     | SMTP",
        "                         | MAIL FROM:<a@b>\\r\\n     | NOT_MAIL",
        // FTP greets like SMTP; its commands are not SMTP's.
        "220 ftp.example ESMTP\\r\\n | USER anonymous\\r\\n    | NOT_MAIL",
        "220 ftp.example\\r\\n     | AUTH TLS\\r\\n            | NOT_MAIL",
        "220 ftp.example\\r\\n     | NOOP\\r\\n                | NOT_MAIL",
        // POP3.
        "+OK ready\\r\\n           | USER alice\\r\\n          | POP3",
        "+OK ready\\r\\n           | AUTH PLAIN\\r\\n          | POP3",
        "-ERR busy\\r\\n           | USER alice\\r\\n          | POP3",
        "+OK ready\\r\\n           | CAPA\\r\\n                | POP3",
        "                         | STLS\\r\\n                | POP3",
        "+OK <1.2@x>\\r\\n         | APOP alice 0123abcd\\r\\n | POP3",
        "                         | USER alice\\r\\n          | NOT_MAIL",
        // IMAP.
        "* OK ready\\r\\n          | a1 LOGIN alice pw\\r\\n   | IMAP",
        "* OK ready\\r\\n          | A001 CAPABILITY\\r\\n     | IMAP",
        "                         | x AUTHENTICATE PLAIN\\r\\n | IMAP",
        "* PREAUTH hi\\r\\n        | a1 SELECT INBOX\\r\\n     | IMAP",
        "* OK ready\\r\\n          | a1 NOOP\\r\\n             | IMAP",
        "                         | a1 NOOP\\r\\n             | NOT_MAIL",
        "                         | CLIENT ID\\r\\n           | NOT_MAIL",
        "* OK ready\\r\\n          | a+1 LOGIN x y\\r\\n       | NOT_MAIL",
        // Other protocols, where the client speaks first or the server greets otherwise.
        "                         | GET / HTTP/1.1\\r\\n      | NOT_MAIL",
        "                         | POST /login HTTP/1.1\\r\\n | NOT_MAIL",
        "SSH-2.0-OpenSSH\\r\\n     | SSH-2.0-client\\r\\n      | NOT_MAIL",
        "                         | PING\\r\\n                | NOT_MAIL",
        "+OK\\r\\n                 | AUTH secret\\r\\n         | POP3",
        "                         | AUTH secret\\r\\n         | NOT_MAIL",
    })
    void recognises(String server, String client, String expected) {
        assertSame(expected(expected), recognise(server, client));
    }

    @ParameterizedTest(name = "''{0}'' needs more")
    @ValueSource(strings = {"E", "EH", "EHLO", "a1", "a1 ", "a1 LOG", "A001 CAPA", "US", ""})
    void waitsForAWholeWord(String client) {
        assertSame(FirstExchange.MORE, recognise("* OK x\\r\\n", client));
    }

    @ParameterizedTest(name = "''{0}'' is decided at once")
    @ValueSource(strings = {"\\u0016\\u0003\\u0001", "GET /", "a1 FOO", "{", "PING\\r\\n"})
    void rulesMailOutAtTheFirstTellingByte(String client) {
        assertSame(FirstExchange.NOT_MAIL, recognise("", client));
    }

    @org.junit.jupiter.api.Test
    void aFirstWordLongerThanAnyTagIsNotMail() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < FirstExchange.MAX_LOOK + 1; i++) {
            b.append('a');
        }
        assertSame(FirstExchange.NOT_MAIL, recognise("* OK\\r\\n", b.toString()));
    }

    @ParameterizedTest(name = "{0} ''{1}'' starts TLS: {2}")
    @CsvSource(delimiter = '|', value = {"POP3|STLS\\r\\n|true", "IMAP|a1 STARTTLS\\r\\n|true",
        "IMAP|a1 starttls\\r\\n|true", "IMAP|a1 LOGIN x y\\r\\n|false", "SMTP|EHLO starttls\\r\\n|false",
        "POP3|USER starttls\\r\\n|false", "POP3|STLS|false", "IMAP|a+ STARTTLS\\r\\n|false"})
    void knowsAnApplicationThatStartsTlsItself(MailProtocol protocol, String client, boolean expected) {
        byte[] c = unescape(client);
        org.junit.jupiter.api.Assertions.assertEquals(expected, FirstExchange.startsTls(protocol, c, 0, c.length));
    }

    /** A greeting the application read only the start of (it came in pieces) still counts. */
    @ParameterizedTest(name = "''{0}'' then ''{1}'' is {2}")
    @CsvSource(delimiter = '|', value = {"+|USER bob\\r\\n|POP3", "+O|AUTH PLAIN\\r\\n|POP3", "-|USER bob\\r\\n|POP3",
        "2|MAIL FROM:<a@b>\\r\\n|SMTP", "22|MAIL FROM:<a@b>\\r\\n|SMTP", "*|a1 NOOP\\r\\n|IMAP",
        "2|USER bob\\r\\n|NOT_MAIL", "x|USER bob\\r\\n|NOT_MAIL"})
    void aGreetingReadInPiecesStillCounts(String server, String client, String expected) {
        assertSame(expected(expected), recognise(server, client));
    }

    @org.junit.jupiter.api.Test
    void anImapTagOfAnyLengthIsAllowed() {
        StringBuilder tag = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            tag.append((char) ('a' + i % 26));
        }
        assertSame(MailProtocol.IMAP, recognise("* OK ready\\r\\n", tag + " LOGIN bob secret\\r\\n"));
    }

    private static Object expected(String word) {
        return word.equals("NOT_MAIL") ? FirstExchange.NOT_MAIL : MailProtocol.valueOf(word);
    }

    private static Object recognise(String server, String client) {
        byte[] s = unescape(server == null ? "" : server);
        byte[] c = unescape(client);
        byte[] padded = new byte[c.length + 3];
        System.arraycopy(c, 0, padded, 2, c.length);
        return FirstExchange.recognise(s, s.length, padded, 2, c.length);
    }

    private static byte[] unescape(String s) {
        String t = s.replace("\\r", "\r").replace("\\n", "\n");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            if (t.startsWith("\\u", i)) {
                out.append((char) Integer.parseInt(t.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(t.charAt(i));
            }
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
