package io.starttls.agent.config;

import java.io.File;

/**
 * Which certificates a destination's server may chain to: the JDK's roots, a trust store (PKCS12,
 * JKS or a PEM bundle of CA certificates), or both ({@code jdk-roots=on} adds the store to the
 * JDK's roots; off, the default with a store, trusts the store alone, as the agent always did).
 */
public final class TrustSettings {
    static final TrustSettings JDK = new TrustSettings(null, null, true);

    private final File store;
    private final char[] password;
    private final boolean jdkRoots;

    TrustSettings(File store, char[] password, boolean jdkRoots) {
        this.store = store;
        this.password = password;
        this.jdkRoots = store == null || jdkRoots;
    }

    /** The trust store, or null for the JDK's roots alone. */
    public File store() {
        return store;
    }

    public char[] password() {
        return password == null ? null : password.clone();
    }

    public boolean jdkRoots() {
        return jdkRoots;
    }

    /** For the configuration summary: never the password. */
    public String describe() {
        if (store == null) {
            return "the JDK's roots";
        }
        return store + (jdkRoots ? " and the JDK's roots" : " alone (not the JDK's roots)");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TrustSettings)) {
            return false;
        }
        TrustSettings t = (TrustSettings) o;
        return jdkRoots == t.jdkRoots && (store == null ? t.store == null : store.equals(t.store))
                && java.util.Arrays.equals(password, t.password);
    }

    @Override
    public int hashCode() {
        return (store == null ? 0 : store.hashCode()) * 31 + (jdkRoots ? 1 : 0);
    }
}
