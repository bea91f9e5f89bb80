package io.starttls.testserver;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Java program in a child JVM, as a user would, and keeps what it printed. */
public final class JavaProcess {
    private final File javaHome;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> program = new ArrayList<>();
    private long timeoutSeconds = 90;
    private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    private JavaProcess(File javaHome) {
        this.javaHome = javaHome;
    }

    /** A child of the given JDK; null means the JDK running this code. */
    private File stdin;

    public static JavaProcess on(File javaHome) {
        return new JavaProcess(javaHome != null ? javaHome : new File(System.getProperty("java.home")));
    }

    public JavaProcess agent(File agentJar, String arguments) {
        jvmOptions.add("-javaagent:" + agentJar.getAbsolutePath()
                + (arguments == null || arguments.isEmpty() ? "" : "=" + arguments));
        return this;
    }

    public JavaProcess jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public JavaProcess jar(File jar, String... args) {
        program.clear();
        program.add("-jar");
        program.add(jar.getAbsolutePath());
        program.addAll(Arrays.asList(args));
        return this;
    }

    public JavaProcess mainClass(String classpath, String mainClass, String... args) {
        program.clear();
        program.add("-cp");
        program.add(classpath);
        program.add(mainClass);
        program.addAll(Arrays.asList(args));
        return this;
    }

    /** An environment variable of the child, beside those it inherits. */
    public JavaProcess environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** What the program reads on standard input (nothing, by default). */
    public JavaProcess stdin(File file) {
        this.stdin = file;
        return this;
    }

    public JavaProcess timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(new File(javaHome, "bin/java").getAbsolutePath());
        command.addAll(jvmOptions);
        command.addAll(program);
        return command;
    }

    public Result run() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command()).redirectInput(ProcessBuilder.Redirect.from(
                stdin != null ? stdin : new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(process.getInputStream(), out);
        Thread e = pump(process.getErrorStream(), err);
        boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly().waitFor();
        }
        o.join(5000);
        e.join(5000);
        return new Result(done ? process.exitValue() : -1, !done,
                out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** What the child did. */
    public static final class Result {
        public final int exitCode;
        public final boolean timedOut;
        public final String stdout;
        public final String stderr;

        Result(int exitCode, boolean timedOut, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.timedOut = timedOut;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit=" + exitCode + (timedOut ? " (timed out)" : "") + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }
}
