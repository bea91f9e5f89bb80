package io.starttls.agent.guard;

import java.util.Timer;
import java.util.TimerTask;

/**
 * The latest moment a held first word goes out: a mail client writes its first command in one go
 * (or in pieces microseconds apart), so a word still incomplete after {@link #DELAY_MILLIS} belongs
 * to another protocol, whose peer may be waiting for it. Reads, flushes and closes release it
 * sooner; this covers an application that does none of them (it writes a token and exits, say).
 * One daemon thread for the whole JVM, started with the first held word.
 */
final class HeldBytes {
    static final long DELAY_MILLIS = 200;
    private static volatile Timer timer;

    private HeldBytes() {
    }

    static void releaseLater(UnlistedConnection connection) {
        timer().schedule(new TimerTask() {
            @Override
            public void run() {
                connection.releaseNow();
            }
        }, DELAY_MILLIS);
    }

    private static Timer timer() {
        Timer t = timer;
        if (t == null) {
            synchronized (HeldBytes.class) {
                t = timer;
                if (t == null) {
                    timer = t = new Timer("starttls-agent-held-bytes", true);
                }
            }
        }
        return t;
    }
}
