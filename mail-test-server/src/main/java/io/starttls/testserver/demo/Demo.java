package io.starttls.testserver.demo;

import io.starttls.testserver.JavaProcess;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo: one unmodified legacy SMTP sender, run three times against an embedded test server on
 * 127.0.0.1: without the agent, with it, and with mode=enforce against a server that hides STARTTLS.
 */
public final class Demo {
    private static final String SECRET = "demo-Passw0rd";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        File root = new File(args.length > 0 ? args[0] : ".");
        File agent = new File(root, "agent/target/starttls-agent.jar");
        File app = new File(root, "demo-apps/legacy-smtp-sender/target/legacy-smtp-sender.jar");
        for (File f : new File[] {agent, app}) {
            if (!f.isFile()) {
                System.err.println("demo: " + f + " is missing; build first: ./mvnw -q -DskipTests package");
                System.exit(2);
            }
        }
        TestCertificates certificates = new TestCertificates();
        List<String[]> rows = new ArrayList<>();
        try (ScriptedMailServer offering = new ScriptedMailServer(ServerScript.smtp().build(), certificates);
             ScriptedMailServer hiding = new ScriptedMailServer(
                     ServerScript.smtp().startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            rows.add(run("1. legacy app, no agent", offering, agent, null, app));
            rows.add(run("2. with -javaagent (opportunistic)", offering, agent,
                    "smtp-ports=" + offering.port(), app));
            rows.add(run("3. mode=enforce, server hides STARTTLS", hiding, agent,
                    "mode=enforce,smtp-ports=" + hiding.port(), app));
        }
        System.out.println();
        System.out.println("Summary");
        String format = "  %-40s %-12s %-18s %s%n";
        System.out.printf(format, "run", "app exit", "TLS at the server", "received in clear");
        for (String[] row : rows) {
            System.out.printf(format, (Object[]) row);
        }
    }

    private static String[] run(String title, ScriptedMailServer server, File agent, String agentArgs, File app)
            throws Exception {
        int sessionIndex = server.sessions().size();
        System.out.println();
        System.out.println("=== " + title);
        JavaProcess child = JavaProcess.on(null);
        if (agentArgs != null) {
            child.agent(agent, agentArgs);
        }
        child.jar(app, "--host", "localhost", "--port", String.valueOf(server.port()), "--user", "batch",
                "--password", SECRET, "--to", "alice@example.test");
        System.out.println("$ java " + (agentArgs != null ? "-javaagent:starttls-agent.jar=" + agentArgs + " " : "")
                + "-jar legacy-smtp-sender.jar ...");
        JavaProcess.Result result = child.run();
        indent(result.stdout);
        indent(result.stderr);
        RecordedSession session = server.finishedSession(sessionIndex, 10, TimeUnit.SECONDS);
        List<String> clear = new ArrayList<>();
        for (String command : session.clearCommands()) {
            clear.add(command.startsWith("AUTH") ? "AUTH (password!)" : command.replaceAll(":.*", ""));
        }
        String tls = session.tlsProtocol() == null ? "none" : session.tlsProtocol();
        System.out.println("  server: TLS " + tls + "; received in clear: " + clear
                + (session.clearText().contains(SECRET) || session.clearCommands().stream()
                        .anyMatch(c -> c.startsWith("AUTH")) ? "  <-- credentials crossed in clear" : ""));
        return new String[] {title, result.exitCode + (result.exitCode == 0 ? " (sent)"
                : result.exitCode == 75 ? " (retry)" : ""), tls, String.join(" ", clear)};
    }

    private static void indent(String text) {
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                System.out.println("  | " + line);
            }
        }
    }
}
