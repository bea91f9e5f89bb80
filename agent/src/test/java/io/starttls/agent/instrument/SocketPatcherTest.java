package io.starttls.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

class SocketPatcherTest {
    /** java/net/Socket.class of another JDK's image, read through its jrt file system. */
    static byte[] socketOf(String javaHome) throws Exception {
        try (java.nio.file.FileSystem jrt = FileSystems.newFileSystem(URI.create("jrt:/"),
                Map.of("java.home", javaHome))) {
            return Files.readAllBytes(jrt.getPath("modules", "java.base", "java/net/Socket.class"));
        }
    }

    static List<String> jdkHomes() {
        List<String> homes = new ArrayList<>();
        homes.add(System.getProperty("java.home"));
        String jdk25 = System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64");
        if (new java.io.File(jdk25, "lib/jrt-fs.jar").isFile()) {
            homes.add(jdk25);
        }
        return homes;
    }

    @Test
    void theSocketOfEveryTestedJdkIsRewrittenIntoVerifiableCode() throws Exception {
        assertTrue(jdkHomes().size() == 2 || System.getenv("CI") == null,
                "CI has both JDKs (17 and 25); found " + jdkHomes());
        for (String home : jdkHomes()) {
            StringWriter problems = new StringWriter();
            byte[] patched = SocketPatcher.patch(socketOf(home));
            CheckClassAdapter.verify(new ClassReader(patched), false, new PrintWriter(problems));
            assertEquals("", problems.toString(), home);
            Map<String, String> after = methods(patched);
            assertTrue(after.containsKey(SocketPatcher.INSTALL_METHOD + SocketPatcher.INSTALL_DESC), home);
            assertTrue(after.containsKey(SocketPatcher.ORIGINAL_NAME_METHOD + SocketPatcher.ORIGINAL_NAME_DESC), home);
        }
    }

    /** A class file whose method named {@code name} gets another name, as a JDK without it would have. */
    private static byte[] withoutMethod(byte[] classfile, String name, String desc) {
        org.objectweb.asm.ClassWriter w = new org.objectweb.asm.ClassWriter(0);
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public MethodVisitor visitMethod(int access, String n, String d, String sig, String[] ex) {
                return super.visitMethod(access, n.equals(name) && d.equals(desc) ? n + "Gone" : n, d, sig, ex);
            }
        }, 0);
        return w.toByteArray();
    }

    @Test
    void shapesItDoesNotKnowAreRefusedInOneLine() throws Exception {
        byte[] socket = jdkSocket();
        String[][] missing = {
            {"getInputStream", "()Ljava/io/InputStream;"}, {"close", "()V"}, {"setSoTimeout", "(I)V"},
            {"sendUrgentData", "(I)V"},
        };
        for (String[] m : missing) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SocketPatcher.patch(withoutMethod(socket, m[0], m[1])));
            assertEquals("java.net.Socket has no method " + m[0] + m[1], e.getMessage());
        }
        byte[] newer = socket.clone();
        newer[6] = 0;
        newer[7] = (byte) (SocketPatcher.NEWEST_KNOWN_MAJOR + 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SocketPatcher.patch(newer));
        assertTrue(e.getMessage().startsWith("java.net.Socket has class-file version 70, newer than"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    static byte[] jdkSocket() throws Exception {
        try (InputStream in = Files.newInputStream(FileSystems.getFileSystem(URI.create("jrt:/"))
                .getPath("modules", "java.base", "java/net/Socket.class"))) {
            return in.readAllBytes();
        }
    }

    /** name+descriptor -> "access exceptions" of every method. */
    private static Map<String, String> methods(byte[] classfile) {
        Map<String, String> out = new HashMap<>();
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                out.put(name + desc, access + " " + Arrays.toString(ex));
                return null;
            }
        }, 0);
        return out;
    }

    @Test
    void theRewrittenSocketPassesTheBytecodeVerifier() throws Exception {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(SocketPatcher.patch(jdkSocket())), false, new PrintWriter(problems));
        assertEquals("", problems.toString());
    }

    @Test
    void theOriginalsAreRenamedAndPrivateAndTheWrappersLookExactlyLikeThem() throws Exception {
        Map<String, String> before = methods(jdkSocket());
        Map<String, String> after = methods(SocketPatcher.patch(jdkSocket()));
        for (String m : new String[] {"getInputStream()Ljava/io/InputStream;", "getOutputStream()Ljava/io/OutputStream;",
            "close()V", "sendUrgentData(I)V"}) {
            assertEquals(withoutSynchronized(before.get(m)), after.get(m),
                    m + ": same flags (but never synchronized) and throws clause as the JDK's");
            String renamed = after.get(SocketPatcher.RENAMED_PREFIX + m);
            int access = Integer.parseInt(renamed.split(" ")[0]);
            assertTrue((access & Opcodes.ACC_PRIVATE) != 0 && (access & Opcodes.ACC_PUBLIC) == 0, renamed);
        }
        for (String copy : new String[] {SocketPatcher.SET_TIMEOUT_COPY + "(I)V", SocketPatcher.GET_TIMEOUT_COPY + "()I"}) {
            int access = Integer.parseInt(after.get(copy).split(" ")[0]);
            assertEquals(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC, access, copy + ": never synchronized");
        }
        assertEquals(before.size() + 11, after.size(), "four renamed originals, two unsynchronised copies, wrap, "
                + "install, the two key-checked guard accessors and originalHostName are all that is new");
    }

    private static String withoutSynchronized(String flagsAndThrows) {
        String[] parts = flagsAndThrows.split(" ", 2);
        return (Integer.parseInt(parts[0]) & ~Opcodes.ACC_SYNCHRONIZED) + " " + parts[1];
    }

    @Test
    void theAgentsFieldsArePrivateOutOfReachOfPlainReflection() throws Exception {
        List<String> fields = new ArrayList<>();
        new ClassReader(SocketPatcher.patch(jdkSocket())).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String desc, String sig, Object value) {
                if (name.startsWith(SocketPatcher.RENAMED_PREFIX)) {
                    fields.add(name + " " + ((access & Opcodes.ACC_PRIVATE) != 0));
                }
                return null;
            }
        }, 0);
        assertEquals(List.of(SocketPatcher.HOOK_FIELD + " true", SocketPatcher.GUARD_FIELD + " true"), fields);
    }

    /** The raw bytes of every method's attributes (Code with its frames, Exceptions ...), in order. */
    private static List<byte[]> methodAttributes(byte[] classfile) {
        SocketPatcher.ClassFileReader r = new SocketPatcher.ClassFileReader(classfile);
        r.skip(8);
        r.skipConstantPool(r.u2());
        r.skip(6);
        r.skip(r.u2() * 2);
        int fields = r.u2();
        for (int i = 0; i < fields; i++) {
            r.skipMember();
        }
        List<byte[]> out = new ArrayList<>();
        int methods = r.u2();
        for (int i = 0; i < methods; i++) {
            r.skip(6);
            int attributes = r.u2();
            int start = r.position();
            for (int a = 0; a < attributes; a++) {
                r.skip(2);
                r.skip(r.u4());
            }
            out.add(r.slice(start, r.position()));
        }
        return out;
    }

    @Test
    void theJdksOwnCodeIsKeptByteForByte() throws Exception {
        List<byte[]> jdk = methodAttributes(jdkSocket());
        List<byte[]> patched = methodAttributes(SocketPatcher.patch(jdkSocket()));
        assertEquals(jdk.size() + 11, patched.size());
        for (int i = 0; i < jdk.size(); i++) {
            // Same constant pool indexes, same offsets, same stack map frames: nothing to recompute.
            assertArrayEquals(jdk.get(i), patched.get(i), "method " + i);
        }
    }

    @Test
    void aClassFileItCannotHandleIsRefusedWithAReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SocketPatcher.patch(Arrays.copyOf(new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe}, 40)));
        assertTrue(e.getMessage().contains("java.net.Socket"), e.getMessage());
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
                        if (m.equals(SocketPatcher.WRAP_METHOD)) {
                            wrapCalls.add(name);
                        }
                    }
                };
            }
        }, 0);
        assertTrue(members.contains(SocketPatcher.HOOK_FIELD + " Ljava/util/function/BiFunction;"), members::toString);
        assertTrue(members.contains(SocketPatcher.GUARD_FIELD + " Ljava/lang/Object;"));
        assertTrue(wrapCalls.contains("getInputStream"));
        assertTrue(wrapCalls.contains("getOutputStream"));
        assertTrue(wrapCalls.contains("close"));
        assertTrue(wrapCalls.contains("sendUrgentData"));
    }
}
