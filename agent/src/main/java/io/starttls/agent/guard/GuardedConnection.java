package io.starttls.agent.guard;

import io.starttls.agent.audit.AuditRecord;
import io.starttls.agent.audit.CallerLocator;
import io.starttls.agent.audit.Outcome;
import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.BlockStyle;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.Mode;
import io.starttls.agent.protocol.BlockReply;
import io.starttls.agent.protocol.AppTlsWatch;
import io.starttls.agent.protocol.CommandObserver;
import io.starttls.agent.protocol.Dialects;
import io.starttls.agent.protocol.NegotiationException;
import io.starttls.agent.protocol.NegotiationOutcome;
import io.starttls.agent.protocol.Reasons;
import io.starttls.agent.tls.EstablishedTls;
import io.starttls.agent.tls.TlsUpgradeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLSocket;

/**
 * One guarded mail connection. Nothing happens at connect: the application's first read or write
 * runs the negotiation (greeting, STARTTLS, handshake), then every byte goes through TLS, in clear
 * (fallback or monitor), or nowhere (blocked), as the policy decided.
 */
final class GuardedConnection {
    private enum State { NEW, TLS, CLEAR, BLOCKED, CLOSED }

    private static final byte[] NOTHING = new byte[0];

    private final Socket socket;
    private final MailProtocol protocol;
    private final MailSockets runtime;
    private final AgentConfig config;
    private final String host;
    private final String address;
    private final int port;
    private final String appClass;
    private final Object lock = new Object();

    private volatile State state;
    /** The socket that carries the bytes: the application's, or the one that replaced it. */
    private Socket transport;
    private InputStream rawIn;
    private OutputStream rawOut;
    private GuardedInputStream appIn;
    private GuardedOutputStream appOut;
    private boolean upgrading;
    private SSLSocket tls;
    private InputStream tlsIn;
    private OutputStream tlsOut;
    private byte[] replay = NOTHING;
    private int replayPos;
    private byte[] blockReply;
    private int blockPos;
    private String blockMessage;
    private AppTlsWatch watch;
    /** The first commands the application sends through the agent's TLS, to notice its own STARTTLS. */
    private CommandObserver tlsCommandWatch;
    private int tlsBytesWatched;
    private boolean appManaged;
    private AuditRecord.Builder pendingRecord;

    GuardedConnection(Socket socket, MailProtocol protocol, MailSockets runtime) {
        this.socket = socket;
        this.protocol = protocol;
        this.runtime = runtime;
        this.config = runtime.config();
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        // getHostString: the name the application used, or the literal; never a reverse-DNS name.
        this.host = remote.getHostString();
        this.address = remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
        this.port = remote.getPort();
        this.appClass = CallerLocator.applicationClass();
        this.transport = socket;
        if (config.mode() == Mode.MONITOR) {
            watch = new AppTlsWatch(protocol, false);
            pendingRecord = record(Outcome.PLAINTEXT_OBSERVED, null, null);
            state = State.CLEAR;
        } else {
            state = State.NEW;
            if (config.appManaged().matches(host, port, appClass)) {
                appManaged();
            }
        }
    }

    /**
     * The application runs STARTTLS itself on this connection (a TLS-aware library configuration,
     * or a rule): watch it instead of driving it, and under enforce hold back anything sensitive
     * that it would send before its TLS is up. Only possible before the first byte was read.
     */
    void appManaged() {
        synchronized (lock) {
            if (state != State.NEW) {
                return;
            }
            appManaged = true;
            watch = new AppTlsWatch(protocol, config.mode() == Mode.ENFORCE);
            pendingRecord = record(config.mode() == Mode.ENFORCE ? Outcome.PLAINTEXT_OBSERVED
                    : Outcome.PLAINTEXT_FALLBACK, Reasons.APP_DID_NOT_START_TLS,
                    "the application, which manages STARTTLS itself, did not start TLS");
            state = State.CLEAR;
        }
    }

    /**
     * The application's first bytes are a TLS handshake: it runs TLS itself over this plain socket
     * (JavaMail's and Commons Net's implicit TLS layer an SSLSocket over a plain one). Nothing of it
     * is clear text; stand aside and only watch for the record.
     */
    private void implicitTlsByTheApplication() {
        synchronized (lock) {
            if (state != State.NEW) {
                return;
            }
            watch = new AppTlsWatch(protocol, false);
            watch.tlsFromTheStart();
            pendingRecord = record(Outcome.APP_MANAGED_TLS, null, "the application runs TLS from the first byte");
            state = State.CLEAR;
        }
    }

    InputStream input(InputStream raw) {
        synchronized (lock) {
            if (transport == socket) {
                rawIn = raw;
            }
            if (appIn == null) {
                appIn = new GuardedInputStream(this);
            }
            return appIn;
        }
    }

    OutputStream output(OutputStream raw) {
        synchronized (lock) {
            if (transport == socket) {
                rawOut = raw;
            }
            if (appOut == null) {
                appOut = new GuardedOutputStream(this);
            }
            return appOut;
        }
    }

    /** The stream the agent's own code (or JSSE on its behalf) gets when it asks the socket. */
    Object streamForAgent(Object raw) {
        if (upgrading && raw instanceof InputStream) {
            return new FirstRecordCheck((InputStream) raw);
        }
        return raw;
    }

    int read(byte[] b, int off, int len) throws IOException {
        State s = negotiated();
        synchronized (lock) {
            if (replayPos < replay.length) {
                int n = Math.min(len, replay.length - replayPos);
                System.arraycopy(replay, replayPos, b, off, n);
                replayPos += n;
                return n;
            }
        }
        switch (s) {
            case TLS:
                return tlsIn.read(b, off, len);
            case CLEAR:
                int n = rawIn.read(b, off, len);
                if (n > 0 && watch != null) {
                    watch.inbound(b, off, n);
                }
                return n;
            case BLOCKED:
                return readBlockReply(b, off, len);
            default:
                throw new SocketException("Socket is closed");
        }
    }

    int available() throws IOException {
        // Old code polls available() for the greeting before it reads: the negotiation must run
        // here too, or such an application would wait for ever for bytes the agent holds back.
        State s = negotiated();
        synchronized (lock) {
            if (replayPos < replay.length) {
                return replay.length - replayPos;
            }
        }
        switch (s) {
            case TLS:
                return tlsIn.available();
            case CLEAR:
                return rawIn.available();
            default:
                return 0;
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (state == State.NEW && AppTlsWatch.looksLikeTlsRecord(b, off, len)) {
            implicitTlsByTheApplication();
        }
        State s = negotiated();
        switch (s) {
            case TLS:
                if (tlsCommandWatch != null) {
                    noticeOwnStartTls(b, off, len);
                }
                tlsOut.write(b, off, len);
                break;
            case CLEAR:
                if (watch == null) {
                    rawOut.write(b, off, len);
                    break;
                }
                byte[] allowed = watch.outbound(b, off, len);
                if (allowed == AppTlsWatch.SEND_AS_IS) {
                    rawOut.write(b, off, len);
                } else if (allowed == null) {
                    synchronized (lock) {
                        block(Reasons.CLEARTEXT_REFUSED, "the application sent " + watch.refusedCommand()
                                + " before its own TLS was up", false);
                    }
                    writeBlocked();
                } else if (allowed.length > 0) {
                    rawOut.write(allowed);
                }
                break;
            case BLOCKED:
                writeBlocked();
                break;
            default:
                throw new SocketException("Socket is closed");
        }
    }

    /**
     * A hand-written client that runs STARTTLS itself now sends it inside the agent's TLS, where the
     * server refuses it. Say once what happened and how to fix it; stop looking after a few commands.
     */
    private void noticeOwnStartTls(byte[] b, int off, int len) {
        int n = Math.min(len, 1024 - tlsBytesWatched);
        tlsCommandWatch.feed(b, off, n);
        tlsBytesWatched += n;
        if (tlsCommandWatch.sawStartTls()) {
            runtime.warn("the application sent STARTTLS itself to " + host + ":" + port + " (app=" + appClass
                    + ") inside the agent's TLS, where the server will refuse it: if it manages TLS itself, start "
                    + "the agent with app-managed=" + host + "@" + port + " or app-managed=" + appClass);
            tlsCommandWatch = null;
        } else if (tlsBytesWatched >= 1024) {
            tlsCommandWatch = null;
        }
    }

    /** The session is over; what the application still writes goes nowhere (or throws, if asked). */
    private void writeBlocked() throws IOException {
        if (config.blockStyle() == BlockStyle.EXCEPTION) {
            throw new SessionBlockedException(blockMessage);
        }
    }

    void flush() throws IOException {
        State s = state;
        if (s == State.TLS) {
            tlsOut.flush();
        } else if (s == State.CLEAR) {
            rawOut.flush();
        }
    }

    private int readBlockReply(byte[] b, int off, int len) throws IOException {
        if (config.blockStyle() == BlockStyle.EXCEPTION) {
            throw new SessionBlockedException(blockMessage);
        }
        synchronized (lock) {
            if (blockPos >= blockReply.length) {
                return -1;
            }
            int n = Math.min(len, blockReply.length - blockPos);
            System.arraycopy(blockReply, blockPos, b, off, n);
            blockPos += n;
            return n;
        }
    }

    private State negotiated() throws IOException {
        State s = state;
        if (s != State.NEW) {
            return s;
        }
        synchronized (lock) {
            if (state == State.NEW) {
                negotiate();
            }
            return state;
        }
    }

    private void negotiate() {
        GuardedConnection previous = Reentry.enter(this);
        try {
            int appTimeout = socket.getSoTimeout();
            boolean appNoDelay = socket.getTcpNoDelay();
            int timeout = appTimeout > 0 ? Math.min(appTimeout, config.negotiationTimeoutMillis())
                    : config.negotiationTimeoutMillis();
            // The negotiation alternates short writes and reads: Nagle's algorithm would hold each
            // write until the server's delayed ACK. TLS records are whole writes, so it stays off.
            socket.setTcpNoDelay(true);
            if (rawIn == null) {
                rawIn = socket.getInputStream();
            }
            if (rawOut == null) {
                rawOut = socket.getOutputStream();
            }
            RawLineChannel channel = new RawLineChannel(socket, rawIn, rawOut, timeout, config.maxLineBytes());
            NegotiationOutcome outcome;
            try {
                outcome = Dialects.negotiation(protocol, config.ehloName(), socket.getLocalAddress(),
                        config.maxLineBytes()).negotiate(channel);
            } catch (NegotiationException e) {
                outcome = NegotiationOutcome.abort(e.reason(), e.getMessage());
            } catch (SocketTimeoutException e) {
                outcome = NegotiationOutcome.abort(Reasons.NEGOTIATION_TIMEOUT,
                        "the server did not answer within " + timeout + " ms");
            } catch (IOException e) {
                outcome = NegotiationOutcome.abort(Reasons.CONNECTION_CLOSED,
                        "the connection failed during the negotiation: " + e.getMessage());
            }
            act(outcome, channel, appTimeout, appNoDelay);
        } catch (IOException e) {
            block(Reasons.CONNECTION_CLOSED, "the connection failed during the negotiation: " + e.getMessage(), false);
        } catch (RuntimeException | Error e) {
            // Fail closed: a fault of the agent's must not let the session go out unprotected.
            block(Reasons.AGENT_FAULT, "internal error in starttls-agent (" + e + "); please report it", false);
        } finally {
            Reentry.exit(previous);
        }
    }

    private void act(NegotiationOutcome outcome, RawLineChannel channel, int appTimeout, boolean appNoDelay)
            throws IOException {
        switch (outcome.kind()) {
            case START_TLS:
                startTls(outcome, appTimeout, appNoDelay);
                break;
            case CLEAR_ONLY:
                if (config.mode() == Mode.ENFORCE) {
                    // Say goodbye in the server's protocol, unless it turned out to speak another one.
                    block(outcome.reason(), outcome.detail(), !Reasons.UNEXPECTED_GREETING.equals(outcome.reason()));
                } else {
                    continueInClear(concat(outcome.replay(), channel.unread()), appTimeout, appNoDelay);
                    watch = new AppTlsWatch(protocol, false);
                    pendingRecord = record(Outcome.PLAINTEXT_FALLBACK, outcome.reason(), outcome.detail());
                }
                break;
            case RETRY_IN_CLEAR:
                retryInClearOrBlock(outcome.reason(), outcome.detail(), appTimeout, appNoDelay);
                break;
            case SERVER_CLOSING:
                continueInClear(concat(outcome.replay(), channel.unread()), appTimeout, appNoDelay);
                runtime.audit(record(Outcome.SERVER_CLOSED, outcome.reason(), outcome.detail()).build());
                break;
            default:
                block(outcome.reason(), outcome.detail(), false);
                break;
        }
    }

    private void startTls(NegotiationOutcome outcome, int appTimeout, boolean appNoDelay) throws IOException {
        EstablishedTls upgraded;
        upgrading = true;
        try {
            upgraded = runtime.upgrader().upgrade(socket, host, port);
        } catch (TlsUpgradeException e) {
            upgrading = false;
            if (Reasons.TLS_HANDSHAKE_FAILED.equals(e.reason())) {
                retryInClearOrBlock(e.reason(), e.getMessage(), appTimeout, appNoDelay);
            } else {
                block(e.reason(), e.getMessage(), false);
            }
            return;
        } finally {
            upgrading = false;
        }
        socket.setSoTimeout(appTimeout);
        tls = upgraded.socket();
        tlsCommandWatch = new CommandObserver(protocol);
        tlsIn = tls.getInputStream();
        tlsOut = tls.getOutputStream();
        replay = outcome.replay();
        state = State.TLS;
        runtime.audit(record(Outcome.UPGRADED, null, null).tls(upgraded.details()).build());
    }

    /**
     * The server broke the session after STARTTLS. Enforce blocks. Opportunistic does what Postfix
     * does at security level "may": it goes on in clear over a new connection to the same address,
     * so that a broken TLS server does not stop mail that would have gone out without the agent.
     */
    private void retryInClearOrBlock(String reason, String detail, int appTimeout, boolean appNoDelay)
            throws IOException {
        if (config.mode() == Mode.ENFORCE) {
            block(reason, detail, false);
            return;
        }
        Socket replacement = new Socket();
        try {
            int timeout = appTimeout > 0 ? Math.min(appTimeout, config.negotiationTimeoutMillis())
                    : config.negotiationTimeoutMillis();
            replacement.connect(socket.getRemoteSocketAddress(), timeout);
            InputStream in = replacement.getInputStream();
            OutputStream out = replacement.getOutputStream();
            RawLineChannel channel = new RawLineChannel(replacement, in, out, timeout, config.maxLineBytes());
            byte[] greeting = Dialects.readGreeting(protocol, channel);
            replacement.setSoTimeout(appTimeout);
            replacement.setTcpNoDelay(appNoDelay);
            // The broken connection stays open until the application closes its socket: closing it
            // now would make the application's next getOutputStream() fail.
            transport = replacement;
            rawIn = in;
            rawOut = out;
            replay = concat(greeting, channel.unread());
            state = State.CLEAR;
            watch = new AppTlsWatch(protocol, false);
            pendingRecord = record(Outcome.PLAINTEXT_FALLBACK, reason,
                    detail + "; went on in clear over a new connection");
        } catch (IOException e) {
            closeQuietly(replacement);
            block(reason, detail + "; a new connection in clear failed too (" + e.getMessage() + ")", false);
        }
    }

    private void continueInClear(byte[] bytesForApp, int appTimeout, boolean appNoDelay) throws IOException {
        socket.setSoTimeout(appTimeout);
        socket.setTcpNoDelay(appNoDelay);
        replay = bytesForApp;
        state = State.CLEAR;
    }

    private void block(String reason, String detail, boolean sayGoodbye) {
        blockMessage = "starttls-agent blocked the session to " + host + ":" + port + ": " + detail + " ["
                + reason + "]; nothing was sent, try again later";
        blockReply = BlockReply.of(protocol, blockMessage);
        state = State.BLOCKED;
        pendingRecord = null; // this is the connection's one record
        runtime.audit(record(Outcome.BLOCKED, reason, detail).build());
        GuardedConnection previous = Reentry.enter(this);
        try {
            if (sayGoodbye && rawOut != null) {
                rawOut.write(Dialects.quit(protocol));
                rawOut.flush();
            }
        } catch (IOException e) {
            // The server is gone already; nothing to say goodbye to.
        } finally {
            closeQuietly(socket);
            Reentry.exit(previous);
        }
    }

    /** True while the session runs over the agent's own TLS. */
    boolean securedByAgent() {
        return state == State.TLS;
    }

    /** Where this connection goes and who made it, for log lines. */
    String describe() {
        return host + ":" + port + " (app=" + appClass + ")";
    }

    /** The application closed a stream: like the JDK's socket streams, that closes the socket. */
    void closeSocket() throws IOException {
        socket.close();
    }

    /** Called when the socket is being closed, by the application or the agent. */
    void onSocketClose() {
        if (Reentry.driving() == this) {
            return;
        }
        SSLSocket open;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            open = state == State.TLS ? tls : null;
            if (state != State.BLOCKED) {
                state = State.CLOSED;
            }
        }
        GuardedConnection previous = Reentry.enter(this);
        try {
            if (open != null) {
                open.close(); // close_notify; the application's close then closes the plain socket
            }
            if (transport != socket) {
                transport.close();
            }
        } catch (IOException e) {
            // Closing anyway.
        } finally {
            Reentry.exit(previous);
        }
        flushRecord();
    }

    /** Writes the record of a clear-text session, now that its flags are known. Once only. */
    void flushRecord() {
        AuditRecord.Builder pending;
        synchronized (lock) {
            pending = pendingRecord;
            pendingRecord = null;
        }
        if (pending == null) {
            return;
        }
        if (watch != null) {
            pending.clearText(watch.sawCredentials(), watch.sawMail());
            if (watch.tlsStarted() && watch.serverHello().details() != null) {
                pending.outcome(Outcome.APP_MANAGED_TLS, null, "the application started TLS itself")
                        .tls(watch.serverHello().details());
            } else if (watch.tlsStarted()) {
                pending.outcome(pending.outcome(), Reasons.TLS_HANDSHAKE_FAILED,
                        "the application's own TLS handshake did not complete");
            }
        }
        runtime.audit(pending.build());
    }

    private AuditRecord.Builder record(Outcome outcome, String reason, String detail) {
        return new AuditRecord.Builder()
                .destination(host, address, port)
                .policy(protocol.word(), config.mode().word(), config.verify().word())
                .outcome(outcome, reason, detail)
                .appClass(appClass);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b.length == 0) {
            return a;
        }
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}
