package io.starttls.agent.instrument;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * Defines {@link BootHookClass} in the boot loader's {@code java.net}, without appending a jar to
 * the boot class path (which would print a class-data-sharing warning on some JDKs and let every
 * class of that jar shadow the application's). On Java 9+ the agent's module is given an opening
 * of {@code java.net} (Instrumentation.redefineModule; the agent shares the class path's unnamed
 * module, so that code may now reflect on java.net too), and a lookup in Socket defines the class;
 * on Java 8 sun.misc.Unsafe does. The APIs are reached by reflection: the agent is compiled for 8.
 */
final class BootClassDefiner {
    private BootClassDefiner() {
    }

    /** The hook class, defined now, or the one an earlier copy of the agent defined. */
    static Class<?> hookClass(Instrumentation inst) throws ReflectiveOperationException {
        String name = BootHookClass.NAME.replace('/', '.');
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException notYet) {
            // defined below
        }
        byte[] bytes = BootHookClass.bytes();
        Method getModule;
        try {
            getModule = Class.class.getMethod("getModule");
        } catch (NoSuchMethodException java8) {
            return defineWithUnsafe(name, bytes);
        }
        Object javaBase = getModule.invoke(Socket.class);
        Object agent = getModule.invoke(BootClassDefiner.class);
        Class<?> module = Class.forName("java.lang.Module");
        Map<String, Set<Object>> opens = Collections.singletonMap("java.net", Collections.singleton(agent));
        Instrumentation.class.getMethod("redefineModule", module, Set.class, Map.class, Map.class, Set.class, Map.class)
                .invoke(inst, javaBase, Collections.emptySet(), Collections.emptyMap(), opens, Collections.emptySet(),
                        Collections.emptyMap());
        Object lookup = MethodHandles.class.getMethod("privateLookupIn", Class.class, MethodHandles.Lookup.class)
                .invoke(null, Socket.class, MethodHandles.lookup());
        return (Class<?>) MethodHandles.Lookup.class.getMethod("defineClass", byte[].class).invoke(lookup, bytes);
    }

    private static Class<?> defineWithUnsafe(String name, byte[] bytes) throws ReflectiveOperationException {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field the = unsafeClass.getDeclaredField("theUnsafe");
        the.setAccessible(true);
        Object unsafe = the.get(null);
        return (Class<?>) unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class).invoke(unsafe, name, bytes, 0, bytes.length, null, null);
    }
}
