package io.starttls.agent.check;

import io.starttls.agent.config.AgentArguments;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.ConfigException;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.Mode;
import io.starttls.agent.config.Policy;
import io.starttls.agent.config.Verify;
import io.starttls.agent.guard.Deadline;
import io.starttls.agent.guard.RawLineChannel;
import io.starttls.agent.protocol.Dialects;
import io.starttls.agent.protocol.NegotiationException;
import io.starttls.agent.protocol.NegotiationOutcome;
import io.starttls.agent.tls.EstablishedTls;
import io.starttls.agent.tls.ServerTrust;
import io.starttls.agent.tls.TlsUpgradeException;
import io.starttls.agent.tls.TlsUpgrader;
import io.starttls.agent.vocabulary.Reasons;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code java -jar starttls-agent.jar check HOST:PORT}: connects to a mail server as the agent
 * would (the same negotiation, the same TLS context and trust decisions for the destination's
 * policy), sends no credentials and no mail, ends the session politely, and says what the policy
 * would do with it. Like posttls-finger, for SMTP, IMAP and POP3, and with our policy.
 */
public final class CheckCommand {
    static final String USAGE = "usage: java -jar starttls-agent.jar check HOST:PORT [--protocol smtp|imap|pop3] "
            + "[--json] [key=value,...] (the agent's own settings: mode=, verify=, truststore=, policy-file=, "
            + "config=, ...)";

    private String host;
    private int port = -1;
    private MailProtocol protocol;
    private boolean json;
    private final List<String> settings = new ArrayList<String>();

    private CheckCommand() {
    }

    /** Runs the check; returns its exit status (see {@link Verdict}). */
    public static int run(String[] args, Properties properties, Map<String, String> environment, PrintStream out,
                          PrintStream err) {
        CheckCommand c = new CheckCommand();
        String problem = c.parse(args);
        if (problem != null) {
            err.println("starttls-agent check: " + problem);
            err.println(USAGE);
            return Verdict.BAD_ARGUMENTS;
        }
        AgentConfig config;
        try {
            config = c.config(properties, environment);
        } catch (ConfigException e) {
            err.println("starttls-agent check: " + e.getMessage());
            return Verdict.BAD_ARGUMENTS;
        }
        for (String warning : config.warnings()) {
            err.println("starttls-agent: WARNING " + warning);
        }
        if (c.protocol == null) {
            c.protocol = config.ports().protocolOf(c.port);
            if (c.protocol == null) {
                err.println("starttls-agent check: port " + c.port + " is none of the mail ports (smtp-ports="
                        + config.ports().portsOf(MailProtocol.SMTP) + ", imap-ports="
                        + config.ports().portsOf(MailProtocol.IMAP) + ", pop3-ports="
                        + config.ports().portsOf(MailProtocol.POP3) + "): give --protocol smtp, imap or pop3");
                return Verdict.BAD_ARGUMENTS;
            }
        }
        CheckResult result = c.check(config);
        out.print(c.json ? CheckOutput.json(result) : CheckOutput.text(result, System.currentTimeMillis()));
        out.flush();
        return result.verdict.exitStatus;
    }

    private String parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--protocol") || a.startsWith("--protocol=")) {
                String value = a.startsWith("--protocol=") ? a.substring("--protocol=".length())
                        : i + 1 < args.length ? args[++i] : "";
                try {
                    protocol = MailProtocol.valueOf(value.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    return "--protocol takes smtp, imap or pop3" + (value.isEmpty() ? "" : ", not '" + shown(value)
                            + "'");
                }
            } else if (a.startsWith("-")) {
                return "unknown option '" + shown(a) + "'";
            } else if (a.contains("=")) {
                settings.add(a);
            } else if (host == null) {
                String bad = target(a);
                if (bad != null) {
                    return bad;
                }
            } else {
                return "one destination at a time: '" + shown(a) + "' is a second one";
            }
        }
        return host == null ? "give the destination as HOST:PORT (mail.example.com:587, [2001:db8::1]:25)" : null;
    }

    private String target(String a) {
        int colon = a.lastIndexOf(':');
        String name = colon > 0 ? a.substring(0, colon) : "";
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        } else if (name.indexOf(':') >= 0) {
            return "write an IPv6 address in brackets: [" + shown(name) + "]:PORT";
        }
        int p = -1;
        try {
            p = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // said below
        }
        if (name.isEmpty() || p < 1 || p > 65535) {
            return "give the destination as HOST:PORT (mail.example.com:587), not '" + shown(a) + "'";
        }
        host = name;
        port = p;
        return null;
    }

    /** A piece of the command line in a message: short, and never what looks like a password. */
    private static String shown(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /**
     * The agent's settings from every source; with no mode anywhere, mode=enforce, since the
     * check's question is what enforce would do.
     */
    private AgentConfig config(Properties properties, Map<String, String> environment) throws ConfigException {
        return AgentArguments.load(String.join(",", settings), properties, environment, Mode.ENFORCE);
    }

    private CheckResult check(AgentConfig config) {
        CheckResult r = new CheckResult();
        r.host = host;
        r.port = port;
        r.protocol = protocol.word();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            Policy policy = config.policies().policyFor(host, null, port, protocol);
            describe(r, policy);
            r.connectProblem = "cannot resolve " + host;
            r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.NO_CONNECTION, null, r.connectProblem);
            return r;
        }
        r.address = address.getHostAddress();
        Policy policy = config.policies().policyFor(host, r.address, port, protocol);
        describe(r, policy);
        int timeout = config.negotiationTimeoutMillis();
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(address, port), timeout);
            } catch (IOException e) {
                r.connectProblem = String.valueOf(e.getMessage());
                r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.NO_CONNECTION, null,
                        r.connectProblem);
                return r;
            }
            socket.setTcpNoDelay(true);
            probe(r, config, policy, socket, new Deadline(timeout));
        } catch (IOException e) {
            // Closing failed: what was seen stands.
        }
        return r;
    }

    private void describe(CheckResult r, Policy policy) {
        r.rule = policy.rule();
        r.mode = policy.mode().word();
        r.verify = policy.mode() == Mode.OFF || policy.mode() == Mode.MONITOR ? null : policy.verifyWord();
    }

    private static String under(Policy policy) {
        boolean watchesOnly = policy.mode() == Mode.OFF || policy.mode() == Mode.MONITOR;
        return "mode=" + policy.mode().word() + (watchesOnly ? "" : ",verify=" + policy.verifyWord())
                + ("global".equals(policy.rule()) ? "" : " (policy: " + policy.rule() + ")");
    }

    private void probe(CheckResult r, AgentConfig config, Policy policy, Socket socket, Deadline deadline)
            throws IOException {
        TranscriptChannel channel = new TranscriptChannel(new RawLineChannel(socket::setSoTimeout,
                socket.getInputStream(), socket.getOutputStream(), deadline, config.maxLineBytes()));
        String ehlo = config.ehloName();
        NegotiationOutcome outcome;
        try {
            outcome = Dialects.negotiation(protocol, ehlo, socket.getLocalAddress(), config.maxLineBytes())
                    .negotiate(channel);
        } catch (NegotiationException e) {
            outcome = NegotiationOutcome.abort(e.reason(), e.getMessage());
        } catch (IOException e) {
            outcome = NegotiationOutcome.abort(Reasons.CONNECTION_CLOSED,
                    "the connection failed during the negotiation: " + e.getMessage());
        }
        r.beforeTls = channel.lines();
        r.startTlsOffered = channel.sentStartTls();
        r.startTlsAccepted = outcome.kind() == NegotiationOutcome.Kind.START_TLS
                || Reasons.STARTTLS_INJECTION.equals(outcome.reason());
        r.reason = outcome.reason();
        r.detail = outcome.detail();
        switch (outcome.kind()) {
            case START_TLS:
                handshake(r, config, policy, socket, deadline);
                return;
            case CLEAR_ONLY:
                if (!Reasons.UNEXPECTED_GREETING.equals(outcome.reason())) {
                    goodbyeInClear(channel);
                }
                r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.CLEAR_ONLY, r.reason, r.detail);
                return;
            case RETRY_IN_CLEAR:
                r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.BROKEN_AFTER_STARTTLS, r.reason,
                        r.detail);
                return;
            case SERVER_CLOSING:
                r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.SERVER_CLOSING, r.reason, r.detail);
                return;
            default:
                r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.ABORT, r.reason, r.detail);
        }
    }

    /** STARTTLS is not to be had: QUIT (LOGOUT) in clear, as the agent ends a session it blocks. */
    private void goodbyeInClear(TranscriptChannel channel) {
        try {
            AfterTls.goodbye(protocol, channel);
            channel.readLine();
        } catch (IOException e) {
            // The server went away first; nothing more to say to it.
        }
    }

    private void handshake(CheckResult r, AgentConfig config, Policy policy, Socket socket, Deadline deadline) {
        TlsUpgrader upgrader;
        try {
            upgrader = TlsUpgrader.forInspection(policy);
        } catch (GeneralSecurityException | IOException e) {
            r.reason = Reasons.TRUSTSTORE_UNUSABLE;
            r.detail = e.getMessage();
            r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.TLS_FAILED, r.reason, r.detail);
            return;
        }
        r.trustStoreProblem = upgrader.trustStoreProblem();
        EstablishedTls tls;
        try {
            HandshakeSocket guarded = new HandshakeSocket(socket, deadline);
            tls = upgrader.upgrade(guarded, host, port);
            guarded.handshakeDone();
        } catch (TlsUpgradeException e) {
            r.reason = e.reason();
            r.detail = e.getMessage();
            r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.TLS_FAILED, r.reason, r.detail);
            return;
        } catch (IOException e) {
            r.reason = Reasons.CONNECTION_CLOSED;
            r.detail = "the connection failed before the TLS handshake: " + e.getMessage();
            r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.TLS_FAILED, r.reason, r.detail);
            return;
        }
        try {
            r.tlsVersion = tls.details().protocol();
            r.cipher = tls.details().cipherSuite();
            ServerTrust judged = tls.details().trust();
            r.trust = judged.level().title();
            X509Certificate[] chain = TlsUpgrader.chain(tls.socket().getSession());
            if (chain != null) {
                for (X509Certificate c : chain) {
                    r.chain.add(new CertificateFacts(c));
                }
                levels(r, upgrader, policy, chain);
            }
            r.reason = judged.problemReason();
            r.detail = judged.problemDetail();
            r.verdict = Verdict.of(policy.mode(), under(policy), Verdict.Seen.TLS, r.reason, r.detail);
            r.afterTls = afterTls(config, socket, tls, deadline);
        } finally {
            try {
                // A server that goes silent must not hold the close_notify exchange for long.
                tls.socket().setSoTimeout(500);
                tls.socket().close();
            } catch (IOException e) {
                // The plain socket is closed by the caller.
            }
        }
    }

    /** The capabilities inside TLS, and the goodbye: what the server said, line by line. */
    private List<String> afterTls(AgentConfig config, Socket socket, EstablishedTls tls, Deadline deadline) {
        List<String> lines = new ArrayList<String>();
        try {
            TranscriptChannel after = new TranscriptChannel(new RawLineChannel(tls.socket()::setSoTimeout,
                    tls.socket().getInputStream(), tls.socket().getOutputStream(), deadline, config.maxLineBytes()));
            lines = after.lines();
            AfterTls.capabilitiesAndGoodbye(protocol, ehloArgument(config, socket), after);
        } catch (IOException e) {
            lines.add("(the session ended: " + e.getMessage() + ")");
        }
        return lines;
    }

    /** The EHLO argument the negotiation used: the configured name, or the local address literal. */
    private static String ehloArgument(AgentConfig config, Socket socket) {
        return config.ehloName() != null ? config.ehloName() : Dialects.addressLiteral(socket.getLocalAddress());
    }

    /** The certificate at each verify= level (and the pins, when the destination has any). */
    private void levels(CheckResult r, TlsUpgrader upgrader, Policy policy, X509Certificate[] chain) {
        List<String[]> asked = new ArrayList<String[]>();
        for (Verify v : Verify.values()) {
            asked.add(new String[] {v.word(), v.name()});
        }
        if (!policy.pins().isEmpty()) {
            asked.add(new String[] {"pin", null});
        }
        for (String[] level : asked) {
            try {
                ServerTrust t = level[1] == null ? upgrader.judgeAs(Verify.NONE, true, chain, host)
                        : upgrader.judgeAs(Verify.valueOf(level[1]), false, chain, host);
                r.levels.put(level[0], t.problemReason() == null ? "accepted"
                        : "refused: " + t.problemReason() + ": " + t.problemDetail());
            } catch (GeneralSecurityException e) {
                r.levels.put(level[0], "cannot be judged: " + e.getMessage());
            }
        }
    }
}
