package io.starttls.it.support;

import io.starttls.testserver.TestCertificates;
import java.io.File;

/** The test CA as a PKCS12 trust store, and the two ways the tests hand it out. */
public final class TestTrust {
    private final File store;

    private TestTrust(File store) {
        this.store = store;
    }

    /** Writes the CA of {@code certificates} under target/agent-runs, named after the test class. */
    public static TestTrust of(TestCertificates certificates, Class<?> test) throws Exception {
        return new TestTrust(certificates.writeTrustStore(new File(Children.runsDir(),
                test.getSimpleName() + "-ca-" + ProcessHandle.current().pid() + ".p12")));
    }

    /**
     * For the agent, as the README advises: {@code truststore=...,truststore-password-file=...}, the
     * password in a file that only its owner can read.
     */
    public String agentArguments() {
        return "truststore=" + store.getAbsolutePath() + ",truststore-password-file=" + passwordFile().getAbsolutePath();
    }

    /** The trust store alone (for tests that hand the password over another way). */
    public File store() {
        return store;
    }

    /** A file holding the store's password, readable by its owner alone. */
    public File passwordFile() {
        File file = new File(store.getPath() + ".password");
        try {
            if (!file.isFile()) {
                java.nio.file.Files.writeString(file.toPath(), new String(TestCertificates.PASSWORD) + "\n");
                java.nio.file.Files.setPosixFilePermissions(file.toPath(),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    /** For an application that does TLS itself: the JVM's default trust store. */
    public AgentRun applyTo(AgentRun run) {
        return run.jvmOption("-Djavax.net.ssl.trustStore=" + store.getAbsolutePath())
                .jvmOption("-Djavax.net.ssl.trustStorePassword=" + new String(TestCertificates.PASSWORD))
                .jvmOption("-Djavax.net.ssl.trustStoreType=PKCS12");
    }
}
