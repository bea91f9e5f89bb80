package io.starttls.agent.config;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Gathers the settings from their four sources, in the documented order, as the OpenTelemetry
 * agent does: the agent arguments, then {@code -Dstarttls.agent.KEY=value}, then
 * {@code STARTTLS_AGENT_KEY}, then the properties file named by {@code config=}. An earlier source
 * wins; inside one source a key may be given once. Nothing here judges values: that is
 * {@link AgentArguments}' job, with the source of each value at hand for its messages.
 */
public final class SettingSources {
    static final String PROPERTY_PREFIX = "starttls.agent.";
    static final String ENVIRONMENT_PREFIX = "STARTTLS_AGENT_";

    private SettingSources() {
    }

    /** Every setting that is in force, each from the strongest source that gives it, in a stable order. */
    public static Map<String, Setting> collect(String arguments, Properties properties, Map<String, String> environment)
            throws ConfigException {
        List<Setting> fromArguments = fromArguments(arguments);
        List<Setting> fromProperties = fromProperties(properties);
        List<Setting> fromEnvironment = fromEnvironment(environment);
        Map<String, Setting> merged = new LinkedHashMap<String, Setting>();
        addAbsent(merged, fromArguments);
        addAbsent(merged, fromProperties);
        addAbsent(merged, fromEnvironment);
        Setting config = merged.get("config");
        if (config != null) {
            addAbsent(merged, fromFile(AgentArguments.readableFile(config, "a properties file of key=value lines")));
        }
        return merged;
    }

    private static void addAbsent(Map<String, Setting> merged, List<Setting> settings) {
        for (Setting s : settings) {
            if (!merged.containsKey(s.key())) {
                merged.put(s.key(), s);
            }
        }
    }

    static List<Setting> fromArguments(String arguments) throws ConfigException {
        List<Setting> out = new ArrayList<Setting>();
        if (arguments == null || arguments.trim().isEmpty()) {
            return out;
        }
        Map<String, Integer> seen = new HashMap<String, Integer>();
        String[] entries = arguments.split(",", -1);
        for (int n = 0; n < entries.length; n++) {
            // No message below quotes the arguments as a whole, nor an entry that is not a known
            // key=value: a trust store password, or a piece of one cut at a comma, is never echoed.
            String entry = entries[n].trim();
            if (entry.isEmpty()) {
                throw new ConfigException("entry " + (n + 1) + " of the agent arguments is empty: separate "
                        + "key=value entries with single commas (a value cannot contain a comma)"
                        + (n == entries.length - 1 ? ShellSplit.hint() : ""));
            }
            int eq = entry.indexOf('=');
            String previousKey = n == 0 || entries[n - 1].indexOf('=') < 0 ? ""
                    : entries[n - 1].substring(0, entries[n - 1].indexOf('=')).trim();
            if (AgentArguments.isSecret(previousKey) && (eq < 0 || !AgentArguments.isKnownKey(entry.substring(0, eq).trim()))) {
                // The rest of a password cut at a comma: say so, show none of it.
                throw new ConfigException("entry " + (n + 1) + " of the agent arguments (not shown) follows "
                        + "truststore-password= and is not a setting: a value cannot contain a comma; give such a "
                        + "password in truststore-password-file=PATH or STARTTLS_AGENT_TRUSTSTORE_PASSWORD");
            }
            if (eq < 0) {
                throw new ConfigException("entry " + (n + 1) + " of the agent arguments"
                        + (AgentArguments.isKnownKey(entry) || continuesAList(n > 0 ? entries[n - 1] : "", entry)
                                ? " ('" + entry + "')" : "")
                        + " has no value: " + noValueHint(n > 0 ? entries[n - 1] : "", entry));
            }
            String key = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (seen.put(key, n + 1) != null) {
                throw new ConfigException("agent argument '" + key + "' is given twice: give it once");
            }
            out.add(new Setting(key, entry.substring(eq + 1).trim(), Source.ARGUMENT));
        }
        return out;
    }

    /**
     * True for {@code 587} after {@code smtp-ports=25}: the rest of a list cut at a comma. Only
     * then is the entry quoted: a piece of a password cut at a comma never is.
     */
    private static boolean continuesAList(String previous, String entry) {
        String previousKey = previous.contains("=") ? previous.substring(0, previous.indexOf('=')).trim() : "";
        return entry.matches("[0-9:]{1,40}") && previousKey.endsWith("-ports");
    }

    /** {@code smtp-ports=25,587}: the comma ended the list; say that lists take colons. */
    private static String noValueHint(String previous, String entry) {
        if (continuesAList(previous, entry)) {
            return "the items of a list are separated by colons, not commas: write "
                    + previous.trim() + ":" + entry;
        }
        return "write key=value (a value cannot contain a comma; the items of a list are separated by colons, "
                + "as in smtp-ports=25:587); known keys: " + String.join(", ", AgentArguments.keys());
    }

    static List<Setting> fromProperties(Properties properties) throws ConfigException {
        List<Setting> out = new ArrayList<Setting>();
        if (properties == null) {
            return out;
        }
        for (String name : ours(properties.stringPropertyNames(), PROPERTY_PREFIX)) {
            String key = name.substring(PROPERTY_PREFIX.length()).toLowerCase(Locale.ROOT);
            if (!AgentArguments.isKnownKey(key) || key.equals("help")) {
                throw new ConfigException("unknown system property " + printableName(name) + " (its value is not "
                        + "shown): the keys after starttls.agent. are those of the agent arguments: "
                        + String.join(", ", AgentArguments.keys()));
            }
            out.add(new Setting(key, properties.getProperty(name).trim(), Source.property()));
        }
        return out;
    }

    static List<Setting> fromEnvironment(Map<String, String> environment) throws ConfigException {
        List<Setting> out = new ArrayList<Setting>();
        if (environment == null) {
            return out;
        }
        for (String name : ours(environment.keySet(), ENVIRONMENT_PREFIX)) {
            String key = name.substring(ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
            if (!AgentArguments.isKnownKey(key) || key.equals("help")) {
                throw new ConfigException("unknown environment variable " + printableName(name) + " (its value is "
                        + "not shown): the names are STARTTLS_AGENT_ and a key of the agent arguments in upper case, "
                        + "- as _ (STARTTLS_AGENT_MODE, STARTTLS_AGENT_TRUSTSTORE_PASSWORD)");
            }
            out.add(new Setting(key, environment.get(name).trim(), Source.environment()));
        }
        return out;
    }

    /** The names with our prefix, in a stable order (sorted only when there is more than one). */
    private static List<String> ours(java.util.Collection<String> names, String prefix) {
        List<String> out = new ArrayList<String>();
        for (String name : names) {
            if (name.startsWith(prefix)) {
                out.add(name);
            }
        }
        if (out.size() > 1) {
            java.util.Collections.sort(out);
        }
        return out;
    }

    /**
     * A properties file: one {@code key=value} a line, {@code #} or {@code !} comments, blank
     * lines; values are taken as written (no escapes, so a Windows path needs none).
     */
    static List<Setting> fromFile(File file) throws ConfigException {
        List<Setting> out = new ArrayList<Setting>();
        Map<String, Integer> seen = new HashMap<String, Integer>();
        int number = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(file),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                String text = (number == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line).trim();
                if (text.isEmpty() || text.startsWith("#") || text.startsWith("!")) {
                    continue;
                }
                Source where = Source.fileLine(file, number);
                int eq = text.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException(where.where() + ": not key=value; write one key=value a line "
                            + "(# starts a comment)");
                }
                String key = text.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (!AgentArguments.isKnownKey(key) || key.equals("help") || key.equals("config")) {
                    throw new ConfigException(where.where() + ": unknown key " + printableName(key)
                            + (key.equals("config") ? " (a config file cannot name another)" : "")
                            + "; known keys: " + String.join(", ", AgentArguments.keys()));
                }
                Integer earlier = seen.put(key, number);
                if (earlier != null) {
                    throw new ConfigException(where.where() + ": '" + key + "' is given twice (also on line "
                            + earlier + "): give it once");
                }
                out.add(new Setting(key, text.substring(eq + 1).trim(), where));
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read the config file " + file + " (" + e.getMessage()
                    + "): give a readable properties file");
        }
        return out;
    }

    /** A name that came from outside, quoted only when it is short and plain (never a secret). */
    private static String printableName(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,60}") ? "'" + name + "'" : "(a name of " + name.length() + " characters)";
    }
}
