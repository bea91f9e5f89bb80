package io.starttls.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/** The second way in, on this JDK's own java.net.Socket and on the hook class it calls. */
class SocketRetransformerTest {
    private static byte[] jdkSocket() throws Exception {
        try (InputStream in = Object.class.getResourceAsStream("/java/net/Socket.class")) {
            return in.readAllBytes();
        }
    }

    /** Per method: how many calls to the hook's wrap, and how many returns. */
    private static Map<String, int[]> hookCalls(byte[] classfile) {
        Map<String, int[]> out = new LinkedHashMap<>();
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                int[] counts = new int[2];
                out.put(name + desc, counts);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String m, String d, boolean itf) {
                        if (owner.equals(BootHookClass.NAME) && m.equals(BootHookClass.WRAP)) {
                            counts[0]++;
                        }
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                            counts[1]++;
                        }
                    }
                };
            }
        }, 0);
        return out;
    }

    @Test
    void theFourGuardedMethodsCallTheHookAndNothingElseChanges() throws Exception {
        byte[] original = jdkSocket();
        Map<String, int[]> before = hookCalls(original);
        Map<String, int[]> after = hookCalls(SocketRetransformer.rewrite(original));

        assertEquals(before.keySet(), after.keySet(), "no method added or removed");
        for (String m : after.keySet()) {
            int calls = after.get(m)[0];
            switch (m) {
                case "getInputStream()Ljava/io/InputStream;":
                case "getOutputStream()Ljava/io/OutputStream;":
                    assertEquals(after.get(m)[1], calls, m + ": each return goes through the hook");
                    assertTrue(calls >= 1, m);
                    break;
                case "close()V":
                case "sendUrgentData(I)V":
                    assertEquals(1, calls, m + ": the hook hears first");
                    break;
                default:
                    assertEquals(0, calls, m + " is left as it was");
            }
        }
    }

    @Test
    void theRewrittenSocketAndTheHookClassPassTheVerifier() throws Exception {
        for (byte[] classfile : new byte[][] {SocketRetransformer.rewrite(jdkSocket()), BootHookClass.bytes()}) {
            StringWriter problems = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(classfile), getClass().getClassLoader(), false,
                    new PrintWriter(problems));
            assertEquals("", problems.toString());
        }
    }

    @Test
    void aSocketClassWithoutTheGuardedMethodsIsRefused() {
        org.objectweb.asm.ClassWriter cw = new org.objectweb.asm.ClassWriter(0);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "java/net/Socket", null, "java/lang/Object", null);
        cw.visitEnd();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SocketRetransformer.rewrite(cw.toByteArray()));
        assertTrue(e.getMessage().contains("0 found"), e.getMessage());
        assertEquals(null, new SocketRetransformer().transform(null, "java/net/Socket", null, null, cw.toByteArray()));
    }
}
