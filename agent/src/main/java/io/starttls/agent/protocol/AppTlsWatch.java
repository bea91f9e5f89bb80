package io.starttls.agent.protocol;

import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.tls.ServerHelloParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Watches a connection whose TLS the application runs itself (JavaMail or Commons Net configured
 * for STARTTLS, or a rule): it follows the application's STARTTLS and the server's answer, learns
 * the negotiated TLS version and cipher from the ServerHello, and, when asked to enforce, holds
 * back every command line until it is known not to carry credentials or mail in clear.
 */
public final class AppTlsWatch {
    private enum Phase { CLEAR, STARTTLS_SENT, TLS }

    private static final int MAX_LINE = 64 * 1024;
    /** Returned by {@link #outbound} when the bytes may go out as they are (compare by identity). */
    public static final byte[] SEND_AS_IS = new byte[0];

    private final MailProtocol protocol;
    private final boolean enforce;
    private final CommandObserver observer;
    private final ByteArrayOutputStream heldLine = new ByteArrayOutputStream();
    private final ByteArrayOutputStream replyLine = new ByteArrayOutputStream();
    private final ServerHelloParser hello = new ServerHelloParser();
    private Phase phase = Phase.CLEAR;
    private String refused;

    public AppTlsWatch(MailProtocol protocol, boolean enforce) {
        this.protocol = protocol;
        this.enforce = enforce;
        this.observer = new CommandObserver(protocol);
    }

    /** The application speaks TLS from its first byte (implicit TLS over a plain socket). */
    public void tlsFromTheStart() {
        phase = Phase.TLS;
    }

    /** A TLS handshake record header: what an application doing TLS itself sends first. */
    public static boolean looksLikeTlsRecord(byte[] b, int off, int len) {
        return len >= 3 && b[off] == 22 && b[off + 1] == 3 && b[off + 2] >= 0 && b[off + 2] <= 4;
    }

    /**
     * The application's bytes. Returns those that may be sent now (complete, harmless lines under
     * enforce), {@link #SEND_AS_IS} when all of them may go as they are, or null when a line would
     * carry credentials or mail in clear.
     */
    public byte[] outbound(byte[] b, int off, int len) {
        if (phase == Phase.TLS) {
            return SEND_AS_IS;
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
            }
        }
        return allowed.toByteArray();
    }

    /** The server's bytes, on their way to the application. */
    public void inbound(byte[] b, int off, int len) {
        if (phase == Phase.TLS) {
            hello.feed(b, off, len);
            return;
        }
        if (phase != Phase.STARTTLS_SENT) {
            return;
        }
        for (int i = off; i < off + len; i++) {
            replyLine.write(b[i]);
            if (b[i] == '\n' || replyLine.size() >= MAX_LINE) {
                String line = SmtpReply.stripEol(replyLine.toString());
                replyLine.reset();
                Boolean accepted = startTlsAnswer(line);
                if (accepted != null) {
                    if (accepted) {
                        phase = Phase.TLS;
                        hello.feed(b, i + 1, off + len - i - 1);
                    } else {
                        phase = Phase.CLEAR;
                        observer.resumeAfterRefusedStartTls();
                    }
                    return;
                }
            }
        }
    }

    /** True, false, or null when this line is not yet the answer to the application's STARTTLS. */
    private Boolean startTlsAnswer(String line) {
        switch (protocol) {
            case SMTP:
                if (line.length() > 3 && line.charAt(3) == '-') {
                    return null;
                }
                return line.startsWith("220");
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

    /** The command verb (after the tag, in IMAP), never its arguments. */
    private String verb(String line) {
        String[] words = line.trim().split(" +", 3);
        int n = protocol == MailProtocol.IMAP ? 1 : 0;
        return words.length > n ? words[n].toUpperCase(Locale.ROOT) : "";
    }

    public boolean tlsStarted() {
        return phase == Phase.TLS;
    }

    public ServerHelloParser serverHello() {
        return hello;
    }

    public boolean sawCredentials() {
        return observer.sawCredentials();
    }

    public boolean sawMail() {
        return observer.sawMail();
    }

    /** The verb of the command that was held back, for the block reason. */
    public String refusedCommand() {
        return refused;
    }
}
