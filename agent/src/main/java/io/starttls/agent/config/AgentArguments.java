package io.starttls.agent.config;

import java.io.File;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code -javaagent:starttls-agent.jar=key=value,key=value}. List items inside a value are
 * separated by colons, as in the JaCoCo agent ({@code smtp-ports=25:587}). Every mistake is reported
 * as one line that names the entry and what would be accepted.
 */
public final class AgentArguments {
    private static final String[] KEYS = {
        "mode", "verify", "truststore", "truststore-password", "min-tls", "smtp-ports", "imap-ports",
        "pop3-ports", "conversation", "block", "audit-log", "timeout", "max-line", "ehlo-name", "log", "app-managed", "help"
    };
    private static final String[] TLS_VERSIONS = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

    private AgentArguments() {
    }

    /** True when the arguments ask for the reference text rather than a run. */
    public static boolean asksForHelp(String arguments) {
        if (arguments == null) {
            return false;
        }
        for (String entry : arguments.split(",", -1)) {
            if (entry.trim().equals("help")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKnownKey(String word) {
        for (String key : KEYS) {
            if (key.equalsIgnoreCase(word)) {
                return true;
            }
        }
        return false;
    }

    public static AgentConfig parse(String arguments) throws ConfigException {
        AgentConfig.Builder b = new AgentConfig.Builder();
        Map<MailProtocol, int[]> portLists = new EnumMap<MailProtocol, int[]>(MailProtocol.class);
        Set<String> seen = new HashSet<String>();
        if (arguments != null && !arguments.trim().isEmpty()) {
            String[] entries = arguments.split(",", -1);
            for (int n = 0; n < entries.length; n++) {
                // No message below quotes the arguments as a whole, nor an entry that is not a
                // known key=value: a trust store password, or a piece of one cut at a comma, is
                // never echoed.
                String entry = entries[n].trim();
                if (entry.isEmpty()) {
                    throw new ConfigException("entry " + (n + 1) + " of the agent arguments is empty: separate "
                            + "key=value entries with single commas (a value cannot contain a comma)");
                }
                int eq = entry.indexOf('=');
                if (eq < 0) {
                    throw new ConfigException("entry " + (n + 1) + " of the agent arguments"
                            + (isKnownKey(entry) ? " ('" + entry + "')" : "") + " has no value: write key=value "
                            + "(a value cannot contain a comma); known keys: " + String.join(", ", KEYS));
                }
                String key = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = entry.substring(eq + 1).trim();
                if (!seen.add(key)) {
                    throw new ConfigException("agent argument '" + key + "' is given twice: give it once");
                }
                apply(b, portLists, key, value, entry);
            }
        }
        b.ports = buildPorts(portLists);
        if (b.trustStorePassword != null && b.trustStore == null) {
            throw new ConfigException("agent argument 'truststore-password' needs 'truststore=PATH' too");
        }
        return new AgentConfig(b);
    }

    private static void apply(AgentConfig.Builder b, Map<MailProtocol, int[]> portLists, String key,
                              String value, String entry) throws ConfigException {
        switch (key) {
            case "mode":
                b.mode = oneOf(Mode.values(), value, entry);
                break;
            case "verify":
                b.verify = oneOf(Verify.values(), value, entry);
                break;
            case "block":
                b.blockStyle = oneOf(BlockStyle.values(), value, entry);
                break;
            case "truststore":
                b.trustStore = readableFile(value, entry);
                break;
            case "truststore-password":
                b.trustStorePassword = value.toCharArray();
                break;
            case "min-tls":
                b.minTls = tlsVersion(value, entry);
                break;
            case "smtp-ports":
                portLists.put(MailProtocol.SMTP, ports(value, entry));
                break;
            case "imap-ports":
                portLists.put(MailProtocol.IMAP, ports(value, entry));
                break;
            case "pop3-ports":
                portLists.put(MailProtocol.POP3, ports(value, entry));
                break;
            case "conversation":
                if (!value.equals("on") && !value.equals("off")) {
                    throw new ConfigException("bad agent argument '" + entry + "': conversation must be on (find "
                            + "mail sessions on every port by their first exchange) or off (only the listed ports "
                            + "and the mail libraries' sockets)");
                }
                b.conversation = value.equals("on");
                break;
            case "audit-log":
                b.auditLog = writableFile(value, entry);
                break;
            case "timeout":
                b.negotiationTimeoutMillis = duration(value, entry);
                break;
            case "max-line":
                b.maxLineBytes = positive(value, entry, 512, 16 * 1024 * 1024);
                break;
            case "ehlo-name":
                b.ehloName = ehloName(value, entry);
                break;
            case "log":
                if (!value.equals("on") && !value.equals("off")) {
                    throw new ConfigException("bad agent argument '" + entry + "': log must be on or off");
                }
                b.logEnabled = value.equals("on");
                break;
            case "app-managed":
                b.appManaged = AppManagedRules.parse(value, entry);
                break;
            case "help":
                break;
            default:
                throw new ConfigException("unknown agent argument "
                        + (key.matches("[a-z-]{1,30}") ? "'" + key + "'" : "key") + " (its value is not shown); "
                        + "known keys: " + String.join(", ", KEYS) + " (see =help)");
        }
    }

    private static <E extends Enum<E>> E oneOf(E[] values, String value, String entry) throws ConfigException {
        StringBuilder allowed = new StringBuilder();
        for (E e : values) {
            String word = e.name().toLowerCase(Locale.ROOT);
            if (word.equals(value)) {
                return e;
            }
            allowed.append(allowed.length() == 0 ? "" : ", ").append(word);
        }
        String key = entry.substring(0, entry.indexOf('=')).trim();
        throw new ConfigException("bad agent argument '" + entry + "': " + key + " must be one of " + allowed);
    }

    private static int[] ports(String value, String entry) throws ConfigException {
        if (value.isEmpty()) {
            return new int[0];
        }
        String[] items = value.split(":", -1);
        int[] ports = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            ports[i] = positive(items[i], entry, 1, 65535);
        }
        return ports;
    }

    private static PortMap buildPorts(Map<MailProtocol, int[]> portLists) throws ConfigException {
        PortMap map = new PortMap();
        for (MailProtocol protocol : MailProtocol.values()) {
            int[] list = portLists.containsKey(protocol) ? portLists.get(protocol) : protocol.defaultPorts();
            for (int port : list) {
                MailProtocol other = map.protocolOf(port);
                if (other != null && other != protocol) {
                    throw new ConfigException("port " + port + " is named under both " + other.portsKey() + " and "
                            + protocol.portsKey() + ": a port can carry one protocol; remove it from one list"
                            + (portLists.containsKey(other) ? "" : " (" + other.portsKey() + " has it by default)"));
                }
                map.put(port, protocol);
            }
        }
        return map;
    }

    private static int positive(String value, String entry, int min, int max) throws ConfigException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("bad agent argument '" + entry + "': '" + value + "' is not a whole number from "
                + min + " to " + max);
    }

    private static int duration(String value, String entry) throws ConfigException {
        String digits = value;
        int scale = 1000;
        if (value.endsWith("ms")) {
            digits = value.substring(0, value.length() - 2);
            scale = 1;
        } else if (value.endsWith("s")) {
            digits = value.substring(0, value.length() - 1);
        }
        try {
            long millis = Long.parseLong(digits) * scale;
            if (millis >= 100 && millis <= 600_000) {
                return (int) millis;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("bad agent argument '" + entry + "': timeout takes seconds (30 or 30s) or "
                + "milliseconds (500ms), from 100ms to 600s");
    }

    private static String tlsVersion(String value, String entry) throws ConfigException {
        for (String v : TLS_VERSIONS) {
            if (v.equalsIgnoreCase(value)) {
                return v;
            }
        }
        throw new ConfigException("bad agent argument '" + entry + "': min-tls must be one of "
                + String.join(", ", TLS_VERSIONS));
    }

    private static File readableFile(String value, String entry) throws ConfigException {
        File f = new File(value);
        if (value.isEmpty() || !f.isFile() || !f.canRead()) {
            throw new ConfigException("bad agent argument '" + entry + "': no readable file at '" + value
                    + "' (give the path of a PKCS12 or JKS trust store)");
        }
        return f;
    }

    private static File writableFile(String value, String entry) throws ConfigException {
        File f = new File(value).getAbsoluteFile();
        File dir = f.getParentFile();
        if (value.isEmpty() || f.isDirectory() || dir == null || !dir.isDirectory()
                || (f.exists() ? !f.canWrite() : !dir.canWrite())) {
            throw new ConfigException("bad agent argument '" + entry + "': cannot write the audit log at '" + value
                    + "' (give a file in an existing, writable directory)");
        }
        return f;
    }

    private static String ehloName(String value, String entry) throws ConfigException {
        if (value.isEmpty() || !value.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            throw new ConfigException("bad agent argument '" + entry + "': ehlo-name must be a domain name or an "
                    + "address literal such as [192.0.2.1]");
        }
        return value;
    }

    /** The reference printed for {@code help}. */
    public static String reference() {
        return String.join("\n",
            "starttls-agent: upgrades an application's plain-text SMTP, IMAP and POP3 connections to STARTTLS.",
            "",
            "usage: java -javaagent:starttls-agent.jar[=key=value,key=value...] -jar app.jar",
            "       list items inside a value are separated by colons: smtp-ports=25:587:10025",
            "",
            "  mode=monitor|opportunistic|enforce  monitor: report only; opportunistic (default): upgrade when",
            "                                      offered, else go on in clear and report it; enforce: upgrade",
            "                                      or block the session with a temporary failure",
            "  verify=none|ca|host                 certificate check: none (encrypt only), ca (trusted chain),",
            "                                      host (trusted chain naming the host the app connected to);",
            "                                      default none, host with mode=enforce",
            "  truststore=PATH                     PKCS12 or JKS trust store for private CAs (default: the JDK's)",
            "  truststore-password=SECRET          its password, if it has one",
            "  min-tls=TLSv1.2|TLSv1.3             oldest TLS version accepted (default TLSv1.2)",
            "  smtp-ports=25:587:2525              ports watched as SMTP (the list replaces the default)",
            "  imap-ports=143                      ports watched as IMAP",
            "  pop3-ports=110                      ports watched as POP3",
            "  conversation=on|off                 on (default): a session on any other port is also guarded",
            "                                      when its first exchange is SMTP, IMAP or POP3; off: only the",
            "                                      listed ports and the mail libraries' own sockets",
            "  block=reply|exception               how a block is shown: the protocol's temporary failure",
            "                                      (default) or an IOException on the next read or write",
            "  audit-log=PATH                      append one JSON line per mail connection to PATH",
            "  timeout=30s                         negotiation time limit (never longer than the socket's own",
            "                                      timeout when the application set one)",
            "  max-line=65536                      longest server line accepted during negotiation, in bytes",
            "  ehlo-name=NAME                      EHLO argument (default: the local address literal)",
            "  log=on|off                          human-readable lines on standard error (default on)",
            "  app-managed=HOST@PORT:CLASS:PKG.*   connections whose STARTTLS the application runs itself: the",
            "                                      agent watches them (and under enforce refuses credentials or",
            "                                      mail before their TLS) instead of upgrading them",
            "  help                                print this text and exit");
    }
}
