package io.starttls.agent.config;

/** A bad agent argument; its message is the one line the user sees, naming the entry and the fix. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
