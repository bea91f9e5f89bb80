package io.starttls.agent;

import io.starttls.agent.config.AgentArguments;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.ConfigException;
import io.starttls.agent.config.Mode;
import io.starttls.agent.instrument.SocketGuardInstaller;
import io.starttls.agent.tls.TlsUpgrader;
import java.lang.instrument.Instrumentation;

/**
 * Entry point: {@code -javaagent:starttls-agent.jar=mode=enforce}. Start-up does only what guards
 * sockets: parse the arguments and rewrite {@code java.net.Socket}. Everything else waits for the
 * first mail connection.
 */
public final class StartTlsAgent {
    static final int EXIT_BAD_ARGUMENTS = 2;
    static final int EXIT_UNPROTECTED = 3;

    private StartTlsAgent() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        start(arguments, inst);
    }

    public static void agentmain(String arguments, Instrumentation inst) {
        start(arguments, inst);
    }

    /** {@code java -jar starttls-agent.jar} prints the reference. */
    public static void main(String[] args) {
        System.out.println(AgentArguments.reference());
    }

    private static void start(String arguments, Instrumentation inst) {
        if (AgentArguments.asksForHelp(arguments)) {
            System.out.println(AgentArguments.reference());
            System.exit(0);
        }
        AgentConfig config;
        try {
            config = AgentArguments.parse(arguments);
            if (config.trustStore() != null) {
                TlsUpgrader.trustManager(config); // a wrong password must stop us now, not at the first mail
            }
        } catch (ConfigException e) {
            stop("starttls-agent: " + e.getMessage(), EXIT_BAD_ARGUMENTS);
            return;
        } catch (Exception e) {
            stop("starttls-agent: bad agent argument 'truststore': " + e.getMessage(), EXIT_BAD_ARGUMENTS);
            return;
        }
        try {
            SocketGuardInstaller.install(inst, config);
        } catch (RuntimeException | LinkageError e) {
            String why = e instanceof IllegalStateException ? e.getMessage() : e.toString();
            why = why.split("\\R", 2)[0]; // one line: a VerifyError, say, explains itself over many
            if (config.mode() == Mode.ENFORCE) {
                stop("starttls-agent: cannot guard sockets, refusing to start (mode=enforce): " + why, EXIT_UNPROTECTED);
            } else {
                System.err.println("starttls-agent: ERROR cannot guard sockets, mail connections are NOT protected: "
                        + why);
            }
        }
    }

    /** Fail closed before main: one line, no stack trace. */
    private static void stop(String line, int status) {
        System.err.println(line);
        System.err.flush();
        System.exit(status);
    }
}
