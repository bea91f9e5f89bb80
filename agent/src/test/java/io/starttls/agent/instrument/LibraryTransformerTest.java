package io.starttls.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class LibraryTransformerTest {
    /** A stand-in for JavaMail's SocketFetcher: getSocket with two returns. */
    private static byte[] fakeSocketFetcher(String name) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "getSocket",
                "(Ljava/lang/String;ILjava/util/Properties;Ljava/lang/String;Z)Ljava/net/Socket;", null, null);
        mv.visitCode();
        org.objectweb.asm.Label other = new org.objectweb.asm.Label();
        mv.visitVarInsn(Opcodes.ILOAD, 4);
        mv.visitJumpInsn(Opcodes.IFEQ, other);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(other);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void everyReturnOfGetSocketSignalsTheHook() {
        byte[] out = new LibraryTransformer().transform(null, LibraryTransformer.JAVAMAIL_FETCHER, null, null,
                fakeSocketFetcher(LibraryTransformer.JAVAMAIL_FETCHER));
        List<String> calls = new ArrayList<>();
        new ClassReader(out).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String m, String desc, boolean itf) {
                        if (!owner.equals("java/lang/Integer")) { // the port, boxed for the signal
                            calls.add(owner + "." + m);
                        }
                    }
                };
            }
        }, 0);
        assertEquals(List.of("java/net/Socket.starttlsAgent$wrap", "java/net/Socket.starttlsAgent$wrap"), calls);
    }

    @Test
    void theRewrittenClassPassesTheVerifier() throws Exception {
        byte[] out = new LibraryTransformer().transform(null, LibraryTransformer.ANGUS_FETCHER, null, null,
                fakeSocketFetcher(LibraryTransformer.ANGUS_FETCHER));
        ClassLoader loader = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (!name.equals(LibraryTransformer.ANGUS_FETCHER.replace('/', '.'))) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, out, 0, out.length);
            }
        };
        // Initialising links the class, and linking runs the bytecode verifier over the new code.
        Class.forName(LibraryTransformer.ANGUS_FETCHER.replace('/', '.'), true, loader);
    }

    @Test
    void onTheSecondWayInALoadedLibraryIsRewrittenWhenRetransformedAndCallsTheBootHook() {
        byte[] original = fakeSocketFetcher(LibraryTransformer.JAVAMAIL_FETCHER);
        assertNull(new LibraryTransformer().transform(null, LibraryTransformer.JAVAMAIL_FETCHER, Object.class, null,
                original), "the first way's transformer leaves retransformations alone");
        byte[] out = new LibraryTransformer(HookCall.BOOT_HOOK, true).transform(null, LibraryTransformer.JAVAMAIL_FETCHER,
                Object.class, null, original);
        List<String> calls = new ArrayList<>();
        new ClassReader(out).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String m, String desc, boolean itf) {
                        if (!owner.equals("java/lang/Integer")) {
                            calls.add(owner + "." + m);
                        }
                    }
                };
            }
        }, 0);
        assertEquals(List.of("java/net/StarttlsAgentHook.wrap", "java/net/StarttlsAgentHook.wrap"), calls);
    }

    @Test
    void otherClassesAreLeftAlone() {
        assertNull(new LibraryTransformer().transform(null, "com/acme/SocketFetcher", null, null, new byte[0]));
    }

    /** Stand-ins for Commons Net's SocketClient (with its _socket_ field) and SMTPSClient.execTLS(). */
    private static byte[] fakeCommonsNet(String name) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        boolean base = name.equals(LibraryTransformer.COMMONS_NET_CLIENT);
        String parent = base ? "java/lang/Object" : LibraryTransformer.COMMONS_NET_CLIENT;
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, name, null, parent, null);
        if (base) {
            cw.visitField(Opcodes.ACC_PROTECTED, "_socket_", "Ljava/net/Socket;", null, null).visitEnd();
        }
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, parent, "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        if (!base) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "execTLS", "()Z", null, null);
            mv.visitCode();
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void execTlsAsksTheHookFirstAndStillPassesTheVerifier() throws Exception {
        byte[] client = fakeCommonsNet(LibraryTransformer.COMMONS_NET_SMTPS_CLIENT);
        byte[] out = new LibraryTransformer().transform(null, LibraryTransformer.COMMONS_NET_SMTPS_CLIENT, null, null,
                client);
        List<String> calls = new ArrayList<>();
        new ClassReader(out).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) {
                return !n.equals("execTLS") ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String m, String desc, boolean itf) {
                        if (!owner.equals("java/lang/Integer")) { // the port, boxed for the signal
                            calls.add(owner + "." + m);
                        }
                    }

                    @Override
                    public void visitFieldInsn(int op, String owner, String f, String desc) {
                        calls.add(owner + "." + f);
                    }
                };
            }
        }, 0);
        assertEquals(List.of(LibraryTransformer.COMMONS_NET_CLIENT + "._socket_", "java/net/Socket.starttlsAgent$wrap",
                "java/lang/Boolean.TRUE"), calls);
        byte[] base = fakeCommonsNet(LibraryTransformer.COMMONS_NET_CLIENT);
        ClassLoader loader = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = name.equals(LibraryTransformer.COMMONS_NET_CLIENT.replace('/', '.')) ? base
                        : name.equals(LibraryTransformer.COMMONS_NET_SMTPS_CLIENT.replace('/', '.')) ? out : null;
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        Class.forName(LibraryTransformer.COMMONS_NET_SMTPS_CLIENT.replace('/', '.'), true, loader);
    }

    /** The real SocketChannelImpl of each tested JDK: its connect is signalled, and it still checks. */
    @Test
    void everyTestedJdksSocketChannelSignalsItsConnect() throws Exception {
        for (String home : SocketPatcherTest.jdkHomes()) {
            byte[] original;
            try (java.nio.file.FileSystem jrt = java.nio.file.FileSystems.newFileSystem(java.net.URI.create("jrt:/"),
                    java.util.Map.of("java.home", home))) {
                original = java.nio.file.Files.readAllBytes(jrt.getPath("modules", "java.base",
                        LibraryTransformer.SOCKET_CHANNEL + ".class"));
            }
            byte[] out = new LibraryTransformer().transform(null, LibraryTransformer.SOCKET_CHANNEL, null, null,
                    original);
            List<String> calls = new ArrayList<>();
            new ClassReader(out).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) {
                    if (!n.equals("beginConnect")) {
                        return null;
                    }
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int op, String owner, String m, String desc, boolean itf) {
                            calls.add(owner + "." + m);
                        }
                    };
                }
            }, 0);
            assertEquals("java/net/Socket.starttlsAgent$wrap", calls.get(0), home);
            java.io.StringWriter problems = new java.io.StringWriter();
            org.objectweb.asm.util.CheckClassAdapter.verify(new ClassReader(out), false,
                    new java.io.PrintWriter(problems));
            assertEquals("", problems.toString(), home);
        }
    }
}
