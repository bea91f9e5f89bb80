package io.starttls.agent.guard;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guards of sockets when {@code java.net.Socket} could not be given a field for them (it was
 * loaded before the agent, so it is changed by retransformation, which adds no field): a map from
 * socket to guard, by identity, holding the socket weakly. An entry goes when its socket is
 * closed ({@link #remove}); one whose socket was collected is dropped at a later {@link #put}.
 *
 * <p>A guard refers to its socket, so an entry whose socket the application drops without closing
 * keeps both (and the socket's file descriptor, which the JDK would otherwise close when it
 * collects the socket) until exit: the JDK has no ephemerons, and Socket can get no field on this
 * way in. Closed sockets, the usual case, leave nothing behind; and a watcher that found no mail
 * is {@link #release released} to a weak hold, so that the many sockets that are not mail are
 * collected as without the agent.
 */
public final class SocketGuardMap {
    private final ConcurrentHashMap<Object, Object> guards = new ConcurrentHashMap<Object, Object>(256);
    private final ReferenceQueue<Object> collected = new ReferenceQueue<Object>();

    public Object get(Object socket) {
        Object guard = guards.get(new Lookup(socket));
        if (guard instanceof Released) {
            Object live = ((Released) guard).get();
            return live != null ? live : ((Released) guard).afterwards;
        }
        return guard;
    }

    /**
     * From now on {@code guard} is held only weakly (it no longer needs to outlive the streams the
     * application holds, which refer to it); once it is collected, the socket's guard is
     * {@code afterwards}, which must not refer to the socket. Nothing changes when the socket has
     * another guard by now.
     */
    public void release(Object socket, Object guard, Object afterwards) {
        guards.replace(new Lookup(socket), guard, new Released(guard, afterwards));
    }

    public void put(Object socket, Object guard) {
        expunge();
        if (guard == null) {
            guards.remove(new Lookup(socket));
        } else {
            guards.put(new Held(socket, collected), guard);
        }
    }

    public void remove(Object socket) {
        guards.remove(new Lookup(socket));
        expunge();
    }

    /** Entries held now, after dropping those of collected sockets. */
    public int size() {
        expunge();
        return guards.size();
    }

    private void expunge() {
        Object gone;
        while ((gone = collected.poll()) != null) {
            guards.remove(gone);
        }
    }

    /** A guard held weakly, and what the socket's guard is once it is gone. */
    private static final class Released extends WeakReference<Object> {
        private final Object afterwards;

        Released(Object guard, Object afterwards) {
            super(guard);
            this.afterwards = afterwards;
        }
    }

    /** The key as stored: equal to itself, and to a lookup of its socket while the socket lives. */
    private static final class Held extends WeakReference<Object> {
        private final int hash;

        Held(Object socket, ReferenceQueue<Object> queue) {
            super(socket, queue);
            this.hash = System.identityHashCode(socket);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            Object mine = get();
            if (mine == null) {
                return false;
            }
            return o instanceof Lookup ? ((Lookup) o).socket == mine : o instanceof Held && ((Held) o).get() == mine;
        }
    }

    /** A short-lived key for one lookup (ConcurrentHashMap compares the probe key to the stored one). */
    private static final class Lookup {
        private final Object socket;

        Lookup(Object socket) {
            this.socket = socket;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(socket);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Held && ((Held) o).get() == socket;
        }
    }
}
