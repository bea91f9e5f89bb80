package io.starttls.agent.protocol;

import io.starttls.agent.config.MailProtocol;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** Per-protocol pieces the guard needs besides the negotiation itself. */
public final class Dialects {
    private Dialects() {
    }

    public static Negotiation negotiation(MailProtocol protocol, String ehloName, InetAddress local, int maxLine) {
        switch (protocol) {
            case SMTP:
                return new SmtpNegotiation(ehloName != null ? ehloName : addressLiteral(local));
            case IMAP:
                return new ImapNegotiation(maxLine);
            default:
                return new Pop3Negotiation();
        }
    }

    /** Reads the greeting of a fresh connection, to hand to the application as it is. */
    public static byte[] readGreeting(MailProtocol protocol, LineChannel channel) throws IOException {
        if (protocol == MailProtocol.SMTP) {
            return SmtpReply.read(channel).raw();
        }
        return channel.readLine();
    }

    /** The polite goodbye sent before closing a session that the policy refuses to continue. */
    public static byte[] quit(MailProtocol protocol) {
        String command = protocol == MailProtocol.IMAP ? "STLS3 LOGOUT" : "QUIT";
        return (command + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** RFC 5321 §4.1.3 address literal: no DNS look-up, and true to the connection. */
    public static String addressLiteral(InetAddress local) {
        if (local == null) {
            return "[127.0.0.1]";
        }
        String address = local.getHostAddress();
        int scope = address.indexOf('%');
        if (scope >= 0) {
            address = address.substring(0, scope);
        }
        return local instanceof Inet6Address ? "[IPv6:" + address + "]" : "[" + address + "]";
    }
}
