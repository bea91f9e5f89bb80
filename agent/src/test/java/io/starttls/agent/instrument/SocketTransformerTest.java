package io.starttls.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class SocketTransformerTest {
    private static byte[] jdkSocket() throws Exception {
        try (InputStream in = Files.newInputStream(FileSystems.getFileSystem(URI.create("jrt:/"))
                .getPath("modules", "java.base", "java/net/Socket.class"))) {
            return in.readAllBytes();
        }
    }

    @Test
    void theRunningJdksSocketGetsItsHookAndGuardSlot() throws Exception {
        byte[] rewritten = SocketPatcher.patch(jdkSocket());
        List<String> members = new ArrayList<>();
        List<String> wrapCalls = new ArrayList<>();
        new ClassReader(rewritten).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String desc, String sig, Object value) {
                members.add(name + " " + desc);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                members.add(name + desc);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String m, String d, boolean itf) {
                        if (m.equals(SocketTransformer.WRAP_METHOD)) {
                            wrapCalls.add(name);
                        }
                    }
                };
            }
        }, 0);
        assertTrue(members.contains(SocketTransformer.HOOK_FIELD + " Ljava/util/function/BiFunction;"), members::toString);
        assertTrue(members.contains(SocketTransformer.GUARD_FIELD + " Ljava/lang/Object;"));
        assertTrue(wrapCalls.contains("getInputStream"));
        assertTrue(wrapCalls.contains("getOutputStream"));
        assertTrue(wrapCalls.contains("close"));
    }

    @Test
    void otherClassesAndOtherLoadersAreLeftAlone() throws Exception {
        SocketTransformer t = new SocketTransformer();
        assertNull(t.transform(null, "java/net/ServerSocket", null, null, new byte[0]));
        assertNull(t.transform(getClass().getClassLoader(), "java/net/Socket", null, null, jdkSocket()));
        assertEquals(false, t.transformed());
    }
}
