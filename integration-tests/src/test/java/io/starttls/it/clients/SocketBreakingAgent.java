package io.starttls.it.clients;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.Socket;
import java.security.ProtectionDomain;

/**
 * Another agent, listed before starttls-agent, that loads java.net.Socket in its premain and then
 * spoils every retransformation of it (its transformer, called first, returns bytes that are not
 * a class): starttls-agent's second way in cannot put its guard in place.
 */
public final class SocketBreakingAgent {
    private SocketBreakingAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        new Socket();
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                                    byte[] classfile) {
                return "java/net/Socket".equals(name) && redefined != null ? new byte[] {0} : null;
            }
        }, true);
    }
}
