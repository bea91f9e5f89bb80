package io.starttls.agent.config;

/**
 * Recognises agent arguments that the shell split at a space ({@code =mode=enforce, verify=host}):
 * the piece after the space becomes the JVM's main class, which the JVM names in
 * {@code sun.java.command} before it loads it.
 */
public final class ShellSplit {
    private ShellSplit() {
    }

    /** A sentence to add to a message when the main class looks like the rest of the agent arguments. */
    static String hint() {
        String stray = strayArguments(System.getProperty("sun.java.command"));
        return stray == null ? "" : "; a space in the -javaagent option made the shell split it, so '" + stray
                + "' became the JVM's main class: remove the space, or quote the whole option";
    }

    /**
     * The agent arguments that the JVM took for its main class, or null: the first word of the
     * command, when it is key=value entries of known keys (never shown for a secret's key).
     */
    public static String strayArguments(String javaCommand) {
        if (javaCommand == null || javaCommand.isEmpty()) {
            return null;
        }
        // No regular expression here: this runs in every JVM's premain, and java.util.regex is not loaded yet.
        String command = javaCommand.trim();
        int space = 0;
        while (space < command.length() && !Character.isWhitespace(command.charAt(space))) {
            space++;
        }
        String first = command.substring(0, space);
        String entries = first.startsWith(",") ? first.substring(1) : first;
        if (entries.isEmpty() || !entries.contains("=")) {
            return null;
        }
        StringBuilder shown = new StringBuilder();
        for (String entry : entries.split(",", -1)) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || !AgentArguments.isKnownKey(entry.substring(0, eq))) {
                return null;
            }
            String key = entry.substring(0, eq);
            shown.append(shown.length() == 0 ? "" : ",")
                    .append(AgentArguments.isSecret(key) ? key + "=(not shown)" : entry);
        }
        return shown.toString();
    }
}
