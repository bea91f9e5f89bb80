package io.starttls.agent.guard;

import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.protocol.CommandObserver;
import io.starttls.agent.protocol.SmtpReply;
import io.starttls.agent.tls.ServerHelloParser;
import io.starttls.agent.tls.TlsRecordFraming;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Watches a connection whose TLS the application runs itself (JavaMail or Commons Net configured
 * for STARTTLS, a rule, or TLS from the first byte). It follows the application's STARTTLS and the
 * server's answer, then the TLS records in both directions: the version from the ServerHello, and
 * whether the handshake completed (application data in both directions). Asked to enforce, it holds
 * back every command line that would carry credentials or mail in clear, and after the server's yes
 * to STARTTLS it lets through only TLS records: an application whose handshake failed and that then
 * goes on over the plain stream is refused. Not enforcing, it flags what crossed in clear.
 */
final class AppTlsWatch {
    private enum Phase { CLEAR, STARTTLS_SENT, TLS }

    private static final int MAX_LINE = 64 * 1024;
    /** Returned by {@link #outbound} when the bytes may go out as they are (compare by identity). */
    static final byte[] SEND_AS_IS = new byte[0];

    private final MailProtocol protocol;
    private final boolean enforce;
    private final CommandObserver observer;
    private final ByteArrayOutputStream heldLine = new ByteArrayOutputStream();
    private final ByteArrayOutputStream replyLine = new ByteArrayOutputStream();
    private final ServerHelloParser hello = new ServerHelloParser();
    private TlsRecordFraming clientRecords = new TlsRecordFraming(true);
    private TlsRecordFraming serverRecords = new TlsRecordFraming(false);
    /** SMTP: a line of the STARTTLS reply said 220 (clients read the first line's code, the RFC the last). */
    private boolean replySaid220;
    private Phase phase = Phase.CLEAR;
    private String refused;
    private boolean clearAfterTls;
    /** Command lines in the client's records before its first application data (none in real TLS). */
    private CommandObserver behindHeaders;
    private boolean clearBehindHeaders;
    private boolean credentialsBehindHeaders;
    private boolean mailBehindHeaders;
    /** Client application-data records sent when the server's first one after them was seen. */
    private int serverAnsweredDataRecords = -1;

    AppTlsWatch(MailProtocol protocol, boolean enforce) {
        this.protocol = protocol;
        this.enforce = enforce;
        this.observer = new CommandObserver(protocol);
    }

    /** The application speaks TLS from its first byte (implicit TLS over a plain socket). */
    void tlsFromTheStart() {
        enterTls();
    }

    /** A TLS handshake record header: what an application doing TLS itself sends first. */
    static boolean looksLikeTlsRecord(byte[] b, int off, int len) {
        return len >= 3 && b[off] == 22 && b[off + 1] == 3 && b[off + 2] >= 0 && b[off + 2] <= 4;
    }

    /**
     * The application's bytes. Returns those that may be sent now (complete, harmless lines under
     * enforce), {@link #SEND_AS_IS} when all of them may go as they are, or null when they would
     * carry credentials, mail, or clear text after the application's STARTTLS.
     */
    byte[] outbound(byte[] b, int off, int len) {
        if (phase != Phase.TLS && heldLine.size() == 0 && looksLikeTlsRecord(b, off, len)) {
            // The application starts TLS although this watch did not read a yes to its STARTTLS
            // (a server may word its answer so that two parsers differ): TLS it is, and it is
            // followed and checked as such rather than held back as a line that never ends.
            enterTls();
        }
        if (phase == Phase.TLS) {
            int clear = clientRecords.feed(b, off, len);
            if (clear < 0 && behindHeaders != null) {
                // Until its first application-data record (whose session is then checked), what
                // the client sends is readable handshake: command lines in it are clear text
                // behind record headers, not TLS.
                behindHeaders.feed(b, off, len);
                if (behindHeaders.sawCredentials() || behindHeaders.sawMail()) {
                    if (enforce) {
                        refused = "credentials or mail in clear behind TLS record headers";
                        return null;
                    }
                    clearBehindHeaders = true;
                    credentialsBehindHeaders |= behindHeaders.sawCredentials();
                    mailBehindHeaders |= behindHeaders.sawMail();
                }
                if (clientRecords.applicationDataRecords() > 0) {
                    behindHeaders = null;
                }
            }
            if (clear < 0) {
                return SEND_AS_IS;
            }
            if (enforce) {
                refused = "clear text after the server accepted its STARTTLS";
                return null;
            }
            // Its own TLS did not come up and it carries on in clear: watch that as clear text.
            clearAfterTls = true;
            phase = Phase.CLEAR;
            observer.resumeAfterRefusedStartTls();
            off += clear;
            len -= clear;
        }
        if (!enforce) {
            observeClear(b, off, len);
            return SEND_AS_IS;
        }
        ByteArrayOutputStream allowed = new ByteArrayOutputStream(len);
        for (int i = off; i < off + len; i++) {
            heldLine.write(b[i]);
            if (b[i] == '\n' || heldLine.size() >= MAX_LINE) {
                byte[] line = heldLine.toByteArray();
                heldLine.reset();
                String text = SmtpReply.stripEol(new String(line, StandardCharsets.ISO_8859_1));
                CommandObserver.Kind kind = CommandObserver.classify(protocol, text);
                if (kind == CommandObserver.Kind.CREDENTIALS || kind == CommandObserver.Kind.MAIL) {
                    refused = verb(text);
                    return null;
                }
                allowed.write(line, 0, line.length);
                observeClear(line, 0, line.length);
                if (phase == Phase.STARTTLS_SENT && i + 1 < off + len) {
                    // Nothing may follow STARTTLS before the server's answer: it is a TLS handshake
                    // or, after a refusal, clear text that must be looked at again.
                    refused = "bytes behind its STARTTLS, before the server answered";
                    return null;
                }
            }
        }
        return allowed.toByteArray();
    }

    /** The server's bytes, on their way to the application. */
    void inbound(byte[] b, int off, int len) {
        if (phase == Phase.TLS) {
            hello.feed(b, off, len);
            int before = serverRecords.applicationDataRecords();
            serverRecords.feed(b, off, len);
            if (serverAnsweredDataRecords < 0 && serverRecords.applicationDataRecords() > before) {
                int sent = clientRecords.applicationDataRecords();
                if (sent >= dataRecordsBeforeApplicationData() + 1) {
                    serverAnsweredDataRecords = sent;
                }
            }
            return;
        }
        if (phase != Phase.STARTTLS_SENT) {
            return;
        }
        for (int i = off; i < off + len; i++) {
            replyLine.write(b[i]);
            if (b[i] == '\n' || replyLine.size() >= MAX_LINE) {
                String line = SmtpReply.stripEol(new String(replyLine.toByteArray(), StandardCharsets.ISO_8859_1));
                replyLine.reset();
                Boolean accepted = startTlsAnswer(line);
                if (accepted != null) {
                    if (accepted) {
                        enterTls();
                        inbound(b, i + 1, off + len - i - 1);
                    } else {
                        phase = Phase.CLEAR;
                        observer.resumeAfterRefusedStartTls();
                    }
                    return;
                }
            }
        }
    }

    private void enterTls() {
        phase = Phase.TLS;
        behindHeaders = new CommandObserver(protocol);
        clientRecords = new TlsRecordFraming(true);
        serverRecords = new TlsRecordFraming(false);
    }

    /**
     * True, false, or null when this line is not yet the answer to the application's STARTTLS.
     * When in doubt it says yes: an application that then goes on in clear is refused (enforce)
     * or reported; one that starts TLS is checked against the policy.
     */
    private Boolean startTlsAnswer(String line) {
        switch (protocol) {
            case SMTP:
                replySaid220 |= line.startsWith("220");
                if (line.length() > 3 && line.charAt(3) == '-') {
                    return null;
                }
                boolean yes = replySaid220;
                replySaid220 = false;
                return yes;
            case IMAP:
                if (line.startsWith("* ") || line.startsWith("+")) {
                    return null;
                }
                return line.toUpperCase(Locale.ROOT).startsWith(observer.startTlsTag() + " OK");
            default:
                return line.startsWith("+OK");
        }
    }

    private void observeClear(byte[] b, int off, int len) {
        observer.feed(b, off, len);
        if (observer.sawStartTls() && phase == Phase.CLEAR) {
            phase = Phase.STARTTLS_SENT;
        }
    }

    /** In TLS 1.3 the client's Finished is an application-data record too. */
    private int dataRecordsBeforeApplicationData() {
        return "TLSv1.3".equals(hello.version()) ? 1 : 0;
    }

    /** The command verb (after the tag, in IMAP), never its arguments. */
    private String verb(String line) {
        String[] words = line.trim().split(" +", 3);
        int n = protocol == MailProtocol.IMAP ? 1 : 0;
        return words.length > n ? words[n].toUpperCase(Locale.ROOT) : "";
    }

    /** The server accepted the application's STARTTLS (or it spoke TLS from the start). */
    boolean tlsStarted() {
        return phase == Phase.TLS || clearAfterTls;
    }

    /** Application-data records the application has sent in its TLS, its handshake's Finished aside. */
    int applicationDataSent() {
        return Math.max(0, clientRecords.applicationDataRecords() - dataRecordsBeforeApplicationData());
    }

    /**
     * True when the application's handshake completed: it sent application data, and the server
     * answered with application data after it. A failed handshake sends an alert at most.
     */
    boolean tlsCompleted() {
        return phase == Phase.TLS && serverAnsweredDataRecords >= 0 && !clearBehindHeaders;
    }

    /** The application went on in clear after the server had accepted its STARTTLS (or behind record headers). */
    boolean clearAfterTls() {
        return clearAfterTls || clearBehindHeaders;
    }

    ServerHelloParser serverHello() {
        return hello;
    }

    boolean sawCredentials() {
        return observer.sawCredentials() || credentialsBehindHeaders;
    }

    boolean sawMail() {
        return observer.sawMail() || mailBehindHeaders;
    }

    /** Why the last bytes were held back, for the block reason: a verb, never its arguments. */
    String refusal() {
        if (refused == null) {
            return null;
        }
        if (refused.startsWith("clear text") || refused.startsWith("bytes")) {
            return "the application sent " + refused + " (its own TLS did not come up)";
        }
        return "the application sent " + refused + " before its own TLS was up";
    }
}
