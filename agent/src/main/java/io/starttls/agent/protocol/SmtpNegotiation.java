package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Client side of SMTP STARTTLS (RFC 5321, RFC 3207): greeting, EHLO, STARTTLS, 220. The same
 * three commands that a client doing STARTTLS natively sends before its second EHLO, so the agent
 * adds no round trip: the application's own EHLO, sent after the handshake, is that second EHLO.
 */
public final class SmtpNegotiation implements Negotiation {
    private final String ehloArgument;

    public SmtpNegotiation(String ehloArgument) {
        this.ehloArgument = ehloArgument;
    }

    @Override
    public NegotiationOutcome negotiate(LineChannel channel) throws IOException {
        SmtpReply greeting;
        try {
            byte[] first = channel.readLine();
            if (SmtpReply.codeOf(SmtpReply.stripEol(new String(first, "ISO-8859-1"))) < 0) {
                return NegotiationOutcome.clearOnly(Reasons.UNEXPECTED_GREETING,
                        "the greeting is not SMTP: '" + Printable.of(first, 40) + "'", first);
            }
            greeting = SmtpReply.read(new PrefixedChannel(first, channel));
        } catch (EOFException e) {
            return NegotiationOutcome.serverClosing(Reasons.CONNECTION_CLOSED,
                    "the server closed the connection before its greeting was complete", new byte[0]);
        }
        if (greeting.code() != 220) {
            return NegotiationOutcome.clearOnly(Reasons.SERVER_REJECTED,
                    "the server greeted with '" + greeting.summary() + "'", greeting.raw());
        }
        Unsolicited.refuse(channel, "after its greeting, before EHLO");

        channel.writeLine("EHLO " + ehloArgument);
        SmtpReply ehlo = readReply(channel, "EHLO");
        if (ehlo.code() != 250) {
            return NegotiationOutcome.clearOnly(Reasons.STARTTLS_NOT_SUPPORTED,
                    "the server answered EHLO with '" + ehlo.summary() + "' (no ESMTP, so no STARTTLS)",
                    greeting.raw());
        }
        Unsolicited.refuse(channel, "after its EHLO reply");
        if (!offersStartTls(ehlo.texts())) {
            return NegotiationOutcome.clearOnly(Reasons.STARTTLS_NOT_SUPPORTED,
                    "STARTTLS was not offered in the EHLO reply", greeting.raw());
        }

        channel.writeLine("STARTTLS");
        NegotiationOutcome[] broken = new NegotiationOutcome[1];
        SmtpReply reply = StartTlsReply.readOrRetry(() -> readReply(channel, "STARTTLS"), broken);
        if (reply == null) {
            return broken[0];
        }
        if (reply.code() != 220) {
            return NegotiationOutcome.clearOnly(Reasons.STARTTLS_REFUSED,
                    "the server answered STARTTLS with '" + reply.summary() + "'", greeting.raw());
        }
        if (channel.hasUnreadBytes()) {
            return NegotiationOutcome.abort(Reasons.STARTTLS_INJECTION,
                    "the server sent more bytes after its STARTTLS reply, before the TLS handshake "
                            + "(response injection)");
        }
        return NegotiationOutcome.startTls(greeting.raw());
    }

    private static SmtpReply readReply(LineChannel channel, String command) throws IOException {
        try {
            return SmtpReply.read(channel);
        } catch (EOFException e) {
            throw new NegotiationException(Reasons.CONNECTION_CLOSED,
                    "the server closed the connection after " + command);
        }
    }


    /** STARTTLS among the EHLO keywords; the first line is the server's name, not a keyword. */
    static boolean offersStartTls(List<String> ehloTexts) {
        for (int i = 1; i < ehloTexts.size(); i++) {
            String keyword = ehloTexts.get(i).trim();
            int space = keyword.indexOf(' ');
            if (space > 0) {
                keyword = keyword.substring(0, space);
            }
            if (keyword.toUpperCase(Locale.ROOT).equals("STARTTLS")) {
                return true;
            }
        }
        return false;
    }

    /** A channel that first returns one line already read. */
    private static final class PrefixedChannel implements LineChannel {
        private byte[] first;
        private final LineChannel rest;

        PrefixedChannel(byte[] first, LineChannel rest) {
            this.first = first;
            this.rest = rest;
        }

        @Override
        public byte[] readLine() throws IOException {
            if (first != null) {
                byte[] line = first;
                first = null;
                return line;
            }
            return rest.readLine();
        }

        @Override
        public byte[] readBytes(int n) throws IOException {
            return rest.readBytes(n);
        }

        @Override
        public void writeLine(String line) throws IOException {
            rest.writeLine(line);
        }

        @Override
        public boolean hasUnreadBytes() throws IOException {
            return first != null || rest.hasUnreadBytes();
        }
    }
}
