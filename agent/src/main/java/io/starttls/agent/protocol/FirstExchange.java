package io.starttls.agent.protocol;

import io.starttls.agent.config.MailProtocol;
import java.util.Locale;

/**
 * Recognises a mail session on a port nobody listed, from its first exchange: what the server sent
 * before the client's first write (possibly nothing), and the client's first bytes. A greeting
 * alone is no proof (an FTP server greets with {@code 220} too), so the client's first command
 * decides, and the greeting settles the words that two protocols share:
 * <ul>
 *   <li>SMTP: {@code EHLO}, {@code HELO} or {@code LHLO}, whatever came before (no other protocol
 *       opens with them); {@code MAIL} after a three-digit greeting;</li>
 *   <li>POP3: {@code CAPA}, {@code APOP}, {@code STLS}; {@code USER} or {@code AUTH} only after a
 *       {@code +OK} or {@code -ERR} greeting (after {@code 220} they are FTP's);</li>
 *   <li>IMAP: a tag, then {@code LOGIN}, {@code AUTHENTICATE}, {@code STARTTLS} or
 *       {@code CAPABILITY}; other IMAP commands only after an untagged {@code *} greeting.</li>
 * </ul>
 * Everything else is not mail, decided at the first byte that rules mail out, so that the bytes of
 * other protocols are held back as little as possible. A client that writes its command in pieces
 * gets {@link #MORE} until a word is complete.
 */
public final class FirstExchange {
    /** The client's bytes so far could still begin a mail command: look again with more. */
    public static final Object MORE = new Object();
    /** Not a mail session: leave it alone for good. */
    public static final Object NOT_MAIL = new Object();
    /**
     * The longest first command part that is looked at (an IMAP tag has no length limit; an SMTP
     * command line is at most 512 bytes); longer and still undecided is not mail.
     */
    static final int MAX_LOOK = 512;

    private static final String[] SMTP_OPENERS = {"EHLO", "HELO", "LHLO"};
    private static final String[] POP3_OPENERS = {"CAPA", "APOP", "STLS"};
    private static final String[] POP3_SHARED = {"USER", "AUTH"};
    private static final String[] IMAP_OPENERS = {"LOGIN", "AUTHENTICATE", "STARTTLS", "CAPABILITY"};
    private static final String[] IMAP_AFTER_GREETING = {
        "NOOP", "LOGOUT", "ID", "ENABLE", "SELECT", "EXAMINE", "LIST", "LSUB", "STATUS", "NAMESPACE",
        "APPEND", "CREATE", "IDLE", "COMPRESS"
    };

    private enum Greeting { NONE, SMTP_LIKE, IMAP_LIKE, POP3_LIKE, OTHER }

    private FirstExchange() {
    }

    /**
     * @param server the bytes the server sent before the client's first write (only the first
     *               few are looked at); empty when the client spoke first
     * @param client the client's first bytes so far
     * @return a {@link MailProtocol}, {@link #MORE} or {@link #NOT_MAIL}
     */
    public static Object recognise(byte[] server, int serverLength, byte[] client, int clientOffset, int clientLength) {
        Greeting greeting = greeting(server, serverLength);
        int end = clientOffset + Math.min(clientLength, MAX_LOOK);
        int i = clientOffset;
        int firstStart = i;
        while (i < end && isWordByte(client[i])) {
            i++;
        }
        String first = ascii(client, firstStart, i);
        if (i == end) {
            // The first word is not complete yet.
            return clientLength >= MAX_LOOK || !couldBegin(first) ? NOT_MAIL : MORE;
        }
        byte delimiter = client[i];
        if (delimiter != ' ' && delimiter != '\r' && delimiter != '\n') {
            return NOT_MAIL;
        }
        String word = first.toUpperCase(Locale.ROOT);
        if (in(word, SMTP_OPENERS)) {
            return MailProtocol.SMTP;
        }
        if (word.equals("MAIL") && greeting == Greeting.SMTP_LIKE) {
            return MailProtocol.SMTP;
        }
        if (in(word, POP3_OPENERS) || (in(word, POP3_SHARED) && greeting == Greeting.POP3_LIKE)) {
            return MailProtocol.POP3;
        }
        if (delimiter != ' ' || !isTag(first)) {
            return NOT_MAIL;
        }
        int commandStart = ++i;
        while (i < end && isWordByte(client[i])) {
            i++;
        }
        String command = ascii(client, commandStart, i).toUpperCase(Locale.ROOT);
        if (i == end) {
            return clientLength >= MAX_LOOK || !isPrefixOfAny(command, IMAP_OPENERS, IMAP_AFTER_GREETING) ? NOT_MAIL
                    : MORE;
        }
        byte after = client[i];
        if (after != ' ' && after != '\r' && after != '\n') {
            return NOT_MAIL;
        }
        if (in(command, IMAP_OPENERS) || (in(command, IMAP_AFTER_GREETING) && greeting == Greeting.IMAP_LIKE)) {
            return MailProtocol.IMAP;
        }
        return NOT_MAIL;
    }

    /**
     * True when the client's first command, recognised as {@code protocol}, is that protocol's
     * STARTTLS (POP3 {@code STLS}, IMAP {@code tag STARTTLS}): the application runs TLS itself,
     * and the agent only watches. (An SMTP client says EHLO first, so this never holds for SMTP.)
     */
    public static boolean startsTls(MailProtocol protocol, byte[] client, int offset, int length) {
        String line = ascii(client, offset, offset + Math.min(length, MAX_LOOK));
        int end = line.indexOf('\r') >= 0 ? line.indexOf('\r') : line.indexOf('\n');
        if (end < 0) {
            return false;
        }
        String[] words = line.substring(0, end).split(" ", -1);
        if (protocol == MailProtocol.POP3) {
            return words.length == 1 && words[0].equalsIgnoreCase("STLS");
        }
        return protocol == MailProtocol.IMAP && words.length == 2 && isTag(words[0])
                && words[1].equalsIgnoreCase("STARTTLS");
    }

    /** True when a server's first bytes could begin a mail greeting (SMTP, IMAP or POP3). */
    public static boolean mayBeGreeting(byte[] server, int length) {
        Greeting g = greeting(server, length);
        return g != Greeting.OTHER;
    }

    private static Greeting greeting(byte[] server, int length) {
        if (length == 0) {
            return Greeting.NONE;
        }
        if (length < 4) {
            // The application read only the start of the greeting (it came in pieces): judged by
            // what it can still become, so a split "+OK" is still POP3's.
            return prefixOf(server, length, "220 ") || isDigit(server[0]) && allDigits(server, length)
                    ? Greeting.SMTP_LIKE : prefixOf(server, length, "* ") ? Greeting.IMAP_LIKE
                    : prefixOf(server, length, "+OK") || prefixOf(server, length, "-ERR") ? Greeting.POP3_LIKE
                    : Greeting.OTHER;
        }
        if (length >= 4 && isDigit(server[0]) && isDigit(server[1]) && isDigit(server[2])
                && (server[3] == ' ' || server[3] == '-' || server[3] == '\r' || server[3] == '\n')) {
            return Greeting.SMTP_LIKE;
        }
        if (length >= 2 && server[0] == '*' && server[1] == ' ') {
            return Greeting.IMAP_LIKE;
        }
        if (startsWith(server, length, "+OK") || startsWith(server, length, "-ERR")) {
            return Greeting.POP3_LIKE;
        }
        return Greeting.OTHER;
    }

    /** True when a first word still being written could become a mail command (or an IMAP tag). */
    private static boolean couldBegin(String partial) {
        String upper = partial.toUpperCase(Locale.ROOT);
        return isPrefixOfAny(upper, SMTP_OPENERS, POP3_OPENERS, POP3_SHARED, new String[] {"MAIL"}) || isTag(partial);
    }

    /** An IMAP tag: ASTRING-CHARs except "+" (RFC 3501 section 9). */
    private static boolean isTag(String word) {
        if (word.isEmpty()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            char c = word.charAt(k);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\+".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWordByte(byte b) {
        return b > 0x20 && b < 0x7f;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean prefixOf(byte[] bytes, int length, String word) {
        if (length > word.length()) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (bytes[k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allDigits(byte[] bytes, int length) {
        for (int k = 0; k < Math.min(length, 3); k++) {
            if (!isDigit(bytes[k])) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, int length, String prefix) {
        if (length < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (bytes[k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean in(String word, String[] words) {
        for (String w : words) {
            if (w.equals(word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPrefixOfAny(String partial, String[]... lists) {
        for (String[] list : lists) {
            for (String w : list) {
                if (w.startsWith(partial)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String ascii(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        for (int k = from; k < to; k++) {
            chars[k - from] = (char) (bytes[k] & 0xff);
        }
        return new String(chars);
    }
}
