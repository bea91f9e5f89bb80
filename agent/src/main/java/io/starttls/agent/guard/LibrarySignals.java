package io.starttls.agent.guard;

import java.lang.reflect.Field;
import java.util.Properties;

/**
 * Reads what a mail library's signal says about its TLS configuration, by name and reflection:
 * the agent never links against the libraries, whose versions it cannot know.
 */
final class LibrarySignals {
    private static final String[] COMMONS_NET_TLS_CLIENTS = {
        "org.apache.commons.net.smtp.SMTPSClient", "org.apache.commons.net.imap.IMAPSClient",
        "org.apache.commons.net.pop3.POP3SClient"
    };

    private LibrarySignals() {
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
