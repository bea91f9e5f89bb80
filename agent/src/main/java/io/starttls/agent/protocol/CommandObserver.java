package io.starttls.agent.protocol;

import io.starttls.agent.config.MailProtocol;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches what the application sends in clear and raises flags when it sends credentials or mail,
 * or starts TLS itself. It looks only at command verbs: it keeps the first bytes of a line, never
 * a whole line, and it skips message content (SMTP DATA, BDAT chunks, IMAP literals), so nothing
 * secret is held or could be logged.
 */
public final class CommandObserver {
    /** What a command line carries. */
    public enum Kind { CREDENTIALS, MAIL, START_TLS, OTHER }

    private static final int HEAD = 128;
    private static final Pattern IMAP_LITERAL = Pattern.compile("\\{(\\d{1,10})\\+?\\}$");
    private static final Pattern BDAT = Pattern.compile("^BDAT +(\\d{1,12})", Pattern.CASE_INSENSITIVE);

    private final MailProtocol protocol;
    private static final int TAIL = 16;
    // Byte arrays, not StringBuilders: this runs for every byte of a clear-text session.
    private final byte[] head = new byte[HEAD];
    private final byte[] tail = new byte[TAIL];
    private int headLength;
    private long tailCount;
    private boolean inSmtpData;
    private long skipBytes;
    private boolean credentials;
    private boolean mail;
    private boolean startTls;
    private String startTlsTag;

    public CommandObserver(MailProtocol protocol) {
        this.protocol = protocol;
    }

    public void feed(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end && !startTls; i++) {
            if (skipBytes > 0) {
                long n = Math.min(skipBytes, end - i);
                skipBytes -= n;
                i += (int) n - 1;
                continue;
            }
            byte c = b[i];
            if (c == '\n') {
                endOfLine();
            } else if (c != '\r') {
                if (headLength < HEAD) {
                    head[headLength++] = c;
                }
                tail[(int) (tailCount++ % TAIL)] = c;
            }
        }
    }

    private void endOfLine() {
        String line = new String(head, 0, headLength, java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = (int) Math.min(tailCount, TAIL);
        byte[] last = new byte[n];
        for (int k = 0; k < n; k++) {
            last[k] = tail[(int) ((tailCount - n + k) % TAIL)];
        }
        String end = new String(last, java.nio.charset.StandardCharsets.ISO_8859_1);
        headLength = 0;
        tailCount = 0;
        switch (protocol) {
            case SMTP:
                smtpLine(line);
                break;
            case IMAP:
                imapLine(line, end);
                break;
            default:
                pop3Line(line);
                break;
        }
    }

    private void smtpLine(String line) {
        if (inSmtpData) {
            inSmtpData = !line.equals(".");
            return;
        }
        String verb = word(line, 0);
        if (verb.equals("DATA")) {
            inSmtpData = true;
        } else if (verb.equals("BDAT")) {
            Matcher m = BDAT.matcher(line);
            if (m.find()) {
                skipBytes = Long.parseLong(m.group(1));
            }
        }
        note(classify(MailProtocol.SMTP, line));
    }

    private void imapLine(String line, String end) {
        Kind kind = classify(MailProtocol.IMAP, line);
        if (kind == Kind.START_TLS) {
            startTlsTag = word(line, 0);
        }
        note(kind);
        Matcher literal = IMAP_LITERAL.matcher(end);
        if (literal.find()) {
            skipBytes = Long.parseLong(literal.group(1));
        }
    }

    private void pop3Line(String line) {
        note(classify(MailProtocol.POP3, line));
    }

    private void note(Kind kind) {
        credentials |= kind == Kind.CREDENTIALS;
        mail |= kind == Kind.MAIL;
        startTls |= kind == Kind.START_TLS;
    }

    /** What one command line of the application carries, judged by its verb alone. */
    public static Kind classify(MailProtocol protocol, String line) {
        switch (protocol) {
            case SMTP: {
                String verb = word(line, 0);
                if (verb.equals("AUTH")) {
                    return Kind.CREDENTIALS;
                }
                if (verb.equals("MAIL") || verb.equals("RCPT") || verb.equals("DATA") || verb.equals("BDAT")) {
                    return Kind.MAIL;
                }
                return verb.equals("STARTTLS") ? Kind.START_TLS : Kind.OTHER;
            }
            case IMAP: {
                String verb = word(line, 1);
                if (verb.equals("UID")) {
                    verb = word(line, 2);
                }
                String upper = line.toUpperCase(Locale.ROOT);
                if (verb.equals("LOGIN") || verb.equals("AUTHENTICATE")) {
                    return Kind.CREDENTIALS;
                }
                if (verb.equals("APPEND") || (verb.equals("FETCH") && (upper.contains("BODY[")
                        || upper.contains("BODY.PEEK[") || upper.contains("RFC822") || upper.contains("BINARY[")))) {
                    return Kind.MAIL;
                }
                return verb.equals("STARTTLS") ? Kind.START_TLS : Kind.OTHER;
            }
            default: {
                String verb = word(line, 0);
                if (verb.equals("USER") || verb.equals("PASS") || verb.equals("APOP") || verb.equals("AUTH")) {
                    return Kind.CREDENTIALS;
                }
                if (verb.equals("RETR") || verb.equals("TOP")) {
                    return Kind.MAIL;
                }
                return verb.equals("STLS") ? Kind.START_TLS : Kind.OTHER;
            }
        }
    }

    /** The n-th space-separated word, upper case, or "" when the line is shorter. */
    private static String word(String line, int n) {
        String[] words = line.trim().split(" +", n + 2);
        return words.length > n ? words[n].toUpperCase(Locale.ROOT) : "";
    }

    /** The application sent a login, a password or an AUTH exchange. */
    public boolean sawCredentials() {
        return credentials;
    }

    /** The application sent or fetched mail (envelope or content). */
    public boolean sawMail() {
        return mail;
    }

    /** The application asked for STARTTLS itself; what follows is its own TLS, not for us to read. */
    public boolean sawStartTls() {
        return startTls;
    }

    /** The tag of the application's IMAP STARTTLS command (upper case), or null. */
    public String startTlsTag() {
        return startTlsTag;
    }

    /** The server refused the application's STARTTLS: what follows is clear text again. */
    public void resumeAfterRefusedStartTls() {
        startTls = false;
    }
}
