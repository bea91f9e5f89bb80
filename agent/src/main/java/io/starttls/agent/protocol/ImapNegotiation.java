package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client side of IMAP STARTTLS (RFC 3501 §6.2.1, RFC 9051, RFC 2595): greeting, capabilities
 * (from the greeting's response code, else a CAPABILITY command), STARTTLS, tagged OK.
 */
public final class ImapNegotiation implements Negotiation {
    static final String CAPABILITY_TAG = "STLS1";
    static final String STARTTLS_TAG = "STLS2";
    private static final int MAX_RESPONSES = 512;
    private static final Pattern CAPABILITY_CODE =
            Pattern.compile("\\[CAPABILITY ([^\\]]*)\\] ?", Pattern.CASE_INSENSITIVE);
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d{1,9})\\+?\\}$");

    private final int maxLiteral;

    public ImapNegotiation(int maxLiteral) {
        this.maxLiteral = maxLiteral;
    }

    @Override
    public NegotiationOutcome negotiate(LineChannel channel) throws IOException {
        byte[] greeting = GreetingLine.readOrNull(channel);
        if (greeting == null) {
            return GreetingLine.closedBeforeGreeting();
        }
        String line = SmtpReply.stripEol(new String(greeting, StandardCharsets.ISO_8859_1));
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("* BYE")) {
            return NegotiationOutcome.serverClosing(Reasons.SERVER_REJECTED,
                    "the server greeted with '" + Printable.of(line, 80) + "'", greeting);
        }
        if (upper.startsWith("* PREAUTH")) {
            return NegotiationOutcome.clearOnly(Reasons.PREAUTH_GREETING,
                    "the server greeted with PREAUTH: the session is authenticated in clear and "
                            + "STARTTLS is no longer allowed (RFC 3501 section 6.2.1)", greeting);
        }
        if (!upper.startsWith("* OK")) {
            return NegotiationOutcome.clearOnly(Reasons.UNEXPECTED_GREETING,
                    "the greeting is not IMAP: '" + Printable.of(line, 40) + "'", greeting);
        }
        Unsolicited.refuse(channel, "after its greeting");

        String capabilities = capabilitiesIn(line);
        if (capabilities == null) {
            channel.writeLine(CAPABILITY_TAG + " CAPABILITY");
            Tagged reply = readUntilTagged(channel, CAPABILITY_TAG, "CAPABILITY");
            if (!reply.ok) {
                return NegotiationOutcome.clearOnly(Reasons.STARTTLS_NOT_SUPPORTED,
                        "the server answered CAPABILITY with '" + Printable.of(reply.line, 80) + "'", greeting);
            }
            capabilities = reply.capabilities == null ? "" : reply.capabilities;
            Unsolicited.refuse(channel, "after its CAPABILITY reply");
        }
        if (!hasWord(capabilities, "STARTTLS")) {
            return NegotiationOutcome.clearOnly(Reasons.STARTTLS_NOT_SUPPORTED,
                    "STARTTLS was not among the capabilities", greeting);
        }

        channel.writeLine(STARTTLS_TAG + " STARTTLS");
        NegotiationOutcome[] broken = new NegotiationOutcome[1];
        Tagged reply = StartTlsReply.readOrRetry(() -> readUntilTagged(channel, STARTTLS_TAG, "STARTTLS"), broken);
        if (reply == null) {
            return broken[0];
        }
        if (!reply.ok) {
            return NegotiationOutcome.clearOnly(Reasons.STARTTLS_REFUSED,
                    "the server answered STARTTLS with '" + Printable.of(reply.line, 80) + "'", greeting);
        }
        if (channel.hasUnreadBytes()) {
            return NegotiationOutcome.abort(Reasons.STARTTLS_INJECTION,
                    "the server sent more bytes after its STARTTLS reply, before the TLS handshake "
                            + "(response injection)");
        }
        return NegotiationOutcome.startTls(withoutCapabilityCode(greeting));
    }

    /** The words of a greeting's [CAPABILITY ...] response code, or null when it has none. */
    static String capabilitiesIn(String greeting) {
        Matcher m = CAPABILITY_CODE.matcher(greeting);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The greeting without its CAPABILITY response code: capabilities learned before TLS must be
     * forgotten (RFC 3501 §6.2.1), so the application asks again inside TLS.
     */
    static byte[] withoutCapabilityCode(byte[] greeting) {
        String s = new String(greeting, StandardCharsets.ISO_8859_1);
        return CAPABILITY_CODE.matcher(s).replaceFirst("").getBytes(StandardCharsets.ISO_8859_1);
    }

    static boolean hasWord(String capabilities, String word) {
        for (String w : capabilities.trim().split("\\s+")) {
            if (w.equalsIgnoreCase(word)) {
                return true;
            }
        }
        return false;
    }

    /** Reads responses until the one tagged {@code tag}; untagged ones are read as the protocol says. */
    private Tagged readUntilTagged(LineChannel channel, String tag, String command) throws IOException {
        String capabilities = null;
        for (int i = 0; i < MAX_RESPONSES; i++) {
            String line;
            try {
                line = readResponse(channel);
            } catch (EOFException e) {
                throw new NegotiationException(Reasons.CONNECTION_CLOSED,
                        "the server closed the connection after " + command);
            }
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("* CAPABILITY ")) {
                capabilities = line.substring("* CAPABILITY ".length());
            } else if (upper.startsWith("* BYE")) {
                throw new NegotiationException(Reasons.CONNECTION_CLOSED,
                        "the server said '" + Printable.of(line, 80) + "' in reply to " + command);
            } else if (line.startsWith("* ") || line.startsWith("+")) {
                // Other untagged data (alerts, status) and stray continuation requests are not the
                // reply we wait for; the protocol says to read past them.
                continue;
            } else {
                int space = line.indexOf(' ');
                String lineTag = space > 0 ? line.substring(0, space) : line;
                if (!lineTag.equals(tag)) {
                    throw new NegotiationException(Reasons.PROTOCOL_VIOLATION,
                            "the server answered " + command + " with a reply of another tag: '"
                                    + Printable.of(line, 60) + "'");
                }
                String status = space > 0 ? upper.substring(space + 1) : "";
                return new Tagged(status.startsWith("OK"), line, capabilities);
            }
        }
        throw new NegotiationException(Reasons.PROTOCOL_VIOLATION,
                "the server sent more than " + MAX_RESPONSES + " responses before its reply to " + command);
    }

    /** One response line, with any literal it announces read and folded in (bounded). */
    private String readResponse(LineChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            String line = SmtpReply.stripEol(new String(channel.readLine(), StandardCharsets.ISO_8859_1));
            all.write(line.getBytes(StandardCharsets.ISO_8859_1), 0, line.length());
            Matcher literal = LITERAL.matcher(line);
            if (!literal.find()) {
                return new String(all.toByteArray(), StandardCharsets.ISO_8859_1);
            }
            long size = Long.parseLong(literal.group(1));
            if (size > maxLiteral || all.size() + size > maxLiteral) {
                throw new NegotiationException(Reasons.LINE_TOO_LONG,
                        "the server announced a literal of " + size + " bytes during negotiation");
            }
            channel.readBytes((int) size);
        }
    }


    private static final class Tagged {
        final boolean ok;
        final String line;
        final String capabilities;

        Tagged(boolean ok, String line, String capabilities) {
            this.ok = ok;
            this.line = line;
            this.capabilities = capabilities;
        }
    }
}
