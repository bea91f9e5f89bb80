package io.starttls.agent;

import io.starttls.agent.config.AgentArguments;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.ConfigException;
import io.starttls.agent.config.EffectiveConfig;
import io.starttls.agent.config.Mode;
import io.starttls.agent.config.ShellSplit;
import io.starttls.agent.instrument.SocketGuardInstaller;
import java.lang.instrument.Instrumentation;

/**
 * Entry point: {@code -javaagent:starttls-agent.jar=mode=enforce}. Start-up does only what guards
 * sockets: read the settings and rewrite {@code java.net.Socket}. Everything else (trust stores,
 * TLS contexts, the audit log) waits for the first mail connection.
 */
public final class StartTlsAgent {
    static final int EXIT_BAD_ARGUMENTS = 2;
    static final int EXIT_UNPROTECTED = 3;
    /** Set by the first agent in a JVM: a second -javaagent (JAVA_TOOL_OPTIONS and a start script) sees it. */
    public static final String LOADED_PROPERTY = "io.starttls.agent.loaded";
    /** What the last attach to this JVM did, one line, for the {@code attach} command to read back. */
    public static final String ATTACH_RESULT_PROPERTY = "io.starttls.agent.attach.result";

    private StartTlsAgent() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        start(arguments, inst);
    }

    /**
     * {@code java -jar starttls-agent.jar attach PID}: loaded into a running JVM. Unlike premain it
     * never ends the JVM and never throws (the JVM would print a stack trace into the
     * application's output): what it did goes to the application's stderr and, for the attach
     * command, into {@link #ATTACH_RESULT_PROPERTY}, as "attached: ...", "already: ..." or
     * "refused: ...".
     */
    public static void agentmain(String arguments, Instrumentation inst) {
        String result;
        try {
            result = attach(arguments, inst);
        } catch (Throwable t) {
            result = "refused: internal error of the agent (" + t.toString().split("\\R", 2)[0]
                    + "); nothing was changed that guards sockets";
        }
        System.setProperty(ATTACH_RESULT_PROPERTY, result);
        if (result.startsWith("refused: ")) {
            System.err.println("starttls-agent: attach " + result);
            System.err.flush();
        }
    }

    /**
     * {@code java -jar starttls-agent.jar} prints the reference; {@code config [arguments]} the
     * effective policy, with the same errors as at start-up; {@code check HOST:PORT} probes a
     * server as the agent would connect to it; {@code report FILE...} rolls up audit logs.
     */
    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "config":
                System.exit(config(rest));
                return;
            case "check":
                System.exit(io.starttls.agent.check.CheckCommand.run(rest, System.getProperties(), System.getenv(),
                        System.out, System.err));
                return;
            case "attach":
                System.exit(io.starttls.agent.attach.AttachCommand.run(rest, System.out, System.err));
                return;
            case "report":
                System.exit(io.starttls.agent.report.ReportCommand.run(rest, System.in, System.out, System.err,
                        io.starttls.agent.report.ReportCommand.readsFromTerminal()));
                return;
            case "help":
            case "--help":
                System.out.println(AgentArguments.reference());
                return;
            default:
                stop("starttls-agent: unknown command '" + (command.matches("[a-z-]{1,20}") ? command : "?")
                        + "': the commands are attach [PID [key=value,...]], check HOST:PORT, report FILE..., config "
                        + "[key=value,...] and help; the "
                        + "agent itself is started with -javaagent:starttls-agent.jar", EXIT_BAD_ARGUMENTS);
        }
    }

    private static int config(String[] args) {
        String arguments = String.join(",", args);
        try {
            AgentConfig config = AgentArguments.load(arguments, System.getProperties(), System.getenv());
            System.out.print(EffectiveConfig.describe(config, version()));
            System.out.flush();
            return EffectiveConfig.trustStoresUsable(config, System.out) ? 0 : EXIT_BAD_ARGUMENTS;
        } catch (ConfigException e) {
            System.err.println("starttls-agent: " + e.getMessage());
            return EXIT_BAD_ARGUMENTS;
        }
    }

    private static String attach(String arguments, Instrumentation inst) {
        if (AgentArguments.asksForHelp(arguments)) {
            return "refused: the reference is printed by java -jar starttls-agent.jar help";
        }
        AgentConfig config;
        try {
            config = AgentArguments.load(arguments, System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            return "refused: " + e.getMessage();
        }
        String first = System.getProperty(LOADED_PROPERTY);
        if (first != null) {
            System.err.println("starttls-agent: attached again; the agent is already in force with " + first
                    + "; nothing was changed");
            return "already: " + first;
        }
        for (String warning : config.warnings()) {
            System.err.println("starttls-agent: WARNING " + warning);
        }
        if (config.mode() == Mode.OFF && config.policies().rulePolicies().isEmpty()) {
            System.setProperty(LOADED_PROPERTY, config.toString());
            return "attached: mode=off, mail connections are left alone";
        }
        SocketGuardInstaller.Installed installed;
        try {
            installed = SocketGuardInstaller.install(inst, config, true);
        } catch (RuntimeException | LinkageError e) {
            String why = (e instanceof IllegalStateException ? e.getMessage() : e.toString()).split("\\R", 2)[0];
            return "refused: cannot guard sockets, mail connections are NOT protected"
                    + (config.policies().anyEnforce() ? " (mode=enforce could not take effect)" : "") + ": " + why;
        }
        System.setProperty(LOADED_PROPERTY, config.toString());
        String what = EffectiveConfig.summary(config) + "; " + installed.describe(config.ports());
        if (config.logEnabled()) {
            System.err.println("starttls-agent " + version() + " attached: " + what);
            System.err.flush();
        }
        return "attached: " + what;
    }

    private static void start(String arguments, Instrumentation inst) {
        if (AgentArguments.asksForHelp(arguments)) {
            System.out.println(AgentArguments.reference());
            System.exit(0);
        }
        AgentConfig config;
        try {
            config = AgentArguments.load(arguments, System.getProperties(), System.getenv());
        } catch (ConfigException e) {
            stop("starttls-agent: " + e.getMessage(), EXIT_BAD_ARGUMENTS);
            return;
        }
        String first = System.getProperty(LOADED_PROPERTY);
        if (first != null) {
            attachedTwice(first, config);
            return;
        }
        String stray = ShellSplit.strayArguments(System.getProperty("sun.java.command"));
        if (stray != null) {
            stop("starttls-agent: a space in the -javaagent option made the shell split it, so '" + stray
                    + "' became the JVM's main class: write the agent arguments without spaces, or quote the whole "
                    + "option", EXIT_BAD_ARGUMENTS);
            return;
        }
        for (String warning : config.warnings()) {
            System.err.println("starttls-agent: WARNING " + warning);
        }
        System.setProperty(LOADED_PROPERTY, config.toString());
        if (config.mode() == Mode.OFF && config.policies().rulePolicies().isEmpty()) {
            if (config.logEnabled()) {
                System.err.println("starttls-agent " + version() + ": mode=off, mail connections are left alone");
            }
            return;
        }
        SocketGuardInstaller.Installed installed;
        try {
            installed = SocketGuardInstaller.install(inst, config);
        } catch (RuntimeException | LinkageError e) {
            String why = e instanceof IllegalStateException ? e.getMessage() : e.toString();
            why = why.split("\\R", 2)[0]; // one line: a VerifyError, say, explains itself over many
            if (config.policies().anyEnforce()) {
                stop("starttls-agent: cannot guard sockets, refusing to start (mode=enforce): " + why, EXIT_UNPROTECTED);
            } else {
                System.err.println("starttls-agent: ERROR cannot guard sockets, mail connections are NOT protected: "
                        + why);
            }
            return;
        }
        if (installed.retransformed() && config.logEnabled()) {
            System.err.println("starttls-agent " + version() + " started: " + EffectiveConfig.summary(config)
                    + "; java.net.Socket was already loaded (by an agent listed before this one), so it is guarded by "
                    + "retransformation; " + installed.describe(config.ports()));
        } else if (config.logEnabled()) {
            startLine("starttls-agent " + version() + " started: " + EffectiveConfig.summary(config));
        }
    }

    /**
     * A second -javaagent of this agent (JAVA_TOOL_OPTIONS and a start script, say): the first is
     * in force. With the same settings that is harmless; with others it is said, and when the
     * ignored ones would enforce, the JVM does not start: an enforce that silently does not apply
     * is worse than none.
     */
    private static void attachedTwice(String first, AgentConfig second) {
        String ignored = second.toString();
        String where = "the agent is attached twice (JAVA_TOOL_OPTIONS and a -javaagent option, say)";
        if (ignored.equals(first)) {
            System.err.println("starttls-agent: WARNING " + where + " with the same settings; the second is ignored: "
                    + "remove one of them");
        } else if (second.policies().anyEnforce()) {
            stop("starttls-agent: " + where + " with other settings: in force (the first): " + first
                    + "; ignored (the second), which enforces: " + ignored + "; refusing to start: remove one of them",
                    EXIT_BAD_ARGUMENTS);
        } else {
            System.err.println("starttls-agent: WARNING " + where + "; the first one is in force (" + first
                    + ") and the second one's settings are ignored (" + ignored + "): remove one of them");
        }
    }

    /**
     * The start-up line, as bytes: the first println on System.err would set up its character
     * encoder, which costs every JVM several milliseconds at start-up.
     */
    private static void startLine(String line) {
        byte[] bytes = (line + System.lineSeparator()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.err.write(bytes, 0, bytes.length);
        System.err.flush();
    }

    static String version() {
        String v = StartTlsAgent.class.getPackage() == null ? null
                : StartTlsAgent.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** Fail closed before main: one line, no stack trace. */
    private static void stop(String line, int status) {
        System.err.println(line);
        System.err.flush();
        System.exit(status);
    }
}
