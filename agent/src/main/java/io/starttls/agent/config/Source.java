package io.starttls.agent.config;

import java.io.File;
import java.util.Locale;

/**
 * Where a setting came from, so that every message can name it: the agent arguments, a system
 * property, an environment variable, or a line of a file. The order of the kinds is the order of
 * precedence: an earlier source wins.
 */
public final class Source {
    /** The kinds, earliest (strongest) first. */
    public enum Kind { ARGUMENT, PROPERTY, ENVIRONMENT, FILE, DEFAULT }

    public static final Source ARGUMENT = new Source(Kind.ARGUMENT, null, 0);
    public static final Source DEFAULT = new Source(Kind.DEFAULT, null, 0);

    private final Kind kind;
    private final File file;
    private final int line;

    private Source(Kind kind, File file, int line) {
        this.kind = kind;
        this.file = file;
        this.line = line;
    }

    public static Source property() {
        return new Source(Kind.PROPERTY, null, 0);
    }

    public static Source environment() {
        return new Source(Kind.ENVIRONMENT, null, 0);
    }

    public static Source fileLine(File file, int line) {
        return new Source(Kind.FILE, file, line);
    }

    public Kind kind() {
        return kind;
    }

    /** True for the sources that every local user can read: the JVM's command line. */
    public boolean onCommandLine() {
        return kind == Kind.ARGUMENT || kind == Kind.PROPERTY;
    }

    /** The name of {@code key} in this source: mode, starttls.agent.mode, STARTTLS_AGENT_MODE. */
    public String nameOf(String key) {
        switch (kind) {
            case PROPERTY:
                return "starttls.agent." + key;
            case ENVIRONMENT:
                return environmentName(key);
            default:
                return key;
        }
    }

    public static String environmentName(String key) {
        return "STARTTLS_AGENT_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The setting as the user wrote it, for a message: "agent argument 'mode=x'", "system property
     * 'starttls.agent.mode=x'", "environment variable 'STARTTLS_AGENT_MODE=x'", "setting 'mode=x'
     * in FILE line N". A secret's value is never shown.
     */
    public String label(String key, String value, boolean secret) {
        String shown = secret ? "(not shown)" : value;
        switch (kind) {
            case PROPERTY:
                return "system property '" + nameOf(key) + "=" + shown + "'";
            case ENVIRONMENT:
                return "environment variable '" + nameOf(key) + "=" + shown + "'";
            case FILE:
                return "setting '" + key + "=" + shown + "' in " + where();
            case DEFAULT:
                return "default '" + key + "=" + shown + "'";
            default:
                return "agent argument '" + key + "=" + shown + "'";
        }
    }

    /** Where, in a few words: "agent arguments", "FILE line N", ... */
    public String where() {
        switch (kind) {
            case PROPERTY:
                return "system property";
            case ENVIRONMENT:
                return "environment variable";
            case FILE:
                return file.getPath() + " line " + line;
            case DEFAULT:
                return "default";
            default:
                return "agent arguments";
        }
    }

    @Override
    public String toString() {
        return where();
    }
}
