package io.starttls.it.clients;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * A stand-in for a defect in the agent's rewrite of java.net.Socket: listed before starttls-agent,
 * it registers a retransform-capable transformer, which the JVM runs after starttls-agent's own, so
 * it sees the rewritten class. It moves the branch target of the added {@code wrap} method by one
 * byte, into the middle of an instruction: code the verifier refuses and an unverified JVM runs.
 */
public final class BrokenPatchAgent {
    private BrokenPatchAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                                    byte[] classfile) {
                if (!"java/net/Socket".equals(name)) {
                    return null;
                }
                // wrap: getstatic hook; ifnull +14; getstatic hook ... (the last such run: the
                // agent's additions come after the JDK's own methods)
                for (int i = classfile.length - 7; i >= 0; i--) {
                    if ((classfile[i] & 0xff) == 0xc6 && classfile[i + 1] == 0 && classfile[i + 2] == 0x0e
                            && (classfile[i + 3] & 0xff) == 0xb2 && (classfile[i - 3] & 0xff) == 0xb2) {
                        byte[] broken = classfile.clone();
                        broken[i + 2] = 0x0d;
                        System.out.println("BROKE wrap");
                        return broken;
                    }
                }
                return null;
            }
        }, true);
    }
}
