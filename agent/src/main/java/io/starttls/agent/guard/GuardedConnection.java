package io.starttls.agent.guard;

import io.starttls.agent.vocabulary.Outcome;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.Mode;
import io.starttls.agent.protocol.BlockReply;
import io.starttls.agent.protocol.Dialects;
import io.starttls.agent.vocabulary.Reasons;
import io.starttls.agent.tls.TlsDetails;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;

/**
 * One guarded mail connection, as a small state machine. Nothing happens at connect: the
 * application's first read or write runs the negotiation ({@link SessionSetup}), then every byte
 * goes through the agent's TLS, in clear under a watch, or nowhere, as the policy decided.
 *
 * <pre>
 *   NEW ──first read/write──▶ NEGOTIATING ──▶ TLS | CLEAR | BLOCKED | CLOSED
 *   NEW ──monitor, app-managed, the application's own TLS──▶ CLEAR
 *   TLS, CLEAR ──refused by the watch or the TLS policy──▶ BLOCKED
 *   any ──the application closes the socket──▶ CLOSED   (BLOCKED stays BLOCKED: its reply is read)
 * </pre>
 *
 * The lock guards state changes only and is never held across I/O: another thread's close() never
 * waits for the negotiation (it closes the socket, which ends the negotiation's I/O at once), and a
 * thread that must wait for the negotiation waits on the lock's condition, not on a lock the
 * negotiation needs.
 */
final class GuardedConnection {
    enum State { NEW, NEGOTIATING, TLS, CLEAR, BLOCKED, CLOSED }

    final MailProtocol protocol;
    final MailSockets runtime;
    final AgentConfig config;
    final Transport transport;
    final Destination destination;
    final ConnectionRecord record;
    private final Object lock = new Object();
    private volatile State state = State.NEW;
    private volatile boolean closing;
    private final Replay replay = new Replay();
    private volatile AgentTls tls;
    private volatile AppTlsWatch watch;
    private volatile Block block;
    private volatile Deadline handshakeDeadline;
    private volatile HandshakeInput handshakeInput;
    private final AppTlsCheck appTls;
    private GuardedInputStream appIn;
    private GuardedOutputStream appOut;

    GuardedConnection(Socket socket, MailProtocol protocol, MailSockets runtime) {
        this.protocol = protocol;
        this.runtime = runtime;
        this.config = runtime.config();
        this.transport = new Transport(socket, runtime.access());
        this.destination = Destination.of(socket, runtime.access());
        this.record = new ConnectionRecord(runtime, destination, protocol, config);
        this.appTls = new AppTlsCheck(this);
        if (config.mode() == Mode.MONITOR) {
            watch(new AppTlsWatch(protocol, false), Outcome.PLAINTEXT_OBSERVED, null, null);
        } else if (config.appManaged().matches(destination.host(), destination.port(), destination.appClass())) {
            appManaged();
        }
    }

    /**
     * The application runs STARTTLS itself on this connection (a TLS-aware library configuration,
     * or a rule): watch it instead of driving it, and under enforce hold back anything sensitive
     * that it would send before its TLS is up. Only possible before the first byte was read.
     */
    void appManaged() {
        boolean enforce = config.mode() == Mode.ENFORCE;
        watch(new AppTlsWatch(protocol, enforce), enforce ? Outcome.PLAINTEXT_OBSERVED : Outcome.PLAINTEXT_FALLBACK,
                Reasons.APP_DID_NOT_START_TLS, "the application, which manages STARTTLS itself, did not start TLS");
    }

    /** The application's first bytes are a TLS handshake: it runs TLS itself over this plain socket. */
    private void implicitTlsByTheApplication() {
        AppTlsWatch w = new AppTlsWatch(protocol, config.mode() == Mode.ENFORCE);
        w.tlsFromTheStart();
        watch(w, Outcome.APP_MANAGED_TLS, null, "the application runs TLS from the first byte");
    }

    private void watch(AppTlsWatch w, Outcome outcome, String reason, String detail) {
        synchronized (lock) {
            if (state != State.NEW) {
                return;
            }
            watch = w;
            record.later(outcome, reason, detail);
            state = State.CLEAR;
        }
    }

    /** The application layered its own TLS socket over this one (seen at JSSE's createSocket). */
    void appLayeredTls(SSLSocket ssl) {
        appTls.layered(ssl);
    }

    InputStream input(Socket from, InputStream raw) {
        transport.offer(from, raw);
        synchronized (lock) {
            if (appIn == null) {
                appIn = new GuardedInputStream(this);
            }
            return appIn;
        }
    }

    OutputStream output(Socket from, OutputStream raw) {
        transport.offer(from, raw);
        synchronized (lock) {
            if (appOut == null) {
                appOut = new GuardedOutputStream(this);
            }
            return appOut;
        }
    }

    /** The stream the agent's own code (or JSSE on its behalf) gets when it asks the socket. */
    Object streamForAgent(Object raw) {
        Deadline d = handshakeDeadline;
        if (d != null && raw instanceof InputStream) {
            HandshakeInput in = new HandshakeInput((InputStream) raw, transport, d);
            handshakeInput = in;
            return in;
        }
        return raw;
    }

    void beginAgentHandshake(Deadline deadline) {
        handshakeDeadline = deadline;
    }

    void endAgentHandshake() {
        handshakeDeadline = null;
        HandshakeInput in = handshakeInput;
        if (in != null) {
            in.handshakeDone();
        }
    }

    int read(byte[] b, int off, int len) throws IOException {
        State s = settled();
        int n = replay.read(b, off, len);
        if (n > 0) {
            return n;
        }
        switch (s) {
            case TLS:
                return tls.in().read(b, off, len);
            case CLEAR:
                return readClear(b, off, len);
            case BLOCKED:
                return block.read(b, off, len);
            default:
                throw new SocketException("Socket is closed");
        }
    }

    private int readClear(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = rawIn().read(b, off, len);
        } catch (IOException e) {
            if (state == State.BLOCKED) {
                return block.read(b, off, len); // blocked by a writing thread meanwhile
            }
            throw e;
        }
        AppTlsWatch w = watch;
        if (n > 0 && w != null) {
            synchronized (w) {
                w.inbound(b, off, n);
            }
        }
        return n;
    }

    int available() throws IOException {
        // Old code polls available() for the greeting before it reads: the negotiation must run
        // here too, or such an application would wait for ever for bytes the agent holds back.
        State s = settled();
        int r = replay.available();
        if (r > 0) {
            return r;
        }
        switch (s) {
            case TLS:
                return tls.in().available();
            case CLEAR:
                return rawIn().available();
            case BLOCKED:
                return block.available();
            default:
                return 0;
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (state == State.NEW && AppTlsWatch.looksLikeTlsRecord(b, off, len)) {
            implicitTlsByTheApplication();
        }
        switch (settled()) {
            case TLS:
                if (tls.write(b, off, len)) {
                    runtime.warn("the application sent STARTTLS itself to " + destination + " inside the agent's "
                            + "TLS, where the server will refuse it: if it manages TLS itself, start the agent with "
                            + "app-managed=" + destination.host() + "@" + destination.port() + " or app-managed="
                            + destination.appClass());
                }
                break;
            case CLEAR:
                writeClear(b, off, len);
                break;
            case BLOCKED:
                block.write();
                break;
            default:
                throw new SocketException("Socket is closed");
        }
    }

    private void writeClear(byte[] b, int off, int len) throws IOException {
        AppTlsWatch w = watch;
        byte[] allowed;
        boolean checkFirst;
        String refusal;
        synchronized (w) {
            allowed = w.outbound(b, off, len);
            checkFirst = allowed != null && w.applicationDataSent() > 0 && !appTls.checked();
            refusal = w.refusal();
        }
        if (allowed == null) {
            refuse(Reasons.CLEARTEXT_REFUSED, refusal);
            block.write();
            return;
        }
        if (checkFirst && !appTls.allowsApplicationData(w)) {
            block.write();
            return;
        }
        if (allowed == AppTlsWatch.SEND_AS_IS) {
            rawOut().write(b, off, len);
        } else if (allowed.length > 0) {
            rawOut().write(allowed);
        }
    }

    void flush() throws IOException {
        State s = state;
        if (s == State.TLS) {
            tls.flush();
        } else if (s == State.CLEAR) {
            rawOut().flush();
        }
    }

    /** sendUrgentData would put a byte on the wire beside the guard, in clear even beside TLS. */
    boolean refusesUrgentData() {
        return config.mode() != Mode.MONITOR;
    }

    /** The state once the negotiation has run: this thread runs it, or waits for the one that does. */
    private State settled() throws IOException {
        State s = state;
        if (s != State.NEW && s != State.NEGOTIATING) {
            return s;
        }
        boolean mine;
        synchronized (lock) {
            mine = state == State.NEW;
            if (mine) {
                state = State.NEGOTIATING;
            }
        }
        if (mine) {
            new SessionSetup(this).run();
            if (state == State.NEGOTIATING) {
                block(Reasons.AGENT_FAULT, "internal error in starttls-agent (the negotiation did not settle); "
                        + "please report it", false);
            }
        } else {
            if (Reentry.driving() == this) {
                throw new SocketException("starttls-agent: the connection is still being negotiated");
            }
            synchronized (lock) {
                while (state == State.NEGOTIATING) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while the mail session was negotiated");
                    }
                }
            }
        }
        return state;
    }

    boolean closing() {
        return closing;
    }

    /** The negotiation's result: the session goes on over the agent's TLS. */
    void settleTls(AgentTls agentTls, byte[] greeting, TlsDetails details) {
        if (closing) {
            agentTls.close();
            closedDuringNegotiation();
            return;
        }
        tls = agentTls;
        replay.set(greeting);
        record.now(Outcome.UPGRADED, null, null, details, null);
        publish(State.TLS);
    }

    /** The negotiation's result: the session goes on in clear, watched. */
    void settleClear(byte[] forApplication, Outcome outcome, String reason, String detail) {
        if (closing) {
            closedDuringNegotiation();
            return;
        }
        watch = new AppTlsWatch(protocol, false);
        replay.set(forApplication);
        record.later(outcome, reason, detail);
        publish(State.CLEAR);
    }

    /** The server ended the session; under enforce the application gets its words and nothing goes out. */
    void settleServerEnded(String reason, String detail, byte[] serverWords) {
        end(Outcome.SERVER_CLOSED, reason, detail + "; nothing of the application's was sent", serverWords, false);
    }

    /** The session may not go on: a temporary failure in the protocol's words, then the end. */
    void block(String reason, String detail, boolean sayGoodbye) {
        end(Outcome.BLOCKED, reason, detail, null, sayGoodbye);
    }

    /** Refused from a writing thread, in TLS or clear: the record says what crossed before. */
    void refuse(String reason, String detail) {
        end(Outcome.BLOCKED, reason, detail, null, false);
    }

    private void closedDuringNegotiation() {
        end(Outcome.BLOCKED, Reasons.APP_CLOSED, "the application closed the socket during the negotiation", null,
                false);
    }

    private void end(Outcome outcome, String reason, String detail, byte[] reply, boolean sayGoodbye) {
        if (closing && state == State.NEGOTIATING) {
            // The negotiation failed because the application closed the socket meanwhile.
            outcome = Outcome.BLOCKED;
            reason = Reasons.APP_CLOSED;
            detail = "the application closed the socket during the negotiation";
        }
        String message = "starttls-agent blocked the session to " + destination.host() + ":" + destination.port()
                + ": " + detail + " [" + reason + "]; nothing was sent, try again later";
        block = new Block(config.blockStyle(), reply != null ? reply : BlockReply.of(protocol, message), message);
        record.now(outcome, reason, detail, null, watch);
        publish(closing ? State.CLOSED : State.BLOCKED);
        // Waiters are released first: one may hold the socket's monitor, which close() needs.
        GuardedConnection previous = Reentry.enter(this);
        try {
            if (sayGoodbye && !closing) {
                OutputStream out = transport.out();
                out.write(Dialects.quit(protocol));
                out.flush();
            }
        } catch (IOException e) {
            // The server is gone already; nothing to say goodbye to.
        } finally {
            transport.closeReplacement();
            Transport.closeQuietly(transport.appSocket());
            Reentry.exit(previous);
        }
    }

    private void publish(State settled) {
        synchronized (lock) {
            if (state != State.CLOSED) {
                state = settled;
            }
            lock.notifyAll();
        }
    }

    /** True while the session runs over the agent's own TLS. */
    boolean securedByAgent() {
        return state == State.TLS;
    }

    String describe() {
        return destination.toString();
    }

    /** The application closed a stream: like the JDK's socket streams, that closes the socket. */
    void closeSocket() throws IOException {
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
        State was;
        synchronized (lock) {
            closing = true;
            was = state;
            if (was != State.NEGOTIATING && was != State.BLOCKED) {
                state = State.CLOSED;
            }
            lock.notifyAll();
        }
        if (was == State.NEGOTIATING || was == State.CLOSED) {
            return;
        }
        GuardedConnection previous = Reentry.enter(this);
        try {
            AgentTls open = tls;
            if (was == State.TLS && open != null) {
                open.close();
            }
            transport.closeReplacement();
        } finally {
            Reentry.exit(previous);
        }
        flushRecord();
    }

    /** Writes the record of a clear-text session, now that its flags are known. Once only. */
    void flushRecord() {
        record.flush(watch, appTls.details(), appTls.problem());
    }

    /** The JVM exits: a session still negotiating gets its record too (one per connection, always). */
    void flushRecordAtExit() {
        if (state == State.NEGOTIATING) {
            record.now(Outcome.BLOCKED, Reasons.APP_CLOSED, "the JVM exited while the negotiation ran", null, null);
            return;
        }
        flushRecord();
    }

    /** The raw streams; asked of the socket on a marked thread, so that the hook hands out the JDK's. */
    private InputStream rawIn() throws IOException {
        InputStream in = transport.cachedIn();
        if (in != null) {
            return in;
        }
        GuardedConnection previous = Reentry.enter(this);
        try {
            return transport.in();
        } finally {
            Reentry.exit(previous);
        }
    }

    private OutputStream rawOut() throws IOException {
        OutputStream out = transport.cachedOut();
        if (out != null) {
            return out;
        }
        GuardedConnection previous = Reentry.enter(this);
        try {
            return transport.out();
        } finally {
            Reentry.exit(previous);
        }
    }
}
