package io.starttls.agent.guard;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guarded connections not yet closed, so that their records are written at exit. Held weakly:
 * a socket the application drops without closing must still be collectable; its record, held
 * apart, is written when the collection is noticed (at the next connection, or at exit).
 */
final class OpenSessions {
    private final Set<Ref> refs = ConcurrentHashMap.newKeySet();
    private final ReferenceQueue<GuardedConnection> collected = new ReferenceQueue<GuardedConnection>();

    void add(GuardedConnection connection) {
        purge();
        refs.add(new Ref(connection, collected, connection.record));
    }

    void remove(GuardedConnection connection) {
        refs.remove(new Ref(connection, null, null));
        purge();
    }

    List<GuardedConnection> snapshot() {
        purge();
        List<GuardedConnection> out = new ArrayList<GuardedConnection>();
        for (Ref ref : refs) {
            GuardedConnection c = ref.get();
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    int size() {
        purge();
        return refs.size();
    }

    private void purge() {
        Object ref;
        while ((ref = collected.poll()) != null) {
            // A guard collected while in the set: its socket was dropped without close(). Its
            // record (held here, apart from the connection) is still written.
            if (refs.remove(ref)) {
                ((Ref) ref).record.flushDropped();
            }
        }
    }

    /** Compares by the identity of the connection, while it lives, and by itself after. */
    private static final class Ref extends WeakReference<GuardedConnection> {
        private final int hash;
        private final ConnectionRecord record;

        Ref(GuardedConnection connection, ReferenceQueue<GuardedConnection> queue, ConnectionRecord record) {
            super(connection, queue);
            this.hash = System.identityHashCode(connection);
            this.record = record;
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
            if (!(o instanceof Ref)) {
                return false;
            }
            GuardedConnection mine = get();
            return mine != null && mine == ((Ref) o).get();
        }
    }
}
