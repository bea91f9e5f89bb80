package io.starttls.agent.guard;

import io.starttls.agent.config.MailProtocol;
import java.lang.reflect.Field;
import java.net.Socket;
import java.util.Locale;
import java.util.Properties;

/**
 * Reads what a mail library's signal says: which protocol the socket carries, whether it goes
 * through a proxy, and the library's TLS configuration, by name and reflection: the agent never
 * links against the libraries, whose versions it cannot know.
 *
 * <p>The JavaMail signal is {@code {"javamail", props, prefix, host, port}} (SocketFetcher's
 * arguments); the Commons Net one {@code {"commons-net", client, null}}.
 */
public final class LibrarySignals {
    private static final String[] COMMONS_NET_TLS_CLIENTS = {
        "org.apache.commons.net.smtp.SMTPSClient", "org.apache.commons.net.imap.IMAPSClient",
        "org.apache.commons.net.pop3.POP3SClient"
    };

    private LibrarySignals() {
    }

    /** The mail protocol a library's new socket carries; null for other signals and other protocols. */
    public static MailProtocol protocolOf(Object[] signal) {
        if ("javamail".equals(signal[0]) && signal[2] instanceof String) {
            String name = ((String) signal[2]).toLowerCase(Locale.ROOT);
            name = name.startsWith("mail.") ? name.substring(5) : name;
            name = name.endsWith("s") ? name.substring(0, name.length() - 1) : name;
            return name.equals("smtp") ? MailProtocol.SMTP : name.equals("imap") ? MailProtocol.IMAP
                    : name.equals("pop3") ? MailProtocol.POP3 : null;
        }
        if ("commons-net".equals(signal[0]) && signal[1] != null) {
            for (Class<?> c = signal[1].getClass(); c != null; c = c.getSuperclass()) {
                String name = c.getName();
                if (name.equals("org.apache.commons.net.smtp.SMTP")) {
                    return MailProtocol.SMTP;
                }
                if (name.equals("org.apache.commons.net.imap.IMAP")) {
                    return MailProtocol.IMAP;
                }
                if (name.equals("org.apache.commons.net.pop3.POP3")) {
                    return MailProtocol.POP3;
                }
            }
        }
        return null;
    }

    /** True for a library's new socket that carries another protocol (Commons Net's FTP, Telnet, ...). */
    public static boolean namesOtherProtocol(Object[] signal) {
        return "commons-net".equals(signal[0]) && protocolOf(signal) == null;
    }

    /** True when JavaMail connects through its SOCKS or HTTP proxy setting. */
    static boolean proxied(Object[] signal) {
        if (!"javamail".equals(signal[0]) || !(signal[1] instanceof Properties) || !(signal[2] instanceof String)) {
            return false;
        }
        Properties props = (Properties) signal[1];
        String prefix = (String) signal[2];
        return isSet(props, prefix + ".proxy.host") || isSet(props, prefix + ".socks.host");
    }

    /** Where a proxied JavaMail socket really goes: the host and port it was asked for. */
    static Destination destination(Object[] signal, Socket socket) {
        String host = signal.length > 3 && signal[3] instanceof String ? (String) signal[3]
                : socket.getInetAddress().getHostAddress();
        int port = signal.length > 4 && signal[4] instanceof Integer ? (Integer) signal[4] : socket.getPort();
        return Destination.through(socket, host, port);
    }

    private static boolean isSet(Properties props, String key) {
        Object value = props.get(key);
        if (value == null) {
            value = props.getProperty(key);
        }
        return value != null && !String.valueOf(value).trim().isEmpty();
    }

    /** True for Commons Net's execTLS() asking whether the agent already secured the socket. */
    static boolean asksForStartTls(Object[] signal) {
        return "commons-net-exectls".equals(signal[0]);
    }

    /** The application's TLS socket layered over a mail socket (JSSE's createSocket), or null. */
    static javax.net.ssl.SSLSocket layeredTls(Object[] signal) {
        if ("layered-tls".equals(signal[0]) && signal[1] instanceof javax.net.ssl.SSLSocket) {
            return (javax.net.ssl.SSLSocket) signal[1];
        }
        return null;
    }

    /** True when the library will run STARTTLS itself on the socket. */
    static boolean appManagesTls(Object[] signal) {
        if ("javamail".equals(signal[0])) {
            Properties props = (Properties) signal[1];
            String prefix = (String) signal[2];
            return props != null && prefix != null && (isTrue(props, prefix + ".starttls.enable")
                    || isTrue(props, prefix + ".starttls.required"));
        }
        if ("commons-net".equals(signal[0])) {
            return isTlsAwareCommonsNetClient(signal[1]);
        }
        return false;
    }

    private static boolean isTrue(Properties props, String key) {
        Object value = props.get(key);
        if (value == null) {
            value = props.getProperty(key);
        }
        return value != null && Boolean.parseBoolean(String.valueOf(value).trim());
    }

    /**
     * An explicit-mode SMTPSClient, IMAPSClient or POP3SClient (implicit mode has an SSLSocket
     * already). AuthenticatingSMTPClient extends SMTPSClient but is the usual class for plain
     * authenticated SMTP, so it counts as legacy: the agent upgrades it.
     */
    private static boolean isTlsAwareCommonsNetClient(Object client) {
        for (Class<?> c = client.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.apache.commons.net.smtp.AuthenticatingSMTPClient")) {
                return false;
            }
            for (String name : COMMONS_NET_TLS_CLIENTS) {
                if (c.getName().equals(name)) {
                    return !isImplicit(client, c);
                }
            }
        }
        return false;
    }

    private static boolean isImplicit(Object client, Class<?> tlsClientClass) {
        try {
            Field f = tlsClientClass.getDeclaredField("isImplicit");
            f.setAccessible(true);
            return f.getBoolean(client);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
