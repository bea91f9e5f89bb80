package io.starttls.agent.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What Linux's /proc says of the JVM to attach to, before any attach is tried: whether it exists,
 * whose it is, and the JVM options it was started with (its command line and the option variables
 * of its environment, when readable), and whether it is a JVM at all (its memory map holds
 * libjvm), so that the known obstacles get their own answer instead of the attach API's time-out,
 * and no other program is sent the attach API's SIGQUIT, which would end it. Elsewhere nothing is known beforehand, and the attach API answers.
 */
final class TargetProcess {
    final boolean known;
    final boolean exists;
    final String owner;
    final String options;
    /** False when its memory map is readable and holds no libjvm: the attach would signal a non-JVM. */
    final boolean mayBeJvm;

    private TargetProcess(boolean known, boolean exists, String owner, String options, boolean mayBeJvm) {
        this.known = known;
        this.exists = exists;
        this.owner = owner;
        this.options = options;
        this.mayBeJvm = mayBeJvm;
    }

    static TargetProcess forTests(boolean exists, String owner, String options, boolean mayBeJvm) {
        return new TargetProcess(true, exists, owner, options, mayBeJvm);
    }

    static TargetProcess of(String pid) {
        Path proc = Paths.get("/proc", pid);
        if (!Files.isDirectory(Paths.get("/proc/self"))) {
            return new TargetProcess(false, true, null, "", true);
        }
        if (!Files.isDirectory(proc)) {
            return new TargetProcess(true, false, null, "", false);
        }
        String owner;
        try {
            owner = Files.getOwner(proc).getName();
        } catch (IOException | UnsupportedOperationException e) {
            owner = null;
        }
        String options = read(proc.resolve("cmdline")) + " " + jvmOptionsOf(read(proc.resolve("environ")));
        String maps = read(proc.resolve("maps"));
        return new TargetProcess(true, true, owner, options, maps.isEmpty() || maps.contains("/libjvm.so"));
    }

    /** The last of the JVM's settings of {@code -XX:[+-]flag}: true, false, or null when not set. */
    Boolean flag(String flag) {
        int plus = options.lastIndexOf("-XX:+" + flag);
        int minus = options.lastIndexOf("-XX:-" + flag);
        if (plus < 0 && minus < 0) {
            return null;
        }
        return plus > minus;
    }

    private static String jvmOptionsOf(String environment) {
        StringBuilder out = new StringBuilder();
        for (String entry : environment.split(" ")) {
            if (entry.startsWith("JAVA_TOOL_OPTIONS=") || entry.startsWith("JDK_JAVA_OPTIONS=")
                    || entry.startsWith("_JAVA_OPTIONS=")) {
                out.append(entry.substring(entry.indexOf('=') + 1)).append(' ');
            }
        }
        return out.toString();
    }

    /** A /proc file with its NULs as spaces; empty when it cannot be read (another user's environ). */
    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
