package io.starttls.it.support;

import java.io.File;
import org.junit.jupiter.api.Assumptions;

/** Where the things under test are: the shipped agent jar, the demo jars, the child JDK. */
public final class Children {
    private Children() {
    }

    public static File agentJar() {
        return existing(new File(System.getProperty("agent.jar", "../agent/target/starttls-agent.jar")));
    }

    public static File demoJar(String app) {
        File dir = new File(System.getProperty("demo.apps", "../demo-apps"));
        return existing(new File(dir, app + "/target/" + app + ".jar"));
    }

    /** The JDK the child JVMs run on (JDK 17 in one surefire execution, JDK 25 in the other). */
    public static File javaHome() {
        File home = new File(System.getProperty("child.java.home", System.getProperty("java.home")));
        Assumptions.assumeTrue(new File(home, "bin/java").canExecute(),
                "no JDK at " + home + " (set -Djdk25.home=... to run the JDK 25 pass)");
        return home;
    }

    /** The feature version of the child JDK (17, 25), from its release file. */
    public static int featureVersion() {
        try {
            for (String line : java.nio.file.Files.readAllLines(new File(javaHome(), "release").toPath())) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(line.indexOf('"') + 1);
                    return Integer.parseInt(v.split("[.\"]", 2)[0]);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            throw new IllegalStateException("the child JDK's version cannot be read: " + e);
        }
        throw new IllegalStateException("the child JDK's release file names no JAVA_VERSION");
    }

    public static String label() {
        return System.getProperty("child.label", "jdk-build");
    }

    public static File runsDir() {
        File dir = new File(System.getProperty("runs.dir", "target/agent-runs"));
        dir.mkdirs();
        return dir;
    }

    /**
     * The test classes, for child JVMs that run one of the test clients. The agent's own build
     * output is left out: the agent must come only from the shipped jar given to -javaagent.
     */
    public static String testClasspath() {
        StringBuilder out = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String path = entry.replace('\\', '/');
            // The reactor's agent/target/classes, or the installed thin jar when one module is built.
            if (!path.contains("/agent/target/") && !path.contains("/io/starttls/starttls-agent/")) {
                out.append(out.length() == 0 ? "" : File.pathSeparator).append(entry);
            }
        }
        return out.toString();
    }

    private static File existing(File f) {
        if (!f.isFile()) {
            throw new IllegalStateException(f + " is missing: run the tests through Maven (./mvnw verify), "
                    + "which builds it first");
        }
        return f;
    }
}
