package io.starttls.agent.guard;

/** Throws a checked exception through a method that declares none (a JDK method the hook runs in). */
final class Throwables {
    private Throwables() {
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
