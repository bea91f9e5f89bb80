package io.starttls.agent.protocol;

import io.starttls.agent.vocabulary.Reasons;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Client side of POP3 STLS (RFC 1939, RFC 2449, RFC 2595): greeting, CAPA, STLS, +OK. The greeting
 * is kept byte for byte, so an APOP timestamp in it still works.
 */
public final class Pop3Negotiation implements Negotiation {
    private static final int MAX_CAPA_LINES = 512;

    @Override
    public NegotiationOutcome negotiate(LineChannel channel) throws IOException {
        byte[] greeting = GreetingLine.readOrNull(channel);
        if (greeting == null) {
            return GreetingLine.closedBeforeGreeting();
        }
        String line = text(greeting);
        if (line.startsWith("-ERR")) {
            return NegotiationOutcome.clearOnly(Reasons.SERVER_REJECTED,
                    "the server greeted with '" + Printable.of(line, 80) + "'", greeting);
        }
        if (!line.startsWith("+OK")) {
            return NegotiationOutcome.clearOnly(Reasons.UNEXPECTED_GREETING,
                    "the greeting is not POP3: '" + Printable.of(line, 40) + "'", greeting);
        }
        Unsolicited.refuse(channel, "after its greeting");

        channel.writeLine("CAPA");
        String capa = readStatus(channel, "CAPA");
        boolean capaKnown = capa.startsWith("+OK");
        boolean offered = false;
        if (capaKnown) {
            offered = readCapabilitiesOffersStls(channel);
        }
        Unsolicited.refuse(channel, "after its CAPA reply");
        if (capaKnown && !offered) {
            return NegotiationOutcome.clearOnly(Reasons.STARTTLS_NOT_SUPPORTED,
                    "STLS was not among the CAPA capabilities", greeting);
        }

        // A server without CAPA may still know STLS (RFC 2595 predates RFC 2449): ask.
        channel.writeLine("STLS");
        NegotiationOutcome[] broken = new NegotiationOutcome[1];
        String reply = StartTlsReply.readOrRetry(() -> readStatus(channel, "STLS"), broken);
        if (reply == null) {
            return broken[0];
        }
        if (!reply.startsWith("+OK")) {
            return NegotiationOutcome.clearOnly(
                    capaKnown ? Reasons.STARTTLS_REFUSED : Reasons.STARTTLS_NOT_SUPPORTED,
                    "the server answered STLS with '" + Printable.of(reply, 80) + "'"
                            + (capaKnown ? "" : " (and CAPA with '" + Printable.of(capa, 40) + "')"),
                    greeting);
        }
        if (channel.hasUnreadBytes()) {
            return NegotiationOutcome.abort(Reasons.STARTTLS_INJECTION,
                    "the server sent more bytes after its STLS reply, before the TLS handshake "
                            + "(response injection)");
        }
        return NegotiationOutcome.startTls(greeting);
    }

    private static String readStatus(LineChannel channel, String command) throws IOException {
        String line;
        try {
            line = text(channel.readLine());
        } catch (EOFException e) {
            throw new NegotiationException(Reasons.CONNECTION_CLOSED,
                    "the server closed the connection after " + command);
        }
        if (!line.startsWith("+OK") && !line.startsWith("-ERR")) {
            throw new NegotiationException(Reasons.PROTOCOL_VIOLATION,
                    "the server answered " + command + " with '" + Printable.of(line, 60)
                            + "', which is neither +OK nor -ERR");
        }
        return line;
    }

    /** Reads the multi-line CAPA list up to its "." line. */
    private static boolean readCapabilitiesOffersStls(LineChannel channel) throws IOException {
        boolean offered = false;
        for (int i = 0; i < MAX_CAPA_LINES; i++) {
            String line;
            try {
                line = text(channel.readLine());
            } catch (EOFException e) {
                throw new NegotiationException(Reasons.CONNECTION_CLOSED,
                        "the server closed the connection inside its CAPA list");
            }
            if (line.equals(".")) {
                return offered;
            }
            String word = line.trim();
            int space = word.indexOf(' ');
            if ((space > 0 ? word.substring(0, space) : word).equalsIgnoreCase("STLS")) {
                offered = true;
            }
        }
        throw new NegotiationException(Reasons.PROTOCOL_VIOLATION,
                "the server's CAPA list has more than " + MAX_CAPA_LINES + " lines");
    }


    private static String text(byte[] line) {
        return SmtpReply.stripEol(new String(line, StandardCharsets.ISO_8859_1));
    }
}
