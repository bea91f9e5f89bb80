package io.starttls.agent.guard;

import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.Mode;
import io.starttls.agent.config.Policy;
import io.starttls.agent.guard.ConnectionStates.State;
import io.starttls.agent.tls.TlsDetails;
import io.starttls.agent.vocabulary.FoundBy;
import io.starttls.agent.vocabulary.Outcome;
import io.starttls.agent.vocabulary.Reasons;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;

/**
 * One guarded mail connection. Nothing happens at connect: the application's first read or write
 * runs the negotiation ({@link SessionSetup}); its outcome settles the connection in one of the
 * states of {@link ConnectionStates}, whose {@link Session} then does every read and write: over
 * the agent's TLS, in clear under a watch, or nowhere. This class joins the parts: the transport
 * (the socket and its raw streams), the one audit record, and the state machine.
 */
final class GuardedConnection implements StreamEnd {
    final MailProtocol protocol;
    final MailSockets runtime;
    final AgentConfig config;
    /** What the agent does for this destination: the global settings or the rule that matched. */
    final Policy policy;
    final Transport transport;
    final Destination destination;
    final ConnectionRecord record;
    /** Through a proxy (a mail library's SOCKS or HTTP CONNECT setting): no new connection in clear. */
    final boolean proxied;
    // Found by its conversation after the application read the greeting: the server's bytes it
    // read, from which the negotiation starts (null when the agent reads the greeting itself).
    private volatile byte[] greetingRead;
    private volatile boolean greetingTooLong;
    private final ConnectionStates states = new ConnectionStates();
    private final Replay replay = new Replay();
    private final AppTlsCheck appTls;
    private final Ending ending;
    private volatile ClearSession clear;
    private final GuardedInputStream appIn = new GuardedInputStream(this);
    private final GuardedOutputStream appOut = new GuardedOutputStream(this);

    GuardedConnection(Socket socket, MailProtocol protocol, MailSockets runtime, FoundBy foundBy,
                      Destination destination, Policy policy, boolean proxied) {
        this.protocol = protocol;
        this.runtime = runtime;
        this.config = runtime.config();
        this.policy = policy;
        this.transport = new Transport(socket, runtime.access(), this);
        this.destination = destination;
        this.proxied = proxied;
        this.record = new ConnectionRecord(runtime, destination, protocol, config, policy, foundBy);
        this.appTls = new AppTlsCheck(this);
        this.ending = new Ending(this, states);
        if (policy.mode() == Mode.MONITOR) {
            watchFromTheStart(new AppTlsWatch(protocol, false), Outcome.PLAINTEXT_OBSERVED, null, null);
        } else if (config.appManaged().matches(destination.host(), destination.port(), destination.appClass())) {
            appManaged();
        }
    }

    /**
     * Found by its conversation: the application has read {@code greeting} (and, with
     * {@code tooLong}, more than max-line of it) and its first command waits. Before the first I/O.
     */
    void afterGreeting(byte[] greeting, boolean tooLong) {
        greetingRead = greeting;
        greetingTooLong = tooLong;
    }

    byte[] greetingRead() {
        return greetingRead;
    }

    boolean greetingTooLong() {
        return greetingTooLong;
    }

    /**
     * Found by its conversation while another thread of the application was inside a read: the
     * server's next reply would go to that read, not to the negotiation. Enforce blocks; the other
     * modes watch the session in clear and report it.
     */
    void readerInFlight() {
        String detail = "another thread of the application was reading when its first command showed a "
                + protocol.word() + " session, so the agent could not negotiate";
        if (policy.enforces()) {
            block(Reasons.CONCURRENT_READ, detail, false);
        } else {
            watchFromTheStart(new AppTlsWatch(protocol, false), Outcome.PLAINTEXT_FALLBACK, Reasons.CONCURRENT_READ,
                    detail);
        }
    }

    /**
     * The application runs STARTTLS itself on this connection (a TLS-aware library configuration,
     * or a rule): watch it instead of driving it, and under enforce hold back anything sensitive
     * that it would send before its TLS is up. Only possible before the first byte was read.
     */
    void appManaged() {
        boolean enforce = policy.enforces();
        watchFromTheStart(new AppTlsWatch(protocol, enforce), enforce ? Outcome.PLAINTEXT_OBSERVED
                : Outcome.PLAINTEXT_FALLBACK, Reasons.APP_DID_NOT_START_TLS,
                "the application, which manages STARTTLS itself, did not start TLS");
    }

    private void watchFromTheStart(AppTlsWatch w, Outcome outcome, String reason, String detail) {
        ClearSession session = new ClearSession(this, w, appTls);
        states.watchFromTheStart(session, () -> {
            clear = session;
            record.watch(w);
            record.later(outcome, reason, detail);
        });
    }

    /** The application layered its own TLS socket over this one (seen at JSSE's createSocket). */
    void appLayeredTls(SSLSocket ssl) {
        appTls.layered(ssl);
    }

    /** The application asked its socket for a stream: it gets the guarded one, the JDK's is kept. */
    InputStream input(Socket from, InputStream raw) {
        transport.offer(from, raw);
        return appIn;
    }

    OutputStream output(Socket from, OutputStream raw) {
        transport.offer(from, raw);
        return appOut;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Session s = settled();
        int n = replay.read(b, off, len);
        return n > 0 ? n : s.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        // Old code polls available() for the greeting before it reads: the negotiation must run
        // here too, or such an application would wait for ever for bytes the agent holds back.
        Session s = settled();
        int r = replay.available();
        return r > 0 ? r : s.available();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (states.state() == State.NEW && AppTlsWatch.looksLikeTlsRecord(b, off, len)) {
            // Its first bytes are a TLS handshake: it runs TLS itself over this plain socket.
            AppTlsWatch w = new AppTlsWatch(protocol, policy.enforces());
            w.tlsFromTheStart();
            watchFromTheStart(w, Outcome.APP_MANAGED_TLS, null, "the application runs TLS from the first byte");
        }
        settled().write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        Session s = states.session();
        if (s != null) {
            s.flush();
        }
    }

    /** The session once the negotiation has run: this thread runs it, or waits for the one that does. */
    private Session settled() throws IOException {
        Session s = states.session();
        if (s != null) {
            return s;
        }
        if (states.claimNegotiation()) {
            new SessionSetup(this).run();
            if (states.state() == State.NEGOTIATING) {
                block(Reasons.AGENT_FAULT, "internal error in starttls-agent (the negotiation did not settle); "
                        + "please report it", false);
            }
        } else if (states.state() == State.NEGOTIATING) {
            if (Reentry.driving() == this) {
                throw new SocketException("starttls-agent: the connection is still being negotiated");
            }
            states.awaitSettled();
        }
        s = states.session();
        return s != null ? s : Session.CLOSED;
    }

    boolean closing() {
        return states.closing();
    }

    /** The negotiation's result: the session goes on over the agent's TLS. */
    void settleTls(SSLSocket tls, byte[] greeting, TlsDetails details) throws IOException {
        AgentTls session = new AgentTls(tls, this);
        if (states.closing()) {
            session.close();
            block(Reasons.APP_CLOSED, "the application closed the socket during the negotiation", false);
            return;
        }
        replay.set(greeting);
        record.now(Outcome.UPGRADED, null, null, details);
        states.settle(State.TLS, session);
    }

    /** The negotiation's result: the session goes on in clear, watched. */
    void settleClear(byte[] forApplication, Outcome outcome, String reason, String detail) {
        if (states.closing()) {
            block(Reasons.APP_CLOSED, "the application closed the socket during the negotiation", false);
            return;
        }
        AppTlsWatch w = new AppTlsWatch(protocol, false);
        ClearSession session = new ClearSession(this, w, appTls);
        clear = session;
        record.watch(w);
        replay.set(forApplication);
        record.later(outcome, reason, detail);
        states.settle(State.CLEAR, session);
    }

    /** The server ended the session; under enforce the application gets its words and nothing goes out. */
    void settleServerEnded(String reason, String detail, byte[] serverWords) {
        ending.end(Outcome.SERVER_CLOSED, reason, detail + "; nothing of the application's was sent", serverWords,
                false);
    }

    /** The session may not go on: a temporary failure in the protocol's words, then the end. */
    void block(String reason, String detail, boolean sayGoodbye) {
        ending.end(Outcome.BLOCKED, reason, detail, null, sayGoodbye);
    }

    /** Refused on a settled session (by the watch or the TLS policy): the record says what crossed before. */
    void refuse(String reason, String detail) {
        ending.end(Outcome.BLOCKED, reason, detail, null, false);
    }

    /** The blocked state's session, once there is one. */
    Session blockedSession() {
        return states.state() == State.BLOCKED || states.state() == State.CLOSED ? states.session() : null;
    }

    /** True while the session runs over the agent's own TLS. */
    boolean securedByAgent() {
        return states.state() == State.TLS;
    }

    String describe() {
        return destination.toString();
    }

    /** The application closed a stream: like the JDK's socket streams, that closes the socket. */
    @Override
    public void closeSocket() throws IOException {
        transport.appSocket().close();
    }

    /**
     * The socket is being closed, by the application or the agent. Returns at once: a negotiation
     * in progress is not waited for; the close that follows ends its I/O, and it records that.
     */
    void onSocketClose() {
        if (Reentry.driving() == this) {
            return;
        }
        Session open = states.session();
        State was = states.close();
        if (was == State.NEGOTIATING || was == State.CLOSED) {
            return;
        }
        if (was == State.NEW) {
            record.now(Outcome.PLAINTEXT_OBSERVED, Reasons.APP_CLOSED,
                    "the application closed the socket before it read or wrote a byte", null);
        }
        GuardedConnection previous = Reentry.enter(this);
        try {
            if (was == State.TLS && open instanceof AgentTls) {
                ((AgentTls) open).close();
            }
            transport.closeReplacement();
        } finally {
            Reentry.exit(previous);
        }
        flushRecord();
    }

    /** Writes the record of a clear-text session, now that its flags are known. Once only. */
    void flushRecord() {
        record.flush();
    }

    /** The JVM exits: a session still negotiating gets its record too (one per connection, always). */
    void flushRecordAtExit() {
        if (states.state() == State.NEGOTIATING) {
            record.now(Outcome.BLOCKED, Reasons.APP_CLOSED, "the JVM exited while the negotiation ran", null);
            return;
        }
        flushRecord();
    }
}
