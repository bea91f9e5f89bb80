package io.starttls.agent.guard;

import io.starttls.agent.vocabulary.Reasons;
import java.io.IOException;

/**
 * A session in clear: fallback, monitor, or a connection whose TLS the application runs itself.
 * Every byte passes its {@link AppTlsWatch}, which flags what crosses in clear and, under enforce,
 * holds back credentials, mail and clear text after the application's STARTTLS; the application's
 * own TLS session is checked against the policy before its first application data.
 */
final class ClearSession implements Session {
    private final GuardedConnection connection;
    private final AppTlsWatch watch;
    private final AppTlsCheck appTls;
    /**
     * Writes are judged and sent in one step, so that the wire gets them in the order the watch
     * judged them (two application threads writing at once). Like the JDK's own write lock, it may
     * be held while a write blocks; nothing the negotiation or close() needs waits for it.
     */
    private final Object writeLock = new Object();

    ClearSession(GuardedConnection connection, AppTlsWatch watch, AppTlsCheck appTls) {
        this.connection = connection;
        this.watch = watch;
        this.appTls = appTls;
    }

    AppTlsWatch watch() {
        return watch;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = connection.transport.rawIn().read(b, off, len);
        } catch (IOException e) {
            Session blocked = connection.blockedSession();
            if (blocked != null) {
                return blocked.read(b, off, len); // blocked by a writing thread meanwhile
            }
            throw e;
        }
        if (n > 0) {
            synchronized (watch) {
                watch.inbound(b, off, n);
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return connection.transport.rawIn().available();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        synchronized (writeLock) {
            judgeAndWrite(b, off, len);
        }
    }

    private void judgeAndWrite(byte[] b, int off, int len) throws IOException {
        byte[] allowed;
        boolean checkFirst;
        String refusal;
        synchronized (watch) {
            allowed = watch.outbound(b, off, len);
            checkFirst = allowed != null && watch.applicationDataSent() > 0 && !appTls.checked();
            refusal = watch.refusal();
        }
        if (allowed == null) {
            connection.refuse(Reasons.CLEARTEXT_REFUSED, refusal);
            connection.blockedSession().write(b, off, len);
            return;
        }
        if (checkFirst && !appTls.allowsApplicationData(watch)) {
            connection.blockedSession().write(b, off, len);
            return;
        }
        if (allowed == AppTlsWatch.SEND_AS_IS) {
            connection.transport.rawOut().write(b, off, len);
        } else if (allowed.length > 0) {
            connection.transport.rawOut().write(allowed);
        }
    }

    @Override
    public void flush() throws IOException {
        connection.transport.rawOut().flush();
    }
}
