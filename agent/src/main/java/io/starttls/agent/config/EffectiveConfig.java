package io.starttls.agent.config;

import io.starttls.agent.tls.TrustStores;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What the configuration amounts to, in words: the start-up line, and the report of
 * {@code java -jar starttls-agent.jar config}: each global setting with its value and where it
 * came from (a secret masked), then each rule of the policy file.
 */
public final class EffectiveConfig {
    private static final String MASK = "********";

    private EffectiveConfig() {
    }

    /** The one start-up line: what is in force and what is watched. */
    public static String summary(AgentConfig config) {
        Policy global = config.policies().global();
        PortMap ports = config.ports();
        int rules = config.policies().rulePolicies().size();
        Setting policyFile = config.settings().get("policy-file");
        return global.describe() + "; watching smtp ports " + orNone(ports.portsOf(MailProtocol.SMTP))
                + ", imap " + orNone(ports.portsOf(MailProtocol.IMAP)) + ", pop3 " + orNone(ports.portsOf(MailProtocol.POP3))
                + ", the mail libraries' sockets" + (config.conversation() ? " and every other port by its first exchange"
                        : "")
                + (policyFile == null ? "" : "; " + rules + " rule" + (rules == 1 ? "" : "s") + " from "
                        + policyFile.value())
                + (config.auditLog() == null ? "" : "; audit log " + config.auditLog());
    }

    private static String orNone(String ports) {
        return ports.isEmpty() ? "(none)" : ports;
    }

    /** The report of the config command. */
    public static String describe(AgentConfig config, String version) {
        StringBuilder out = new StringBuilder();
        out.append("starttls-agent ").append(version).append(": the effective configuration\n");
        out.append("sources, the first that gives a key wins: agent arguments, system properties (-Dstarttls.agent.KEY), "
                + "environment variables (STARTTLS_AGENT_KEY), the config= file\n\n");
        out.append("global settings (for every destination that no rule names)\n");
        Policy global = config.policies().global();
        PortMap ports = config.ports();
        row(out, config, "mode", global.mode().word(), "");
        row(out, config, "verify", global.verify().word(), "default for mode=" + global.mode().word());
        row(out, config, "min-tls", global.minTls(), "");
        row(out, config, "truststore", global.trust().store() == null ? "(the JDK's roots)"
                : global.trust().store().getPath(), "");
        row(out, config, "jdk-roots", global.trust().jdkRoots() ? "on" : "off",
                global.trust().store() == null ? "" : "default: the trust store alone");
        if (config.settings().containsKey("truststore-password")) {
            row(out, config, "truststore-password", MASK, "");
        }
        if (config.settings().containsKey("truststore-password-file")) {
            row(out, config, "truststore-password-file", config.settings().get("truststore-password-file").value(), "");
        }
        for (MailProtocol p : MailProtocol.values()) {
            row(out, config, p.portsKey(), orNone(ports.portsOf(p)), "");
        }
        row(out, config, "conversation", config.conversation() ? "on" : "off", "");
        row(out, config, "block", config.blockStyle().word(), "");
        row(out, config, "audit-log", config.auditLog() == null ? "(none)" : config.auditLog().getPath(), "");
        row(out, config, "timeout", config.negotiationTimeoutMillis() + "ms", "");
        row(out, config, "max-line", String.valueOf(config.maxLineBytes()), "");
        row(out, config, "ehlo-name", config.ehloName() == null ? "(the local address literal)" : config.ehloName(), "");
        row(out, config, "log", config.logEnabled() ? "on" : "off", "");
        row(out, config, "app-managed", config.settings().containsKey("app-managed")
                ? config.settings().get("app-managed").value() : "(none)", "");
        Setting policyFile = config.settings().get("policy-file");
        row(out, config, "policy-file", policyFile == null ? "(none)" : policyFile.value(), "");
        row(out, config, "config", config.settings().containsKey("config") ? config.settings().get("config").value()
                : "(none)", "");
        List<String> rules = config.policies().describeRules();
        out.append('\n');
        if (rules.isEmpty()) {
            out.append("no policy rules: every destination gets the global settings\n");
        } else {
            out.append("policy rules (the most specific destination wins: host:port, host, .domain:port, .domain, "
                    + "*:port)\n");
            for (String rule : rules) {
                out.append("  ").append(rule).append('\n');
            }
        }
        for (String warning : config.warnings()) {
            out.append("\nWARNING ").append(warning).append('\n');
        }
        return out.toString();
    }

    private static void row(StringBuilder out, AgentConfig config, String key, String value, String defaultNote) {
        Setting s = config.settings().get(key);
        String from = s != null ? s.source().kind() == Source.Kind.FILE ? s.source().where()
                : s.source().where() + (s.source().kind() == Source.Kind.ARGUMENT ? "" : " " + s.source().nameOf(key))
                : defaultNote.isEmpty() ? "default" : defaultNote;
        out.append(String.format("  %-26s %-34s (%s)%n", key, value, from));
    }

    /**
     * Opens every trust store that a policy names, as the first mail connection will, and says for
     * each whether it serves. True when all do.
     */
    public static boolean trustStoresUsable(AgentConfig config, PrintStream out) {
        List<Policy> policies = new ArrayList<Policy>();
        policies.add(config.policies().global());
        policies.addAll(config.policies().rulePolicies());
        boolean usable = true;
        List<TrustSettings> seen = new ArrayList<TrustSettings>();
        for (Policy p : policies) {
            TrustSettings trust = p.trust();
            if (trust.store() == null || seen.contains(trust) || p.mode() == Mode.OFF) {
                continue;
            }
            seen.add(trust);
            try {
                int roots = TrustStores.trustManager(trust).getAcceptedIssuers().length;
                out.println("trust store " + trust.store() + " (" + p.rule() + "): opened, " + roots
                        + " trusted certificate" + (roots == 1 ? "" : "s") + (trust.jdkRoots() ? " with the JDK's roots"
                        : ""));
            } catch (Exception e) {
                usable = false;
                out.println("ERROR trust store " + trust.store() + " (" + p.rule() + "): " + e.getMessage());
            }
        }
        return usable;
    }
}
