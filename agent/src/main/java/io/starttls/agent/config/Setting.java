package io.starttls.agent.config;

/** One key=value and where it came from. */
public final class Setting {
    private final String key;
    private final String value;
    private final Source source;

    public Setting(String key, String value, Source source) {
        this.key = key;
        this.value = value;
        this.source = source;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public Source source() {
        return source;
    }

    /** The setting as written, for a message; a secret's value is never shown. */
    public String label() {
        return source.label(key, value, AgentArguments.isSecret(key));
    }
}
