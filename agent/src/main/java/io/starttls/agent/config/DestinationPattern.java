package io.starttls.agent.config;

import java.util.Locale;

/**
 * The destination of a policy rule, as Postfix's policy maps write it: a host
 * ({@code mail.example.com}, or an address: {@code 192.0.2.1}, {@code [2001:db8::1]}), a domain's
 * subdomains ({@code .example.com}), either with a port ({@code mail.example.com:587}), or any
 * host on a port ({@code *:2525}). The more specific pattern wins: host and port, host, domain and
 * port, domain (a longer one first), port.
 */
final class DestinationPattern {
    private static final int ANY_HOST = 1;
    private static final int DOMAIN = 2;
    private static final int HOST = 3;

    private final int kind;
    private final String name; // lower case, no trailing dot; a domain with its leading dot
    private final int port;    // 0: any port

    private DestinationPattern(int kind, String name, int port) {
        this.kind = kind;
        this.name = name;
        this.port = port;
    }

    /** @throws IllegalArgumentException with the fix, for a destination that is none of the forms */
    static DestinationPattern parse(String text) {
        String host = text;
        int port = 0;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' opens [ for an IPv6 address but does not close it");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "': write [ADDRESS]:PORT");
                }
                port = port(rest.substring(1), text);
            }
            return new DestinationPattern(HOST, literal(host, text), port);
        }
        int colon = text.lastIndexOf(':');
        if (colon >= 0 && text.indexOf(':') == colon) {
            host = text.substring(0, colon);
            port = port(text.substring(colon + 1), text);
        } else if (colon >= 0) {
            return new DestinationPattern(HOST, literal(text, text), 0); // a bare IPv6 address
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.equals("*")) {
            if (port == 0) {
                throw new IllegalArgumentException("'*' alone would be every destination: that is the global "
                        + "settings (the agent arguments); a rule names a host, .domain, host:port or *:PORT");
            }
            return new DestinationPattern(ANY_HOST, null, port);
        }
        if (!host.matches("\\.?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?") || host.contains("..")) {
            throw new IllegalArgumentException("'" + text + "' is not a destination: write a host (mail.example.com), "
                    + ".domain (its subdomains), host:port, or *:port");
        }
        if (host.startsWith(".")) {
            if (host.matches("[0-9.]+")) {
                throw new IllegalArgumentException("'" + text + "': an address has no subdomains; name the address "
                        + "itself (192.0.2.1)");
            }
            return new DestinationPattern(DOMAIN, host, port);
        }
        return new DestinationPattern(HOST, host.matches("[0-9.]+") ? literal(host, text) : host, port);
    }

    private static int port(String digits, String text) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + text + "': the port must be a whole number from 1 to 65535");
    }

    /** An address in the JDK's form, so that it compares with the socket's (::1 and 0:0:...:1 alike). */
    private static String literal(String address, String text) {
        int scope = address.indexOf('%');
        if (scope >= 0) {
            address = address.substring(0, scope); // fe80::1%eth0: the scope is not part of the address
        }
        if (!address.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            // A literal: parsed, never looked up.
            return java.net.InetAddress.getByName(address).getHostAddress().toLowerCase(Locale.ROOT);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }

    /**
     * How specific the match is, 0 for none. {@code host} is the name the application used (or its
     * address literal), {@code address} the address it connected to. An address rule applies only
     * to an application that connected by address: where it used a name, the name decides (as
     * Postfix matches the next hop's name), so that what a name resolves to can never move it to
     * another rule.
     */
    int match(String host, String address, int port) {
        if (this.port != 0 && this.port != port) {
            return 0;
        }
        int withPort = this.port != 0 ? 1 : 0;
        switch (kind) {
            case HOST:
                String h = normal(host);
                boolean literal = isLiteral(h);
                boolean same = literal ? name.equals(withoutScope(normal(address))) || name.equals(literalOrNull(h))
                        : name.equals(h);
                return same ? 3000 + withPort * 1000 : 0;
            case DOMAIN:
                // Subdomains only, as Postfix's ".example.com"; a longer domain is more specific.
                return normal(host).endsWith(name) ? 1000 + withPort * 500 + name.length() : 0;
            default:
                return 500;
        }
    }

    private static boolean isLiteral(String host) {
        return host.matches("[0-9.]+") || (host.indexOf(':') >= 0 && host.matches("\\[?[0-9a-f:.%a-z]+\\]?"));
    }

    private static String withoutScope(String address) {
        int scope = address.indexOf('%');
        return scope < 0 ? address : address.substring(0, scope);
    }

    /** The literal in the JDK's form, or null when it is not one. */
    private static String literalOrNull(String host) {
        String h = withoutScope(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        if (!h.matches("[0-9a-f:.]+")) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(h).getHostAddress().toLowerCase(Locale.ROOT);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private static String normal(String host) {
        if (host == null) {
            return "";
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** The same destination, for the duplicate check. */
    String key() {
        return kind + "|" + name + "|" + port;
    }

    @Override
    public String toString() {
        String where = kind == ANY_HOST ? "*" : name.contains(":") ? "[" + name + "]" : name;
        return port == 0 ? where : where + ":" + port;
    }
}
