package io.starttls.agent.guard;

import java.io.IOException;

/** What the application's next read or write throws on a blocked session with block=exception. */
public final class SessionBlockedException extends IOException {
    private static final long serialVersionUID = 1L;

    public SessionBlockedException(String message) {
        super(message);
    }
}
