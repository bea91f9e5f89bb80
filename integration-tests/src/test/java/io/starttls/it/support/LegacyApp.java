package io.starttls.it.support;

import io.starttls.testserver.Mailbox;
import io.starttls.testserver.ServerScript;
import java.util.List;
import java.util.function.Supplier;

/** The three legacy demo apps, with what each protocol looks like on the wire. */
public enum LegacyApp {
    SMTP("legacy-smtp-sender", ServerScript::smtp, "smtp-ports", "RESULT: message sent", "421 4.7.0 ",
            "AUTH", List.of("EHLO [127.0.0.1]", "STARTTLS"), "250 injected"),
    IMAP("legacy-imap-reader", ServerScript::imap, "imap-ports", "Subject: " + Mailbox.SUBJECT,
            "* BYE [UNAVAILABLE] ", "LOGIN", List.of("STLS2 STARTTLS"), "* OK injected"),
    POP3("legacy-pop3-reader", ServerScript::pop3, "pop3-ports", "Subject: " + Mailbox.SUBJECT,
            "-ERR [SYS/TEMP] ", "PASS", List.of("CAPA", "STLS"), "+OK injected");

    public final String jar;
    private final Supplier<ServerScript.Builder> script;
    private final String portsKey;
    /** What the app prints when it did its job. */
    public final String success;
    /** How a block reads to the application. */
    public final String blockReply;
    /** The command that carries credentials. */
    public final String credentialVerb;
    /** What the server receives in clear from the agent: its whole plain-text part. */
    public final List<String> agentClearCommands;
    /** A reply that an attacker injects behind the STARTTLS reply. */
    public final String injected;

    LegacyApp(String jar, Supplier<ServerScript.Builder> script, String portsKey, String success, String blockReply,
              String credentialVerb, List<String> agentClearCommands, String injected) {
        this.jar = jar;
        this.script = script;
        this.portsKey = portsKey;
        this.success = success;
        this.blockReply = blockReply;
        this.credentialVerb = credentialVerb;
        this.agentClearCommands = agentClearCommands;
        this.injected = injected;
    }

    public ServerScript.Builder server() {
        return script.get();
    }

    public String word() {
        return name().toLowerCase();
    }

    /** The agent argument that watches {@code port} as this protocol. */
    public String watch(int port) {
        return portsKey + "=" + port;
    }

    public String password() {
        return this == SMTP ? Secrets.SMTP_PASSWORD : Mailbox.PASSWORD;
    }

    public AgentRun run(int port) {
        String user = this == SMTP ? Secrets.SMTP_USER : Mailbox.USER;
        return AgentRun.app(jar, "--host", "localhost", "--port", String.valueOf(port), "--user", user,
                "--password", password());
    }

    /** True when the server saw this app's credentials in the clear part of the session. */
    public boolean credentialsInClear(io.starttls.testserver.RecordedSession session) {
        return session.clearText().contains(password())
                || session.clearCommands().stream().anyMatch(c -> c.toUpperCase().startsWith(credentialVerb)
                        || c.toUpperCase().contains(" " + credentialVerb + " "));
    }
}
