package io.starttls.testserver.demo;

import io.starttls.testserver.JavaProcess;
import io.starttls.testserver.Mailbox;
import io.starttls.testserver.RecordedSession;
import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The demo: the three unmodified legacy apps (an SMTP sender, an IMAP reader, a POP3 reader), each
 * run against an embedded test server on 127.0.0.1 without the agent, with it, and under
 * mode=enforce against a server that hides STARTTLS; then one run in monitor mode, to show the JSON
 * audit record an operator reads before enforcing anything.
 */
public final class Demo {
    private static final String SMTP_SECRET = "demo-Passw0rd";

    /** One legacy app and how its protocol looks on the wire. */
    private enum App {
        SMTP("legacy-smtp-sender", ServerScript::smtp, "batch", SMTP_SECRET, "AUTH"),
        IMAP("legacy-imap-reader", ServerScript::imap, Mailbox.USER, Mailbox.PASSWORD, "LOGIN"),
        POP3("legacy-pop3-reader", ServerScript::pop3, Mailbox.USER, Mailbox.PASSWORD, "PASS");

        final String jar;
        final Supplier<ServerScript.Builder> script;
        final String user;
        final String password;
        final String credentialVerb;

        App(String jar, Supplier<ServerScript.Builder> script, String user, String password,
            String credentialVerb) {
            this.jar = jar;
            this.script = script;
            this.user = user;
            this.password = password;
            this.credentialVerb = credentialVerb;
        }
    }

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        File root = new File(args.length > 0 ? args[0] : ".");
        File agent = new File(root, "agent/target/starttls-agent.jar");
        List<File> needed = new ArrayList<>();
        needed.add(agent);
        for (App app : App.values()) {
            needed.add(jarOf(root, app));
        }
        for (File f : needed) {
            if (!f.isFile()) {
                System.err.println("demo: " + f + " is missing; build first: ./mvnw -q -DskipTests package");
                System.exit(2);
            }
        }
        TestCertificates certificates = new TestCertificates();
        List<String[]> rows = new ArrayList<>();
        for (App app : App.values()) {
            try (ScriptedMailServer offering = new ScriptedMailServer(app.script.get().build(), certificates);
                 ScriptedMailServer hiding = new ScriptedMailServer(
                         app.script.get().startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
                // The test servers listen on random ports that no port list names: the agent finds
                // the sessions by their conversation, and its log line proposes the port-list entry.
                rows.add(run(app, "legacy app, no agent", offering, agent, null, root));
                rows.add(run(app, "with -javaagent (opportunistic)", offering, agent, "", root));
                rows.add(run(app, "mode=enforce, server hides STARTTLS", hiding, agent, "mode=enforce", root));
            }
        }
        monitor(certificates, agent, root);

        System.out.println();
        System.out.println("Summary (what the server received before TLS; the agent's own commands are "
                + "EHLO/STARTTLS, STLS2 STARTTLS, CAPA/STLS)");
        String format = "  %-5s %-38s %-12s %-18s %s%n";
        System.out.printf(format, "", "run", "app exit", "TLS at the server", "received in clear");
        for (String[] row : rows) {
            System.out.printf(format, (Object[]) row);
        }
        System.out.println();
        System.out.println("In the log lines, \"Untrusted TLS connection established\" means encrypted, but the "
                + "server's certificate does not lead to a root this JVM trusts (the demo server's test CA is not "
                + "among the JDK's roots): it protects against listening, and under verify=none (the opportunistic "
                + "default) not against a server in the middle. \"Trusted\" is a trusted chain that names another "
                + "host, \"Verified\" a trusted chain that names the host the application connected to.");
    }

    private static File jarOf(File root, App app) {
        return new File(root, "demo-apps/" + app.jar + "/target/" + app.jar + ".jar");
    }

    private static JavaProcess.Result launch(App app, ScriptedMailServer server, File agent, String agentArgs,
                                             File root) throws Exception {
        JavaProcess child = JavaProcess.on(null);
        if (agentArgs != null) {
            child.agent(agent, agentArgs);
        }
        List<String> appArgs = new ArrayList<>(List.of("--host", "localhost", "--port", String.valueOf(server.port()),
                "--user", app.user, "--password", app.password));
        if (app == App.SMTP) {
            appArgs.addAll(List.of("--to", "alice@example.test"));
        }
        child.jar(jarOf(root, app), appArgs.toArray(new String[0]));
        System.out.println("$ java " + (agentArgs == null ? "" : agentArgs.isEmpty() ? "-javaagent:starttls-agent.jar "
                : "-javaagent:starttls-agent.jar=" + agentArgs + " ")
                + "-jar " + app.jar + ".jar ...");
        return child.run();
    }

    private static String[] run(App app, String title, ScriptedMailServer server, File agent, String agentArgs,
                                File root) throws Exception {
        int sessionIndex = server.sessions().size();
        System.out.println();
        System.out.println("=== " + app + ": " + title);
        JavaProcess.Result result = launch(app, server, agent, agentArgs, root);
        indent(result.stdout);
        indent(result.stderr);
        RecordedSession session = server.finishedSession(sessionIndex, 10, TimeUnit.SECONDS);
        List<String> clear = new ArrayList<>();
        for (String command : session.clearCommands()) {
            clear.add(hidden(app, command));
        }
        String tls = session.tlsProtocol() == null ? "none" : session.tlsProtocol();
        boolean leaked = clear.stream().anyMatch(c -> c.contains("(password!)"));
        System.out.println("  server: TLS " + tls + "; received in clear: " + clear
                + (leaked ? "  <-- credentials crossed in clear" : ""));
        return new String[] {app.name(), title, result.exitCode + (result.exitCode == 0 ? " (done)"
                : result.exitCode == 75 ? " (retry)" : " (failed)"), tls, String.join(" ", clear)};
    }

    /** A command as the summary shows it: verbs only, a credential marked, never a password. */
    private static String hidden(App app, String command) {
        String upper = command.toUpperCase(Locale.ROOT);
        String[] words = command.split(" ");
        if (app == App.POP3 && upper.startsWith("USER")) {
            return "USER";
        }
        boolean credential = upper.startsWith(app.credentialVerb)
                || (words.length > 1 && words[1].equalsIgnoreCase(app.credentialVerb));
        if (credential) {
            return (app == App.IMAP ? words[0] + " " : "") + app.credentialVerb + " (password!)";
        }
        return app == App.IMAP && words.length > 1 ? words[0] + " " + words[1] : command.replaceAll(":.*", "");
    }

    /** Monitor mode changes nothing on the wire; its record says what would need fixing. */
    private static void monitor(TestCertificates certificates, File agent, File root) throws Exception {
        File audit = File.createTempFile("starttls-demo-audit", ".jsonl");
        audit.deleteOnExit();
        System.out.println();
        System.out.println("=== SMTP: mode=monitor, server hides STARTTLS (what an operator looks at before enforcing)");
        try (ScriptedMailServer hiding = new ScriptedMailServer(
                ServerScript.smtp().startTls(ServerScript.StartTls.HIDE).build(), certificates)) {
            JavaProcess.Result result = launch(App.SMTP, hiding, agent, "mode=monitor,audit-log="
                    + audit.getAbsolutePath(), root);
            indent(result.stdout);
            indent(result.stderr);
        }
        System.out.println("  the JSON audit record (audit-log=" + audit.getName() + "):");
        for (String line : Files.readAllLines(audit.toPath(), StandardCharsets.UTF_8)) {
            System.out.println("  " + line);
        }
        System.out.println("  credentials_in_clear/mail_in_clear: what an enforce run would have held back.");
    }

    private static void indent(String text) {
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                System.out.println("  | " + line);
            }
        }
    }
}
