package io.starttls.it.support;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.starttls.testserver.JavaProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a program in a child JVM, with or without {@code -javaagent:} and the shipped jar,
 * as a user runs it. Every run gets its own audit file; stdout, stderr and the audit lines are
 * kept under target/agent-runs, where the secret sweep reads them.
 */
public final class AgentRun {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private String agentArgs;
    private boolean withAgent;
    private boolean withAuditLog = true;
    private String jar;
    private String mainClass;
    private String classpath;
    private String[] args = new String[0];
    private final List<String> jvmOptions = new ArrayList<>();
    private long timeoutSeconds = 90;
    private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    public static AgentRun app(String demoApp, String... args) {
        AgentRun run = new AgentRun();
        run.jar = demoApp;
        run.args = args;
        return run;
    }

    /** A test client from the test classes (a legacy-style program that tests one socket idiom). */
    public static AgentRun testClient(Class<?> main, String... args) {
        AgentRun run = new AgentRun();
        run.mainClass = main.getName();
        run.args = args;
        return run;
    }

    /** A main class from a jar of its own (the library demo apps). */
    public static AgentRun testClient(String classpath, String mainClass, String... args) {
        AgentRun run = new AgentRun();
        run.classpath = classpath;
        run.mainClass = mainClass;
        run.args = args;
        return run;
    }

    public AgentRun agent(String arguments) {
        this.withAgent = true;
        this.agentArgs = arguments;
        return this;
    }

    public AgentRun noAuditLog() {
        this.withAuditLog = false;
        return this;
    }

    public AgentRun jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public AgentRun jvmOptions(List<String> options) {
        jvmOptions.addAll(options);
        return this;
    }

    public AgentRun environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public AgentRun timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    private static synchronized File socketFirstAgent() {
        File jar = new File(Children.runsDir(), "second-way-socket-first-agent.jar");
        if (!jar.isFile()) {
            try {
                OtherAgents.jar(jar.getName(), io.starttls.it.clients.SocketFirstAgent.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return jar;
    }

    public RunResult run() throws IOException, InterruptedException {
        int n = COUNTER.incrementAndGet();
        String name = Children.label() + "-" + ProcessHandle.current().pid() + "-" + n;
        File audit = new File(Children.runsDir(), name + ".audit.jsonl");
        JavaProcess child = JavaProcess.on(Children.javaHome()).timeoutSeconds(timeoutSeconds);
        // The JVM verifies boot classes too: a defect in the rewrite of java.net.Socket, or of the
        // JDK's SSLSocketFactoryImpl, fails the run with a VerifyError instead of corrupting it.
        child.jvmOption("-XX:+UnlockDiagnosticVMOptions").jvmOption("-XX:+BytecodeVerificationLocal");
        jvmOptions.forEach(child::jvmOption);
        environment.forEach(child::environment);
        if (withAgent) {
            if (Boolean.getBoolean("it.second-way")) {
                // The whole run through the second way in: an agent listed first has loaded Socket.
                child.jvmOption("-javaagent:" + socketFirstAgent().getAbsolutePath());
            }
            String arguments = agentArgs == null ? "" : agentArgs;
            if (withAuditLog) {
                arguments = (arguments.isEmpty() ? "" : arguments + ",") + "audit-log=" + audit.getAbsolutePath();
            }
            child.agent(Children.agentJar(), arguments);
        }
        if (jar != null) {
            child.jar(Children.demoJar(jar), args);
        } else {
            child.mainClass(classpath != null ? classpath : Children.testClasspath(), mainClass, args);
        }
        JavaProcess.Result result = child.run();
        Files.writeString(new File(Children.runsDir(), name + ".stdout").toPath(), result.stdout);
        Files.writeString(new File(Children.runsDir(), name + ".stderr").toPath(), result.stderr);
        List<String> auditLines = audit.isFile()
                ? Files.readAllLines(audit.toPath(), StandardCharsets.UTF_8) : List.of();
        RunResult run = new RunResult(result, auditLines, Arrays.toString(args));
        assertFalse(result.timedOut, () -> "the child JVM did not finish: " + run);
        run.assertNoSecretInAgentOutput();
        return run;
    }
}
