package io.starttls.agent.config;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the policy file ({@code policy-file=}), in the style of Postfix's smtp_tls_policy_maps: one
 * rule a line, the destination, the mode, then {@code key=value} overrides; {@code #} starts a
 * comment. Every mistake stops with one line that names the file, the line and the fix.
 *
 * <pre>
 * # destination           mode           overrides
 * smtp.office365.com:587  enforce        verify=host
 * .corp.example           enforce        verify=ca truststore=/etc/pki/corp-ca.pem
 * fax.corp.example        off
 * *:2525                  opportunistic
 * </pre>
 */
final class PolicyFile {
    static final String[] OVERRIDES = {
        "verify", "min-tls", "truststore", "truststore-password", "truststore-password-file", "jdk-roots", "pin",
        "protocol"
    };

    private PolicyFile() {
    }

    static List<PolicyRules.Rule> read(File file, Policy global, List<String> warnings)
            throws ConfigException {
        List<PolicyRules.Rule> rules = new ArrayList<PolicyRules.Rule>();
        Map<String, Integer> lineOf = new HashMap<String, Integer>();
        boolean holdsSecret = false;
        int number = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(file),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (number == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // the byte order mark some editors write
                }
                List<String> words = words(line);
                if (words.isEmpty()) {
                    continue;
                }
                Source where = Source.fileLine(file, number);
                String at = where.where();
                PolicyRules.Rule rule = rule(words, where, global, warnings);
                holdsSecret |= line.toLowerCase(Locale.ROOT).contains("truststore-password=");
                Integer earlier = lineOf.put(rule.key(), number);
                if (earlier != null) {
                    throw new ConfigException(at + ": a second rule for " + rule.destination
                            + (rule.protocol == null ? "" : " (" + rule.protocol.word() + ")") + ", also on line "
                            + earlier + ": keep one of them");
                }
                rules.add(rule);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read the policy file " + file + " (" + e.getClass().getSimpleName()
                    + "): give a readable file (policy-file=PATH)");
        }
        if (holdsSecret) {
            SecretFiles.warnIfOthersCanRead(file, "a trust store password", warnings);
        }
        return rules;
    }

    private static List<String> words(String line) {
        List<String> out = new ArrayList<String>();
        for (String w : line.trim().split("\\s+")) {
            if (w.startsWith("#")) {
                break;
            }
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static PolicyRules.Rule rule(List<String> words, Source where, Policy global,
                                         List<String> warnings) throws ConfigException {
        String at = where.where();
        DestinationPattern destination;
        try {
            destination = DestinationPattern.parse(words.get(0));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ": " + e.getMessage());
        }
        if (words.size() < 2) {
            throw new ConfigException(at + ": no mode after " + destination + ": write the destination, then one of "
                    + modes() + ", then any key=value overrides");
        }
        Mode mode = null;
        for (Mode m : Mode.values()) {
            if (m.word().equals(words.get(1))) {
                mode = m;
            }
        }
        if (mode == null) {
            // Not quoted when it could be an override in the wrong place, which may hold a password.
            throw new ConfigException(at + ": " + (words.get(1).matches("[a-z-]{1,20}") ? "'" + words.get(1) + "' is "
                    : "the second word is ") + "not a mode: write one of " + modes() + " after the destination, "
                    + "then the key=value overrides");
        }
        Verify verify = null;
        String minTls = null;
        File store = null;
        char[] password = null;
        Boolean jdkRoots = null;
        MailProtocol protocol = null;
        List<Pin> pins = new ArrayList<Pin>();
        Map<String, Boolean> given = new HashMap<String, Boolean>();
        for (String word : words.subList(2, words.size())) {
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : word.substring(eq + 1);
            if (eq < 0) {
                // A word without "=" may be the rest of a password with a space in it: never shown.
                throw new ConfigException(at + ": a word that is not key=value (not shown): overrides are key=value, "
                        + "and a value cannot contain a space (give a password with one in truststore-password-file=)");
            }
            if (!known(key)) {
                throw new ConfigException(at + ": unknown key " + (key.matches("[a-z-]{1,30}") ? "'" + key + "' " : "")
                        + "(its value is not shown); a rule takes " + String.join(", ", OVERRIDES));
            }
            if (given.put(key, Boolean.TRUE) != null && !key.equals("pin")) {
                throw new ConfigException(at + ": '" + key + "' is given twice in one rule: give it once");
            }
            Setting s = new Setting(key, value, where);
            switch (key) {
                case "verify":
                    verify = AgentArguments.oneOf(Verify.values(), s);
                    break;
                case "min-tls":
                    minTls = AgentArguments.tlsVersion(s);
                    break;
                case "truststore":
                    store = AgentArguments.readableFile(s, "a PKCS12 or JKS trust store, or a PEM file of CA certificates");
                    break;
                case "truststore-password":
                    password = value.toCharArray();
                    break;
                case "truststore-password-file":
                    password = SecretFiles.readPassword(AgentArguments.readableFile(s, "a file holding the password"),
                            s.label(), warnings);
                    break;
                case "jdk-roots":
                    jdkRoots = AgentArguments.onOff(s, "on (trust the JDK's roots too) or off (the trust store alone)");
                    break;
                case "pin":
                    try {
                        pins.add(Pin.parse(value));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(at + ": bad pin (not shown): " + e.getMessage());
                    }
                    break;
                default:
                    protocol = AgentArguments.protocol(s);
                    break;
            }
        }
        if (given.containsKey("truststore-password") && given.containsKey("truststore-password-file")) {
            throw new ConfigException(at + ": truststore-password and truststore-password-file both given: keep one");
        }
        if (password != null && store == null) {
            throw new ConfigException(at + ": a trust store password without truststore=PATH in the same rule");
        }
        if (!pins.isEmpty() && (store != null || verify != null || jdkRoots != null)) {
            throw new ConfigException(at + ": a pin replaces CA trust for this destination: drop verify, truststore "
                    + "and jdk-roots from the rule, or drop the pin");
        }
        // Not the global verify: a global verify=none (encrypt only, for opportunistic) must not
        // quietly weaken a rule that enforces. A rule says verify= or gets its mode's default.
        Verify effective = verify != null ? verify : AgentArguments.defaultVerify(mode);
        TrustSettings trust = global.trust();
        if (store != null) {
            trust = new TrustSettings(store, password, jdkRoots != null && jdkRoots);
        } else if (jdkRoots != null) {
            trust = new TrustSettings(trust.store(), trust.password(), jdkRoots);
        }
        Policy policy = new Policy(mode, effective, minTls != null ? minTls : global.minTls(), trust, pins, at);
        return new PolicyRules.Rule(destination, protocol, policy);
    }

    private static boolean known(String key) {
        for (String k : OVERRIDES) {
            if (k.equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static String modes() {
        StringBuilder s = new StringBuilder();
        for (Mode m : Mode.values()) {
            s.append(s.length() == 0 ? "" : ", ").append(m.word());
        }
        return s.toString();
    }

    private static String shown(String word) {
        return word.length() <= 40 ? word : word.substring(0, 40) + "...";
    }
}
