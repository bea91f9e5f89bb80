package io.starttls.agent.config;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Turns the settings into the agent's configuration. The settings come from
 * {@code -javaagent:starttls-agent.jar=key=value,key=value}, system properties, environment
 * variables and a properties file ({@link SettingSources}); list items inside a value are
 * separated by colons, as in the JaCoCo agent ({@code smtp-ports=25:587}). Every mistake is
 * reported as one line that names the setting, its source and what would be accepted.
 */
public final class AgentArguments {
    private static final String[] KEYS = {
        "mode", "verify", "truststore", "truststore-password", "truststore-password-file", "jdk-roots", "min-tls",
        "policy-file", "smtp-ports", "imap-ports", "pop3-ports", "conversation", "block", "audit-log", "timeout",
        "max-line", "ehlo-name", "log", "app-managed", "config", "help"
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

    static boolean isKnownKey(String word) {
        for (String key : KEYS) {
            if (key.equalsIgnoreCase(word)) {
                return true;
            }
        }
        return false;
    }

    /** Keys whose value is never shown. */
    static boolean isSecret(String key) {
        return "truststore-password".equalsIgnoreCase(key);
    }

    static List<String> keys() {
        List<String> out = new ArrayList<String>();
        Collections.addAll(out, KEYS);
        return out;
    }

    /** The agent arguments alone (tests, and a JVM where no other source is set). */
    public static AgentConfig parse(String arguments) throws ConfigException {
        return fromSettings(SettingSources.collect(arguments, null, null));
    }

    /** Every source, as the agent reads them at start-up. */
    public static AgentConfig load(String arguments, Properties properties, Map<String, String> environment)
            throws ConfigException {
        return fromSettings(SettingSources.collect(arguments, properties, environment));
    }

    /** Every source, with another mode where none of them names one (the check command's enforce). */
    public static AgentConfig load(String arguments, Properties properties, Map<String, String> environment,
                                   Mode modeWhenUnset) throws ConfigException {
        AgentConfig.Builder b = new AgentConfig.Builder();
        b.mode = modeWhenUnset;
        return fromSettings(SettingSources.collect(arguments, properties, environment), b);
    }

    static AgentConfig fromSettings(Map<String, Setting> settings) throws ConfigException {
        return fromSettings(settings, new AgentConfig.Builder());
    }

    private static AgentConfig fromSettings(Map<String, Setting> settings, AgentConfig.Builder b)
            throws ConfigException {
        b.settings = settings;
        Map<MailProtocol, int[]> portLists = new EnumMap<MailProtocol, int[]>(MailProtocol.class);
        Setting password = null;
        Setting passwordFile = null;
        Setting policyFile = null;
        Boolean jdkRoots = null;
        for (Setting s : settings.values()) {
            String value = s.value();
            switch (s.key()) {
                case "mode":
                    b.mode = oneOf(Mode.values(), s);
                    break;
                case "verify":
                    b.verify = oneOf(Verify.values(), s);
                    break;
                case "block":
                    b.blockStyle = oneOf(BlockStyle.values(), s);
                    break;
                case "truststore":
                    b.trustStore = readableFile(s, "a PKCS12 or JKS trust store, or a PEM file of CA certificates");
                    break;
                case "truststore-password":
                    password = s;
                    break;
                case "truststore-password-file":
                    passwordFile = s;
                    break;
                case "jdk-roots":
                    jdkRoots = onOff(s, "on (trust the JDK's roots as well as the trust store) or off (the trust "
                            + "store alone)");
                    break;
                case "min-tls":
                    b.minTls = tlsVersion(s);
                    break;
                case "policy-file":
                    policyFile = s;
                    break;
                case "smtp-ports":
                    portLists.put(MailProtocol.SMTP, ports(s));
                    break;
                case "imap-ports":
                    portLists.put(MailProtocol.IMAP, ports(s));
                    break;
                case "pop3-ports":
                    portLists.put(MailProtocol.POP3, ports(s));
                    break;
                case "conversation":
                    b.conversation = onOff(s, "on (find mail sessions on every port by their first exchange) or off "
                            + "(only the listed ports and the mail libraries' sockets)");
                    break;
                case "audit-log":
                    b.auditLog = writableFile(s);
                    break;
                case "timeout":
                    b.negotiationTimeoutMillis = duration(s);
                    break;
                case "max-line":
                    b.maxLineBytes = positive(s, value, 512, 16 * 1024 * 1024);
                    break;
                case "ehlo-name":
                    b.ehloName = ehloName(s);
                    break;
                case "log":
                    b.logEnabled = onOff(s, "on or off");
                    break;
                case "app-managed":
                    b.appManaged = AppManagedRules.parse(value, s.label());
                    break;
                case "config":
                case "help":
                    break;
                default:
                    throw new ConfigException("unknown agent argument "
                            + (s.key().matches("[a-z-]{1,30}") ? "'" + s.key() + "'" : "key")
                            + " (its value is not shown); known keys: " + String.join(", ", KEYS) + " (see =help)");
            }
        }
        b.ports = buildPorts(portLists);
        List<String> warnings = new ArrayList<String>();
        char[] secret = trustStorePassword(password, passwordFile, warnings);
        if (secret != null && b.trustStore == null) {
            throw new ConfigException((password != null ? password : passwordFile).label()
                    + " needs truststore=PATH too");
        }
        Setting config = settings.get("config");
        if (config != null && password != null && password.source().kind() == Source.Kind.FILE) {
            SecretFiles.warnIfOthersCanRead(new File(config.value()), "a trust store password", warnings);
        }
        Policy global = new Policy(b.mode, b.verify != null ? b.verify : defaultVerify(b.mode), b.minTls,
                b.trustStore == null ? TrustSettings.JDK
                        : new TrustSettings(b.trustStore, secret, jdkRoots != null && jdkRoots),
                Collections.<Pin>emptyList(), "global");
        List<PolicyRules.Rule> rules = policyFile == null ? Collections.<PolicyRules.Rule>emptyList()
                : PolicyFile.read(readableFile(policyFile, "a policy file: one rule a line, destination mode "
                        + "key=value..."), global, warnings);
        b.policies = new PolicyRules(global, rules);
        b.warnings = warnings;
        return new AgentConfig(b);
    }

    /** The password, from the setting or its file; a warning when the command line shows it. */
    private static char[] trustStorePassword(Setting password, Setting passwordFile, List<String> warnings)
            throws ConfigException {
        if (password != null && passwordFile != null) {
            throw new ConfigException(password.label() + " and " + passwordFile.label() + " are both given: keep one "
                    + "(truststore-password-file= keeps the secret off the command line)");
        }
        if (passwordFile != null) {
            return SecretFiles.readPassword(readableFile(passwordFile, "a file holding the trust store password"),
                    passwordFile.label(), warnings);
        }
        if (password == null) {
            return null;
        }
        if (password.source().onCommandLine()) {
            warnings.add("the trust store password is in the " + (password.source().kind() == Source.Kind.ARGUMENT
                    ? "agent arguments" : "system property " + password.source().nameOf(password.key()))
                    + ", which every local user can read (ps, /proc/PID/cmdline, jcmd); give it in "
                    + "truststore-password-file=PATH, the environment variable STARTTLS_AGENT_TRUSTSTORE_PASSWORD "
                    + "or the config= file instead");
        }
        return password.value().toCharArray();
    }

    /** Enforce and testing check host names unless told otherwise; the other modes encrypt only. */
    static Verify defaultVerify(Mode mode) {
        return mode == Mode.ENFORCE || mode == Mode.TESTING ? Verify.HOST : Verify.NONE;
    }

    static <E extends Enum<E>> E oneOf(E[] values, Setting s) throws ConfigException {
        StringBuilder allowed = new StringBuilder();
        for (E e : values) {
            String word = e.name().toLowerCase(Locale.ROOT);
            if (word.equals(s.value())) {
                return e;
            }
            allowed.append(allowed.length() == 0 ? "" : ", ").append(word);
        }
        throw new ConfigException("bad " + s.label() + ": " + s.key() + " must be one of " + allowed);
    }

    static boolean onOff(Setting s, String meaning) throws ConfigException {
        if (!s.value().equals("on") && !s.value().equals("off")) {
            throw new ConfigException("bad " + s.label() + ": " + s.key() + " must be " + meaning);
        }
        return s.value().equals("on");
    }

    static MailProtocol protocol(Setting s) throws ConfigException {
        for (MailProtocol p : MailProtocol.values()) {
            if (p.word().equals(s.value())) {
                return p;
            }
        }
        throw new ConfigException("bad " + s.label() + ": protocol must be one of smtp, imap, pop3");
    }

    private static int[] ports(Setting s) throws ConfigException {
        if (s.value().isEmpty()) {
            return new int[0];
        }
        String[] items = s.value().split(":", -1);
        int[] ports = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            ports[i] = positive(s, items[i], 1, 65535);
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

    private static int positive(Setting s, String value, int min, int max) throws ConfigException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("bad " + s.label() + ": '" + value + "' is not a whole number from " + min + " to "
                + max);
    }

    private static int duration(Setting s) throws ConfigException {
        String value = s.value();
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
        throw new ConfigException("bad " + s.label() + ": timeout takes seconds (30 or 30s) or "
                + "milliseconds (500ms), from 100ms to 600s");
    }

    static String tlsVersion(Setting s) throws ConfigException {
        for (String v : TLS_VERSIONS) {
            if (v.equalsIgnoreCase(s.value())) {
                return v;
            }
        }
        throw new ConfigException("bad " + s.label() + ": min-tls must be one of " + String.join(", ", TLS_VERSIONS));
    }

    static File readableFile(Setting s, String what) throws ConfigException {
        File f = new File(s.value());
        if (s.value().isEmpty() || !f.isFile() || !f.canRead()) {
            throw new ConfigException("bad " + s.label() + ": no readable file at '" + s.value() + "' (give the path of "
                    + what + ")");
        }
        return f;
    }

    private static File writableFile(Setting s) throws ConfigException {
        File f = new File(s.value()).getAbsoluteFile();
        File dir = f.getParentFile();
        if (s.value().isEmpty() || f.isDirectory() || dir == null || !dir.isDirectory()
                || (f.exists() ? !f.canWrite() : !dir.canWrite())) {
            throw new ConfigException("bad " + s.label() + ": cannot write the audit log at '" + s.value()
                    + "' (give a file in an existing, writable directory)");
        }
        return f;
    }

    private static String ehloName(Setting s) throws ConfigException {
        if (s.value().isEmpty() || !s.value().matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            throw new ConfigException("bad " + s.label() + ": ehlo-name must be a domain name or an address literal "
                    + "such as [192.0.2.1]" + (s.value().contains(" ") ? " (it contains a space)" : ""));
        }
        return s.value();
    }

    /** The reference printed for {@code help}. */
    public static String reference() {
        return String.join("\n",
            "starttls-agent: upgrades an application's plain-text SMTP, IMAP and POP3 connections to STARTTLS.",
            "",
            "usage: java -javaagent:starttls-agent.jar[=key=value,key=value...] -jar app.jar",
            "       java -jar starttls-agent.jar config [key=value,...]   print the effective policy and exit",
            "       java -jar starttls-agent.jar check HOST:PORT [--protocol smtp|imap|pop3] [--json] [key=value,...]",
            "                                      probe a server as the agent would; exit 0 when it would be upgraded",
            "       java -jar starttls-agent.jar report [--tlsrpt] FILE...   roll up audit logs (gzip, - for stdin)",
            "       java -jar starttls-agent.jar attach [PID [key=value,...]]   load the agent into a running JVM",
            "                                      (no PID: list the JVMs); a second attach changes nothing",
            "       list items inside a value are separated by colons: smtp-ports=25:587:10025",
            "       every key can also be set as -Dstarttls.agent.KEY=value, as the environment variable",
            "       STARTTLS_AGENT_KEY (upper case, - as _) or in the config= file; earlier sources win",
            "",
            "  mode=off|monitor|testing|opportunistic|enforce",
            "                                      off: leave mail alone; monitor: report only; testing: upgrade",
            "                                      as opportunistic, block nothing, record what enforce would",
            "                                      block; opportunistic (default): upgrade when offered, else go",
            "                                      on in clear and report it; enforce: upgrade or block the",
            "                                      session with a temporary failure",
            "  verify=none|ca|host                 certificate check: none (encrypt only), ca (trusted chain),",
            "                                      host (trusted chain naming the host the app connected to);",
            "                                      default none, host with mode=enforce or testing",
            "  truststore=PATH                     PKCS12 or JKS trust store, or PEM CA bundle, for private CAs",
            "                                      (default: the JDK's roots)",
            "  jdk-roots=off|on                    with truststore=: off (default) trusts the store alone, on",
            "                                      trusts the JDK's roots as well",
            "  truststore-password-file=PATH       file whose first line is the trust store's password",
            "  truststore-password=SECRET          the password itself (the command line shows it to every",
            "                                      local user: prefer the file or STARTTLS_AGENT_TRUSTSTORE_PASSWORD)",
            "  min-tls=TLSv1.2|TLSv1.3             oldest TLS version accepted (default TLSv1.2)",
            "  policy-file=PATH                    rules per destination: 'HOST|.DOMAIN|HOST:PORT|*:PORT MODE",
            "                                      key=value...' a line, overrides verify, min-tls, truststore,",
            "                                      truststore-password(-file), jdk-roots, pin, protocol",
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
            "  config=PATH                         a properties file of these keys, one key=value a line (also",
            "                                      -Dstarttls.agent.config=PATH or STARTTLS_AGENT_CONFIG=PATH)",
            "  help                                print this text and exit");
    }
}
