package io.starttls.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Connections whose STARTTLS the application runs itself (hand-written clients that do STARTTLS on
 * a raw socket): {@code app-managed=mail.example.com@587:com.acme.Mailer:com.acme.legacy.*}. An item
 * is {@code host@port} (host may be {@code *}), or a class name, or a package prefix ending in
 * {@code .*}, matched against the class that opened the socket.
 */
public final class AppManagedRules {
    private final List<String> hosts = new ArrayList<String>();
    private final List<Integer> ports = new ArrayList<Integer>();
    private final List<String> classes = new ArrayList<String>();

    static AppManagedRules parse(String value, String entry) throws ConfigException {
        AppManagedRules rules = new AppManagedRules();
        if (value.isEmpty()) {
            return rules;
        }
        for (String item : value.split(":", -1)) {
            int at = item.indexOf('@');
            if (at >= 0) {
                String host = item.substring(0, at).trim().toLowerCase(Locale.ROOT);
                int port;
                try {
                    port = Integer.parseInt(item.substring(at + 1).trim());
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (host.isEmpty() || port < 1 || port > 65535) {
                    throw new ConfigException("bad " + entry + ": '" + item
                            + "' is not host@port (for example mail.example.com@587 or *@2525)");
                }
                rules.hosts.add(host);
                rules.ports.add(port);
            } else if (item.matches("[A-Za-z_$][A-Za-z0-9_$.]*(\\.\\*)?")) {
                rules.classes.add(item);
            } else {
                throw new ConfigException("bad " + entry + ": '" + item
                        + "' is neither host@port nor a class name (com.acme.Mailer or com.acme.*)");
            }
        }
        return rules;
    }

    public boolean isEmpty() {
        return hosts.isEmpty() && classes.isEmpty();
    }

    public boolean matches(String host, int port, String appClass) {
        for (int i = 0; i < hosts.size(); i++) {
            if (ports.get(i) == port && (hosts.get(i).equals("*") || hosts.get(i).equalsIgnoreCase(host))) {
                return true;
            }
        }
        if (appClass != null) {
            for (String pattern : classes) {
                if (pattern.endsWith(".*") ? appClass.startsWith(pattern.substring(0, pattern.length() - 1))
                        : appClass.equals(pattern)) {
                    return true;
                }
            }
        }
        return false;
    }
}
