package io.starttls.agent.attach;

import io.starttls.agent.StartTlsAgent;
import io.starttls.agent.config.AgentArguments;
import io.starttls.agent.config.ConfigException;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * {@code java -jar starttls-agent.jar attach [PID [arguments]]}: loads the agent into a running
 * JVM of the same user, with the arguments {@code -javaagent:} would take; without a PID it lists
 * the local JVMs. Idempotent: a JVM that has the agent is told nothing new. The attach API
 * ({@code jdk.attach}) is reached by reflection, since the agent is compiled for Java 8, where it
 * lives in tools.jar.
 *
 * <p>Exit statuses: 0 attached (or already there), or the list printed; 2 bad arguments; 3 the
 * JVM could not be attached to (none with that PID, another user's, attach disabled, no attach API
 * here); 4 the agent was loaded but refused to guard (its reason is printed; nothing was changed).
 */
public final class AttachCommand {
    static final int EXIT_BAD_ARGUMENTS = 2;
    static final int EXIT_NOT_ATTACHED = 3;
    static final int EXIT_REFUSED = 4;
    /** Settings that name a file: made absolute here, since the target JVM has its own working directory. */
    private static final Set<String> FILE_KEYS = new HashSet<String>(Arrays.asList("config", "policy-file",
            "truststore", "truststore-password-file", "audit-log"));
    private static final String VM = "com.sun.tools.attach.VirtualMachine";

    private final PrintStream out;
    private final PrintStream err;

    private AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new AttachCommand(out, err).run(args);
    }

    private int run(String[] args) {
        Class<?> vm;
        try {
            vm = Class.forName(VM);
        } catch (ClassNotFoundException | LinkageError e) {
            return fail(EXIT_NOT_ATTACHED, "this Java has no attach API (the jdk.attach module): run the command "
                    + "with the java of a JDK, Java 9 or later (" + System.getProperty("java.home") + " has none)");
        }
        if (args.length == 0) {
            return list(vm);
        }
        String pid = args[0];
        if (!pid.matches("[0-9]{1,10}")) {
            // An argument with '=' is a setting (the PID was forgotten): it may hold a secret, so it is not shown.
            return fail(EXIT_BAD_ARGUMENTS, "'" + (pid.matches("[A-Za-z0-9,._:/-]{1,60}") ? pid : "(not shown)")
                    + "' is not a process id: give the PID of a running JVM (java -jar starttls-agent.jar attach lists "
                    + "them), then the agent's arguments");
        }
        String arguments = absolutePaths(String.join(",", Arrays.copyOfRange(args, 1, args.length)));
        try {
            AgentArguments.parse(arguments);
        } catch (ConfigException e) {
            return fail(EXIT_BAD_ARGUMENTS, e.getMessage() + " (nothing was attached)");
        }
        String obstacle = obstacle(pid, TargetProcess.of(pid));
        if (obstacle != null) {
            return fail(EXIT_NOT_ATTACHED, obstacle);
        }
        return attach(vm, pid, arguments);
    }

    private int list(Class<?> vm) {
        try {
            List<?> vms = (List<?>) vm.getMethod("list").invoke(null);
            Class<?> descriptor = Class.forName(VM + "Descriptor");
            String self = selfPid();
            List<String> lines = new ArrayList<String>();
            for (Object d : vms) {
                String id = (String) descriptor.getMethod("id").invoke(d);
                if (id.equals(self)) {
                    continue;
                }
                String name = (String) descriptor.getMethod("displayName").invoke(d);
                lines.add(String.format("%8s  %s", id, name.isEmpty() ? "(main class unknown)" : mainClass(name)));
            }
            if (lines.isEmpty()) {
                out.println("no other JVM of this user is running here (a JVM started with "
                        + "-XX:+DisableAttachMechanism is not listed)");
                return 0;
            }
            out.println("     PID  main class");
            for (String line : lines) {
                out.println(line);
            }
            out.println("attach with: java -jar starttls-agent.jar attach PID mode=enforce[,more arguments]");
            return 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return fail(EXIT_NOT_ATTACHED, "the local JVMs could not be listed: " + cause(e));
        }
    }

    /** The main class or jar, without its arguments (which may hold anything, passwords among them). */
    private static String mainClass(String displayName) {
        int space = displayName.indexOf(' ');
        return space < 0 ? displayName : displayName.substring(0, space);
    }

    /** The obstacles that /proc shows before an attach is tried; null when none is seen. */
    static String obstacle(String pid, TargetProcess target) {
        if (!target.known) {
            return null;
        }
        if (!target.exists) {
            return "no process " + pid + " is running here: java -jar starttls-agent.jar attach lists the JVMs";
        }
        String me = System.getProperty("user.name");
        if (target.owner != null && !target.owner.equals(me) && !"root".equals(me)) {
            return "process " + pid + " belongs to user " + target.owner + ", and a JVM accepts an attach only from its "
                    + "own user: run the command as " + target.owner + " (sudo -u " + target.owner
                    + " java -jar starttls-agent.jar attach " + pid + " ...)";
        }
        if (!target.mayBeJvm) {
            return "process " + pid + " is not a Java virtual machine (no libjvm in it): nothing was sent to it; "
                    + "java -jar starttls-agent.jar attach lists the JVMs";
        }
        if (Boolean.TRUE.equals(target.flag("DisableAttachMechanism"))) {
            return "process " + pid + " was started with -XX:+DisableAttachMechanism, so nothing can attach to it: "
                    + "restart it without that option, or with -javaagent:starttls-agent.jar";
        }
        return null;
    }

    private int attach(Class<?> vmClass, String pid, String arguments) {
        Object vm;
        try {
            vm = vmClass.getMethod("attach", String.class).invoke(null, pid);
        } catch (InvocationTargetException e) {
            return fail(EXIT_NOT_ATTACHED, "could not attach to process " + pid + ": " + cause(e) + " (is it a JVM of "
                    + "this user? one started with -XX:+DisableAttachMechanism refuses every attach)");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return fail(EXIT_NOT_ATTACHED, "could not attach to process " + pid + ": " + cause(e));
        }
        try {
            Properties before = properties(vm);
            String loaded = before.getProperty(StartTlsAgent.LOADED_PROPERTY);
            if (loaded != null) {
                return alreadyThere(pid, loaded, arguments);
            }
            warnOfDynamicLoading(pid, before);
            String jar = ownJar();
            try {
                vmApi().getMethod("loadAgent", String.class, String.class).invoke(vm, jar, arguments);
            } catch (InvocationTargetException e) {
                return fail(EXIT_NOT_ATTACHED, "process " + pid + " did not load the agent: " + cause(e)
                        + dynamicLoadingAdvice(e));
            }
            String result = properties(vm).getProperty(StartTlsAgent.ATTACH_RESULT_PROPERTY, "");
            if (result.startsWith("attached: ")) {
                out.println("starttls-agent attached to process " + pid + ": " + result.substring(10));
                return 0;
            }
            if (result.startsWith("already: ")) {
                return alreadyThere(pid, result.substring(9), arguments);
            }
            return fail(EXIT_REFUSED, "process " + pid + " loaded the agent, which "
                    + (result.startsWith("refused: ") ? "refused: " + result.substring(9) : "did not say what it did"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return fail(EXIT_NOT_ATTACHED, "the attach to process " + pid + " failed: " + cause(e));
        } finally {
            try {
                vmApi().getMethod("detach").invoke(vm);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // the target went away: nothing is left to detach from
            }
        }
    }

    /**
     * Idempotent: the agent in the JVM stays as it is. When the settings asked for would enforce
     * and are not the ones in force, that is no success: the exit status says that they were not
     * applied (a script's "attach ... mode=enforce && echo protected" must not be misled).
     */
    private int alreadyThere(String pid, String inForce, String arguments) {
        String asked;
        boolean asksToEnforce;
        try {
            io.starttls.agent.config.AgentConfig config = AgentArguments.parse(arguments);
            asked = config.toString();
            asksToEnforce = config.policies().anyEnforce();
        } catch (ConfigException e) {
            asked = null;
            asksToEnforce = false;
        }
        if (asksToEnforce && !inForce.equals(asked)) {
            return fail(EXIT_REFUSED, "starttls-agent is already in process " + pid + ", with " + inForce
                    + "; the settings asked for, which enforce, were NOT applied: a JVM keeps the agent it has until "
                    + "it restarts (give them to -javaagent: then)");
        }
        out.println("starttls-agent is already in process " + pid + ", with " + inForce + "; nothing was changed");
        return 0;
    }

    /** Java 21+ prints a warning of its own for an agent loaded while it runs, unless allowed. */
    private void warnOfDynamicLoading(String pid, Properties target) {
        if (featureVersion(target.getProperty("java.specification.version")) < 21) {
            return;
        }
        Boolean allowed = TargetProcess.of(pid).flag("EnableDynamicAgentLoading");
        if (Boolean.TRUE.equals(allowed)) {
            return;
        }
        out.println("note: process " + pid + " runs Java " + target.getProperty("java.specification.version")
                + ", which prints \"WARNING: A Java agent has been loaded dynamically\" on its stderr for this attach; "
                + "the warning is expected. Start the JVM with -XX:+EnableDynamicAgentLoading to allow attaching "
                + "without it, or with -javaagent:starttls-agent.jar to need no attach");
    }

    private static String dynamicLoadingAdvice(InvocationTargetException e) {
        String text = String.valueOf(e.getCause());
        if (text.contains("EnableDynamicAgentLoading") || text.contains("dynamic")) {
            return "; this JVM does not allow agents to be loaded while it runs: restart it with "
                    + "-XX:+EnableDynamicAgentLoading, or with -javaagent:starttls-agent.jar";
        }
        return "";
    }

    /** The public API class: the implementation's own classes are not exported. */
    private static Class<?> vmApi() throws ClassNotFoundException {
        return Class.forName(VM);
    }

    private static Properties properties(Object vm) throws ReflectiveOperationException {
        return (Properties) vmApi().getMethod("getSystemProperties").invoke(vm);
    }

    private static int featureVersion(String specification) {
        if (specification == null) {
            return 0;
        }
        try {
            return Integer.parseInt(specification.startsWith("1.") ? specification.substring(2) : specification);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The agent's arguments with the files they name made absolute (the target's directory is not ours). */
    static String absolutePaths(String arguments) {
        if (arguments.isEmpty()) {
            return arguments;
        }
        String[] entries = arguments.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            int eq = entries[i].indexOf('=');
            if (eq > 0 && FILE_KEYS.contains(entries[i].substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT))) {
                String value = entries[i].substring(eq + 1);
                if (!value.isEmpty() && !new File(value).isAbsolute()) {
                    entries[i] = entries[i].substring(0, eq + 1) + new File(value).getAbsolutePath();
                }
            }
        }
        return String.join(",", entries);
    }

    private static String ownJar() {
        try {
            return new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("the agent's own jar cannot be found (" + e + ")");
        }
    }

    private static String selfPid() {
        try {
            Class<?> handle = Class.forName("java.lang.ProcessHandle");
            Object current = handle.getMethod("current").invoke(null);
            return String.valueOf(handle.getMethod("pid").invoke(current));
        } catch (ReflectiveOperationException e) {
            return "";
        }
    }

    /** One line of what went wrong: the attach API's own exception, without its stack. */
    private static String cause(Throwable e) {
        Throwable c = e;
        while ((c instanceof InvocationTargetException || c instanceof IllegalStateException && c.getCause() != null)
                && c.getCause() != null) {
            c = c.getCause();
        }
        String message = c.getMessage() == null ? "" : c.getMessage().split("\\R", 2)[0];
        return c.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private int fail(int status, String line) {
        err.println("starttls-agent: " + line);
        return status;
    }
}
