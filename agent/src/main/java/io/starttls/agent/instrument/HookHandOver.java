package io.starttls.agent.instrument;

import java.util.function.BiFunction;

/**
 * Carries the hook into {@link BootHookClass}'s static initialiser as the initialising thread's
 * context class loader, the one object a boot class's initialiser can be handed privately. It
 * loads nothing itself: its parent is the boot loader, and it is the context loader only while
 * the hook class initialises.
 */
final class HookHandOver extends ClassLoader implements BiFunction<Object, Object, Object> {
    private final BiFunction<Object, Object, Object> hook;

    HookHandOver(BiFunction<Object, Object, Object> hook) {
        super(null);
        this.hook = hook;
    }

    @Override
    public Object apply(Object socket, Object value) {
        return hook.apply(socket, value);
    }

    /** Initialises {@code hookClass} with {@code hook} handed over. */
    static void initialise(Class<?> hookClass, BiFunction<Object, Object, Object> hook) throws ClassNotFoundException {
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        current.setContextClassLoader(new HookHandOver(hook));
        try {
            Class.forName(hookClass.getName(), true, hookClass.getClassLoader());
        } finally {
            current.setContextClassLoader(before);
        }
    }
}
