package io.starttls.agent.guard;

import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.protocol.FirstExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;

/**
 * A socket to a port that nobody listed, until its first exchange shows whether it carries mail
 * ({@link FirstExchange}). Meanwhile the server's bytes reach the application at once, and a copy
 * of them is kept; the application's first bytes are held back only while they could still begin
 * a mail command. Found to be mail, the connection is handed to a {@link GuardedConnection}, which
 * negotiates from where the exchange stands (the application has read the greeting, its first
 * command waits), and every later read and write goes there. Not mail, it is left alone for good:
 * each read and write is then the JDK's own, behind one volatile read.
 *
 * <p>The lock guards the state and the two buffers only; no I/O happens under it.
 */
final class UnlistedConnection implements StreamEnd {
    private static final int SNIFFING = 0;
    private static final int NOT_MAIL = 1;
    private static final int MAIL = 2;
    /** What is kept of a first server reply that does not even look like a mail greeting. */
    private static final int KEPT_OF_OTHER_GREETINGS = 256;

    private final Socket socket;
    private final UnlistedSockets runtime;
    private final Object lock = new Object();
    private volatile int state = SNIFFING;
    private volatile GuardedConnection mail;
    private volatile InputStream rawIn;
    private volatile OutputStream rawOut;
    final InputStream in = new GuardedInputStream(this);
    final OutputStream out = new GuardedOutputStream(this);
    // The server's bytes before the application's first write, and the application's held ones.
    private byte[] seen = new byte[0];
    private int seenLength;
    private boolean seenOverflow;
    private byte[] held = new byte[0];
    private int heldLength;
    private int readsInFlight;
    private boolean touched;

    UnlistedConnection(Socket socket, UnlistedSockets runtime) {
        this.socket = socket;
        this.runtime = runtime;
    }

    void offer(Object raw) {
        if (raw instanceof InputStream && rawIn == null) {
            rawIn = (InputStream) raw;
        } else if (raw instanceof OutputStream && rawOut == null) {
            rawOut = (OutputStream) raw;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            int s = state;
            if (s == NOT_MAIL) {
                return rawIn.read(b, off, len);
            }
            if (s == MAIL) {
                return mail.read(b, off, len);
            }
            // A read while a command is held half-written: mail clients write whole commands, so
            // this one speaks another protocol and must get its bytes out before it waits.
            releaseNow();
            synchronized (lock) {
                if (state != SNIFFING) {
                    continue;
                }
                readsInFlight++;
                touched = true;
            }
            int n = -1;
            try {
                n = rawIn.read(b, off, len);
            } finally {
                synchronized (lock) {
                    readsInFlight--;
                    if (n > 0 && state == SNIFFING) {
                        keep(b, off, n);
                    }
                }
            }
            return n;
        }
    }

    @Override
    public int available() throws IOException {
        int s = state;
        if (s == MAIL) {
            return mail.available();
        }
        if (s == SNIFFING) {
            releaseNow();
        }
        return state == MAIL ? mail.available() : rawIn.available();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (true) {
            int s = state;
            if (s == NOT_MAIL) {
                rawOut.write(b, off, len);
                return;
            }
            if (s == MAIL) {
                mail.write(b, off, len);
                return;
            }
            Object verdict;
            byte[] bytes = b;
            int from = off;
            int count = len;
            boolean readerInFlight;
            boolean notMail;
            synchronized (lock) {
                if (state != SNIFFING) {
                    continue;
                }
                touched = true;
                if (heldLength == 0) {
                    verdict = FirstExchange.recognise(seen, seenLength, b, off, len);
                } else {
                    hold(b, off, len);
                    verdict = FirstExchange.recognise(seen, seenLength, held, 0, heldLength);
                    bytes = held;
                    from = 0;
                    count = heldLength;
                }
                if (verdict == FirstExchange.MORE && readsInFlight == 0) {
                    if (bytes == b) {
                        hold(b, off, len);
                    }
                    HeldBytes.releaseLater(this);
                    return;
                }
                if (verdict == FirstExchange.MORE) {
                    // Another thread waits in a read: a mail client writes its command whole, so
                    // this is another protocol's exchange, and its bytes go now.
                    verdict = FirstExchange.NOT_MAIL;
                }
                held = new byte[0];
                heldLength = 0;
                readerInFlight = readsInFlight > 0;
                notMail = verdict == FirstExchange.NOT_MAIL;
                if (notMail) {
                    state = NOT_MAIL;
                    seen = null;
                } else {
                    try {
                        mail = runtime.recognised(socket, this, (MailProtocol) verdict,
                                Arrays.copyOf(seen, seenLength), seenOverflow, readerInFlight,
                                FirstExchange.startsTls((MailProtocol) verdict, bytes, from, count));
                        state = mail != null ? MAIL : NOT_MAIL; // null: its destination's policy is off
                        notMail = mail == null;
                    } catch (RuntimeException | Error e) {
                        // A fault of the agent's: enforce fails closed, the other modes step aside.
                        state = NOT_MAIL;
                        if (runtime.onFault(socket, e)) {
                            throw new SessionBlockedException("starttls-agent: internal error guarding the mail "
                                    + "connection (" + e + "); blocked (mode=enforce)");
                        }
                        notMail = true;
                    }
                    seen = null;
                }
            }
            if (notMail) {
                runtime.settledNotMail(socket, this);
                rawOut.write(bytes, from, count);
            } else {
                mail.write(bytes, from, count);
            }
            return;
        }
    }

    @Override
    public void flush() throws IOException {
        int s = state;
        if (s == MAIL) {
            mail.flush();
            return;
        }
        // A flush asks for the bytes to go now: a mail client flushes whole commands, so a word
        // held half-written means another protocol.
        releaseHeld();
        if (state == MAIL) {
            mail.flush();
        } else {
            rawOut.flush();
        }
    }

    /**
     * The socket is being closed, or urgent data is sent beside the stream, or a held word has
     * waited long enough (see {@link HeldBytes}): what was held goes out now, in order, as it would
     * have without the agent, and the connection is left alone.
     */
    void releaseNow() {
        try {
            releaseHeld();
        } catch (IOException e) {
            // The connection is gone, or its output was shut down: the bytes cannot go any more.
        }
    }

    /**
     * A mail library says that this socket carries mail: the guard takes over, if it still can
     * ({@code evenIfUsed}: whatever crossed so far was not the mail session, a proxy's CONNECT).
     */
    boolean handOver(GuardedConnection connection, boolean evenIfUsed) {
        synchronized (lock) {
            if (state == MAIL || (touched && !evenIfUsed) || heldLength > 0) {
                return false;
            }
            connection.transport.offer(socket, rawIn);
            connection.transport.offer(socket, rawOut);
            mail = connection;
            state = MAIL;
            seen = null;
            return true;
        }
    }

    /** A library says that this socket carries another protocol (Commons Net's FTPClient, say). */
    void notMail() {
        boolean settled;
        synchronized (lock) {
            settled = state == SNIFFING && heldLength == 0;
            if (settled) {
                state = NOT_MAIL;
                seen = null;
            }
        }
        if (settled) {
            runtime.settledNotMail(socket, this);
        }
    }

    @Override
    public void closeSocket() throws IOException {
        socket.close();
    }

    boolean isMail() {
        return state == MAIL;
    }

    InputStream rawIn() {
        return rawIn;
    }

    OutputStream rawOut() {
        return rawOut;
    }

    private void releaseHeld() throws IOException {
        byte[] bytes;
        int count;
        synchronized (lock) {
            if (state != SNIFFING || heldLength == 0) {
                return;
            }
            bytes = held;
            count = heldLength;
            held = new byte[0];
            heldLength = 0;
            state = NOT_MAIL;
            seen = null;
        }
        runtime.settledNotMail(socket, this);
        rawOut.write(bytes, 0, count);
    }

    private void keep(byte[] b, int off, int n) {
        // Judged on the first bytes, whichever read brought them: an HTTP request read by a server
        // in this JVM, say, is not kept beyond its start.
        byte[] first = seen;
        int firstLength = seenLength;
        if (seenLength < 4) {
            firstLength = seenLength + Math.min(n, 4 - seenLength);
            first = Arrays.copyOf(seen, firstLength);
            System.arraycopy(b, off, first, seenLength, firstLength - seenLength);
        }
        int cap = firstLength >= 4 && !FirstExchange.mayBeGreeting(first, firstLength) ? KEPT_OF_OTHER_GREETINGS
                : runtime.maxGreetingBytes();
        int room = Math.max(0, cap - seenLength);
        if (n > room) {
            seenOverflow = true;
        }
        int k = Math.min(n, room);
        if (k > 0) {
            if (seenLength + k > seen.length) {
                seen = Arrays.copyOf(seen, Math.max(seenLength + k, Math.min(cap, seen.length * 2 + 64)));
            }
            System.arraycopy(b, off, seen, seenLength, k);
            seenLength += k;
        }
    }

    private void hold(byte[] b, int off, int len) {
        if (heldLength + len > held.length) {
            held = Arrays.copyOf(held, heldLength + len + 16);
        }
        System.arraycopy(b, off, held, heldLength, len);
        heldLength += len;
    }
}
