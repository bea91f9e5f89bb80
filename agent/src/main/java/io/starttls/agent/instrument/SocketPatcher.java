package io.starttls.agent.instrument;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the class file of {@code java.net.Socket} by renaming and wrapping, without a bytecode
 * library: the JVM pays for this at every start-up, and loading and running ASM for it cost about
 * twenty milliseconds, most of the agent's own start-up.
 *
 * <p>The class file is copied as it is, except that
 * <ul>
 *   <li>{@code getInputStream()}, {@code getOutputStream()}, {@code close()} and
 *       {@code sendUrgentData(int)} are renamed ({@code starttlsAgent$getInputStream} ...) and made
 *       private ({@code close} also loses {@code synchronized});</li>
 *   <li>new methods with the original names and flags (never {@code synchronized}) call them and
 *       route the stream, the close, or the urgent byte through {@code starttlsAgent$wrap};</li>
 *   <li>private fields for the hook and for a socket's guard are added, with the only ways in:
 *       {@code starttlsAgent$install} (sets the hook once), {@code starttlsAgent$guard} and
 *       {@code starttlsAgent$setGuard} (for the holder of the hook object only);</li>
 *   <li>unsynchronised copies of {@code setSoTimeout} and {@code getSoTimeout}, and
 *       {@code starttlsAgent$originalHostName}, which reads the name an InetAddress was made from;</li>
 *   <li>the constant pool gets the entries these need, appended after the JDK's own.</li>
 * </ul>
 * No existing instruction moves, so every offset, exception table and stack map frame of the JDK's
 * code stays valid. The wrappers are straight-line code (no frames needed); the added methods with
 * a branch have one same_frame each, written by hand. Nothing is loaded while {@code Socket} loads.
 * A class file it does not know (a method missing, a newer class-file version) is refused.
 */
final class SocketPatcher {
    static final String HOOK_FIELD = "starttlsAgent$hook";
    static final String GUARD_FIELD = "starttlsAgent$guard";
    static final String WRAP_METHOD = "starttlsAgent$wrap";
    static final String WRAP_DESC = "(Ljava/net/Socket;Ljava/lang/Object;)Ljava/lang/Object;";
    /** Sets the hook once: the first caller (the agent, in premain) wins; later calls change nothing. */
    static final String INSTALL_METHOD = "starttlsAgent$install";
    static final String INSTALL_DESC = "(Ljava/util/function/BiFunction;)V";
    /** The guard of a socket, for the holder of the hook object only (the key). */
    static final String GET_GUARD_METHOD = "starttlsAgent$guard";
    static final String GET_GUARD_DESC = "(Ljava/net/Socket;Ljava/lang/Object;)Ljava/lang/Object;";
    static final String SET_GUARD_METHOD = "starttlsAgent$setGuard";
    static final String SET_GUARD_DESC = "(Ljava/net/Socket;Ljava/lang/Object;Ljava/lang/Object;)V";
    /** The name an InetAddress was made from (null for an address literal), never a reverse-DNS name. */
    static final String ORIGINAL_NAME_METHOD = "starttlsAgent$originalHostName";
    static final String ORIGINAL_NAME_DESC = "(Ljava/net/InetAddress;)Ljava/lang/String;";
    static final String RENAMED_PREFIX = "starttlsAgent$";
    /** Unsynchronised copies of setSoTimeout/getSoTimeout, for the agent's own use (see below). */
    static final String SET_TIMEOUT_COPY = "starttlsAgent$setSoTimeoutUnlocked";
    static final String GET_TIMEOUT_COPY = "starttlsAgent$getSoTimeoutUnlocked";
    /** What {@code sendUrgentData} hands to the hook before the byte goes out. */
    static final String URGENT_SIGNAL = "starttlsAgent$sendUrgentData";

    /** Java 25. */
    static final int NEWEST_KNOWN_MAJOR = 69;

    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_PRIVATE = 0x0002;
    private static final int ACC_PROTECTED = 0x0004;
    private static final int ACC_STATIC = 0x0008;
    private static final int ACC_SYNCHRONIZED = 0x0020;
    private static final int ACC_VOLATILE = 0x0040;
    private static final int ACC_TRANSIENT = 0x0080;
    private static final int ACC_SYNTHETIC = 0x1000;

    private static final int UTF8 = 1;
    private static final int STRING = 8;
    private static final int CLASS = 7;
    private static final int FIELDREF = 9;
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;
    private static final int NAME_AND_TYPE = 12;

    /** One wrapped method: its name and descriptor, and the type its result is cast back to. */
    private static final class Target {
        final String name;
        final String descriptor;
        final String castTo; // null for close() and sendUrgentData(): nothing is returned
        int access = -1;
        int nameIndex;
        int descriptorIndex;
        byte[] exceptions; // the original's Exceptions attribute, copied to the wrapper
        int renamed;
        int call;
        int cast;

        Target(String name, String descriptor, String castTo) {
            this.name = name;
            this.descriptor = descriptor;
            this.castTo = castTo;
        }
    }

    private final ClassFileReader in;
    private final ClassFileWriter pool = new ClassFileWriter(512);
    private int poolCount;
    private final List<Target> targets = new ArrayList<Target>();
    private final List<Copy> copies = new ArrayList<Copy>();

    /**
     * A JDK method added a second time under another name, without {@code synchronized}. On JDK 8
     * to 17 {@code setSoTimeout} and {@code getSoTimeout} hold the socket's monitor; an application
     * thread that writes inside {@code synchronized (socket)} while another thread's read runs the
     * negotiation would deadlock with the agent's deadline handling. The copies take only the
     * implementation's own locks.
     */
    private static final class Copy {
        final String name;
        final String descriptor;
        final String copyName;
        byte[] method; // the original method_info, as read

        Copy(String name, String descriptor, String copyName) {
            this.name = name;
            this.descriptor = descriptor;
            this.copyName = copyName;
        }
    }

    private SocketPatcher(byte[] classfile) {
        this.in = new ClassFileReader(classfile);
        targets.add(new Target("getInputStream", "()Ljava/io/InputStream;", "java/io/InputStream"));
        targets.add(new Target("getOutputStream", "()Ljava/io/OutputStream;", "java/io/OutputStream"));
        targets.add(new Target("close", "()V", null));
        targets.add(new Target("sendUrgentData", "(I)V", null));
        copies.add(new Copy("setSoTimeout", "(I)V", SET_TIMEOUT_COPY));
        copies.add(new Copy("getSoTimeout", "()I", GET_TIMEOUT_COPY));
    }

    /**
     * @throws IllegalStateException when the class file is not what this patcher knows how to
     *     rewrite (a method to wrap is missing), so that the installer can say so
     */
    static byte[] patch(byte[] classfile) {
        try {
            return new SocketPatcher(classfile).run();
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalStateException("the class file of java.net.Socket ends early or is malformed", e);
        }
    }

    private byte[] run() {
        ClassFileWriter o = new ClassFileWriter(in.length() + 1024);
        int magic = in.u4();
        if (magic != 0xCAFEBABE) {
            throw new IllegalStateException("the class file of java.net.Socket is not a class file");
        }
        o.writeInt(magic);
        o.writeShort(in.u2()); // minor
        int major = in.u2();
        if (major > NEWEST_KNOWN_MAJOR) {
            // A newer class-file version may hold constant pool tags or attributes this patcher
            // does not know: refuse, so that the installer says so, rather than guess.
            throw new IllegalStateException("java.net.Socket has class-file version " + major
                    + ", newer than the newest this patcher knows (" + NEWEST_KNOWN_MAJOR + ", Java 25)");
        }
        o.writeShort(major);
        int count = in.u2();
        poolCount = count;
        int poolStart = in.position();
        String[] utf8 = in.skipConstantPool(count);
        byte[] jdkPool = in.slice(poolStart, in.position());

        int accessFlags = in.u2();
        int thisClass = in.u2();
        int superClass = in.u2();
        int interfaces = in.u2();
        byte[] interfaceTable = in.bytes(interfaces * 2);

        int fields = in.u2();
        int fieldsStart = in.position();
        for (int i = 0; i < fields; i++) {
            in.skipMember();
        }
        byte[] jdkFields = in.slice(fieldsStart, in.position());

        // Methods: copied, except that the targets get a new name and private access.
        int methods = in.u2();
        ClassFileWriter m = new ClassFileWriter(in.length());
        int codeName = utf8("Code");
        for (int i = 0; i < methods; i++) {
            int memberStart = in.position();
            int access = in.u2();
            int name = in.u2();
            int descriptor = in.u2();
            Target target = find(utf8[name], utf8[descriptor]);
            Copy copy = findCopy(utf8[name], utf8[descriptor]);
            if (target != null) {
                target.access = access;
                target.nameIndex = name;
                target.descriptorIndex = descriptor;
                target.renamed = utf8(RENAMED_PREFIX + target.name);
                access = (access & ~(ACC_PUBLIC | ACC_PROTECTED)) | ACC_PRIVATE | ACC_SYNTHETIC;
                if (target.name.equals("close")) {
                    // JDK 8-17 declare close() synchronized (JDK 25 does not; its body takes its own
                    // closeLock). Kept, the monitor would make another thread's close() wait for a
                    // negotiation that runs inside the application's synchronized (socket).
                    access &= ~ACC_SYNCHRONIZED;
                }
                name = target.renamed;
            }
            m.writeShort(access);
            m.writeShort(name);
            m.writeShort(descriptor);
            int attributes = in.u2();
            m.writeShort(attributes);
            for (int a = 0; a < attributes; a++) {
                int start = in.position();
                int attributeName = in.u2();
                int length = in.u4();
                in.skip(length);
                byte[] attribute = in.slice(start, in.position());
                m.write(attribute);
                if (target != null && "Exceptions".equals(utf8[attributeName])) {
                    target.exceptions = attribute;
                }
            }
            if (copy != null) {
                copy.method = in.slice(memberStart, in.position());
            }
        }
        byte[] classAttributes = in.slice(in.position(), in.length());
        for (Target t : targets) {
            if (t.access < 0) {
                throw new IllegalStateException("java.net.Socket has no method " + t.name + t.descriptor);
            }
        }
        for (Copy c : copies) {
            if (c.method == null) {
                throw new IllegalStateException("java.net.Socket has no method " + c.name + c.descriptor);
            }
        }

        // The constant pool entries of the additions.
        int socketClass = thisClass;
        int bifunction = classEntry("java/util/function/BiFunction");
        int hookDesc = utf8("Ljava/util/function/BiFunction;");
        int hookName = utf8(HOOK_FIELD);
        int hookRef = ref(FIELDREF, socketClass, hookName, hookDesc);
        int guardName = utf8(GUARD_FIELD);
        int guardDesc = utf8("Ljava/lang/Object;");
        int wrapName = utf8(WRAP_METHOD);
        int wrapDesc = utf8(WRAP_DESC);
        int wrapRef = ref(METHODREF, socketClass, wrapName, wrapDesc);
        int guardRef = ref(FIELDREF, socketClass, guardName, guardDesc);
        int installName = utf8(INSTALL_METHOD);
        int installDesc = utf8(INSTALL_DESC);
        int getGuardName = utf8(GET_GUARD_METHOD);
        int getGuardDesc = utf8(GET_GUARD_DESC);
        int setGuardName = utf8(SET_GUARD_METHOD);
        int setGuardDesc = utf8(SET_GUARD_DESC);
        int originalName = utf8(ORIGINAL_NAME_METHOD);
        int originalDesc = utf8(ORIGINAL_NAME_DESC);
        int holder = ref(METHODREF, classEntry("java/net/InetAddress"), utf8("holder"),
                utf8("()Ljava/net/InetAddress$InetAddressHolder;"));
        int getOriginal = ref(METHODREF, classEntry("java/net/InetAddress$InetAddressHolder"),
                utf8("getOriginalHostName"), utf8("()Ljava/lang/String;"));
        int apply = ref(INTERFACE_METHODREF, bifunction, utf8("apply"),
                utf8("(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;"));
        int stackMapTable = utf8("StackMapTable");
        int urgentSignal = string(URGENT_SIGNAL);
        for (Target t : targets) {
            t.call = ref(METHODREF, socketClass, t.renamed, t.descriptorIndex);
            t.cast = t.castTo == null ? 0 : classEntry(t.castTo);
        }
        int[] copyNames = new int[copies.size()];
        for (int i = 0; i < copies.size(); i++) {
            copyNames[i] = utf8(copies.get(i).copyName);
        }
        if (poolCount > 0xffff) {
            throw new IllegalStateException("the constant pool of java.net.Socket would grow too large");
        }

        o.writeShort(poolCount);
        o.write(jdkPool);
        o.write(pool.toByteArray());
        o.writeShort(accessFlags);
        o.writeShort(thisClass);
        o.writeShort(superClass);
        o.writeShort(interfaces);
        o.write(interfaceTable);

        o.writeShort(fields + 2);
        o.write(jdkFields);
        // Private: plain reflection (getField, or getDeclaredField without an --add-opens) cannot
        // reach them, so application code cannot switch the guard off. The agent opens java.net to
        // itself alone (SocketGuardInstaller).
        member(o, ACC_PRIVATE | ACC_SYNTHETIC | ACC_STATIC | ACC_VOLATILE, hookName, hookDesc);
        o.writeShort(0);
        member(o, ACC_PRIVATE | ACC_SYNTHETIC | ACC_TRANSIENT | ACC_VOLATILE, guardName, guardDesc);
        o.writeShort(0);

        o.writeShort(methods + targets.size() + copies.size() + 5);
        o.write(m.toByteArray());
        for (Target t : targets) {
            // Never synchronized (JDK 8-17 declare close() so): the guard must hear of a close
            // before the socket's monitor is taken, or a close would wait on a negotiation that
            // waits on the monitor. The renamed original keeps its own flags.
            member(o, t.access & ~ACC_SYNCHRONIZED, t.nameIndex, t.descriptorIndex);
            o.writeShort(t.exceptions == null ? 1 : 2);
            code(o, codeName, 2, 2, wrapper(t, wrapRef, urgentSignal), 0, 0);
            if (t.exceptions != null) {
                o.write(t.exceptions);
            }
        }
        for (int i = 0; i < copies.size(); i++) {
            byte[] copy = copies.get(i).method.clone();
            int access = ((copy[0] & 0xff) << 8) | (copy[1] & 0xff);
            // Public (the agent calls them without opening java.net), and harmless: the same as
            // the JDK's own setSoTimeout/getSoTimeout, minus the socket's monitor.
            access = (access & ~(ACC_PRIVATE | ACC_PROTECTED | ACC_SYNCHRONIZED)) | ACC_PUBLIC | ACC_SYNTHETIC;
            copy[0] = hi(access);
            copy[1] = lo(access);
            copy[2] = hi(copyNames[i]);
            copy[3] = lo(copyNames[i]);
            o.write(copy);
        }
        // Public: the library advice (JavaMail, Commons Net) reaches the hook through it, from any
        // class loader, without the agent's classes having to be visible there.
        member(o, ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, wrapName, wrapDesc);
        o.writeShort(1);
        code(o, codeName, 3, 2, wrapBody(hookRef, apply), stackMapTable, 17);
        // The agent's ways in, none of which gives the hook away or lets anyone but its holder
        // reach a guard: plain reflection sees only these public methods, and they are harmless.
        member(o, ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, installName, installDesc);
        o.writeShort(1);
        code(o, codeName, 1, 1, new byte[] {
            (byte) 0xb2, hi(hookRef), lo(hookRef), // 0: getstatic hook
            (byte) 0xc7, 0x00, 0x07, // 3: ifnonnull 10
            0x2a, // 6: aload_0
            (byte) 0xb3, hi(hookRef), lo(hookRef), // 7: putstatic hook
            (byte) 0xb1, // 10: return
        }, stackMapTable, 10);
        member(o, ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, getGuardName, getGuardDesc);
        o.writeShort(1);
        code(o, codeName, 2, 2, new byte[] {
            0x2b, // 0: aload_1 (the key)
            (byte) 0xb2, hi(hookRef), lo(hookRef), // 1: getstatic hook
            (byte) 0xa6, 0x00, 0x08, // 4: if_acmpne 12
            0x2a, // 7: aload_0
            (byte) 0xb4, hi(guardRef), lo(guardRef), // 8: getfield guard
            (byte) 0xb0, // 11: areturn
            0x01, (byte) 0xb0, // 12: aconst_null, areturn
        }, stackMapTable, 12);
        member(o, ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, setGuardName, setGuardDesc);
        o.writeShort(1);
        code(o, codeName, 2, 3, new byte[] {
            0x2b, // 0: aload_1 (the key)
            (byte) 0xb2, hi(hookRef), lo(hookRef), // 1: getstatic hook
            (byte) 0xa6, 0x00, 0x09, // 4: if_acmpne 13
            0x2a, 0x2c, // 7: aload_0, aload_2
            (byte) 0xb5, hi(guardRef), lo(guardRef), // 9: putfield guard
            (byte) 0xb1, // 12: return
            (byte) 0xb1, // 13: return
        }, stackMapTable, 13);
        member(o, ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, originalName, originalDesc);
        o.writeShort(1);
        code(o, codeName, 1, 1, new byte[] {
            0x2a, // aload_0
            (byte) 0xb6, hi(holder), lo(holder), // invokevirtual InetAddress.holder()
            (byte) 0xb6, hi(getOriginal), lo(getOriginal), // invokevirtual getOriginalHostName()
            (byte) 0xb0, // areturn
        }, 0, 0);
        o.write(classAttributes);
        return o.toByteArray();
    }

    private Copy findCopy(String name, String descriptor) {
        for (Copy c : copies) {
            if (c.name.equals(name) && c.descriptor.equals(descriptor)) {
                return c;
            }
        }
        return null;
    }

    private Target find(String name, String descriptor) {
        for (Target t : targets) {
            if (t.name.equals(name) && t.descriptor.equals(descriptor)) {
                return t;
            }
        }
        return null;
    }

    /**
     * {@code return (InputStream) wrap(this, this.starttlsAgent$getInputStream());}, the same for
     * the output stream, and for close {@code wrap(this, null); this.starttlsAgent$close();}: the
     * guard hears of the close first, so that it can end its TLS session cleanly.
     */
    private static byte[] wrapper(Target t, int wrapRef, int urgentSignal) {
        if (t.descriptor.equals("(I)V")) {
            // sendUrgentData: the guard may refuse the byte (it would cross in clear beside TLS).
            return new byte[] {
                0x2a, 0x13, hi(urgentSignal), lo(urgentSignal), // aload_0, ldc_w "starttlsAgent$sendUrgentData"
                (byte) 0xb8, hi(wrapRef), lo(wrapRef), // invokestatic wrap (throws when refused)
                0x57, // pop
                0x2a, 0x1b, (byte) 0xb7, hi(t.call), lo(t.call), // aload_0, iload_1, invokespecial renamed
                (byte) 0xb1, // return
            };
        }
        if (t.castTo == null) {
            return new byte[] {
                0x2a, 0x01, // aload_0, aconst_null
                (byte) 0xb8, hi(wrapRef), lo(wrapRef), // invokestatic wrap
                0x57, // pop
                0x2a, (byte) 0xb7, hi(t.call), lo(t.call), // aload_0, invokespecial renamed close
                (byte) 0xb1, // return
            };
        }
        return new byte[] {
            0x2a, 0x2a, // aload_0, aload_0
            (byte) 0xb7, hi(t.call), lo(t.call), // invokespecial the renamed original
            (byte) 0xb8, hi(wrapRef), lo(wrapRef), // invokestatic wrap
            (byte) 0xc0, hi(t.cast), lo(t.cast), // checkcast
            (byte) 0xb0, // areturn
        };
    }

    /** {@code static Object wrap(Socket s, Object v) { return HOOK == null ? v : HOOK.apply(s, v); }} */
    private static byte[] wrapBody(int hookRef, int apply) {
        return new byte[] {
            (byte) 0xb2, hi(hookRef), lo(hookRef), // 0: getstatic hook
            (byte) 0xc6, 0x00, 0x0e, // 3: ifnull 17
            (byte) 0xb2, hi(hookRef), lo(hookRef), // 6: getstatic hook (set once at start-up, never cleared)
            0x2a, 0x2b, // 9: aload_0, aload_1
            (byte) 0xb9, hi(apply), lo(apply), 0x03, 0x00, // 11: invokeinterface apply
            (byte) 0xb0, // 16: areturn
            0x2b, (byte) 0xb0, // 17: aload_1, areturn
        };
    }

    /**
     * A Code attribute; with a {@code stackMapTable} name index (not 0), one same_frame at
     * {@code frameOffset}: the one branch target of each added method with a branch, where locals
     * and stack are as on entry.
     */
    private static void code(ClassFileWriter o, int codeName, int maxStack, int maxLocals, byte[] code,
                             int stackMapTable, int frameOffset) {
        int frames = stackMapTable == 0 ? 0 : 2 + 4 + 2 + 1; // name, length, count, one same_frame
        o.writeShort(codeName);
        o.writeInt(2 + 2 + 4 + code.length + 2 + 2 + frames);
        o.writeShort(maxStack);
        o.writeShort(maxLocals);
        o.writeInt(code.length);
        o.write(code);
        o.writeShort(0); // exception table
        if (stackMapTable == 0) {
            o.writeShort(0);
            return;
        }
        o.writeShort(1);
        o.writeShort(stackMapTable);
        o.writeInt(3);
        o.writeShort(1);
        o.writeByte(frameOffset); // same_frame (0-63): locals and stack as on entry
    }

    private static void member(ClassFileWriter o, int access, int name, int descriptor) {
        o.writeShort(access);
        o.writeShort(name);
        o.writeShort(descriptor);
    }

    private int utf8(String ascii) {
        pool.writeByte(UTF8);
        pool.writeShort(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            pool.writeByte(ascii.charAt(i));
        }
        return poolCount++;
    }

    private int string(String ascii) {
        int value = utf8(ascii);
        pool.writeByte(STRING);
        pool.writeShort(value);
        return poolCount++;
    }

    private int classEntry(String internalName) {
        int name = utf8(internalName);
        pool.writeByte(CLASS);
        pool.writeShort(name);
        return poolCount++;
    }

    private int ref(int tag, int owner, int name, int descriptor) {
        pool.writeByte(NAME_AND_TYPE);
        pool.writeShort(name);
        pool.writeShort(descriptor);
        int nameAndType = poolCount++;
        pool.writeByte(tag);
        pool.writeShort(owner);
        pool.writeShort(nameAndType);
        return poolCount++;
    }

    private static byte hi(int index) {
        return (byte) (index >>> 8);
    }

    private static byte lo(int index) {
        return (byte) index;
    }

    /** Reads a class file's structure; keeps Utf8 constants as strings, for finding names. */
    static final class ClassFileReader {
        private final byte[] b;
        private int p;

        ClassFileReader(byte[] b) {
            this.b = b;
        }

        int u2() {
            int v = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
            p += 2;
            return v;
        }

        int u4() {
            int v = ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            p += 4;
            return v;
        }

        void skip(int n) {
            if (n < 0 || p + n > b.length) {
                throw new ArrayIndexOutOfBoundsException(p + n);
            }
            p += n;
        }

        byte[] bytes(int n) {
            byte[] out = slice(p, p + n);
            p += n;
            return out;
        }

        byte[] slice(int from, int to) {
            byte[] out = new byte[to - from];
            System.arraycopy(b, from, out, 0, out.length);
            return out;
        }

        int position() {
            return p;
        }

        int length() {
            return b.length;
        }

        /** Skips the constant pool (JVMS 4.4); returns the Utf8 entries by index (others null). */
        String[] skipConstantPool(int count) {
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = b[p++] & 0xff;
                switch (tag) {
                    case UTF8:
                        int length = u2();
                        utf8[i] = ascii(p, length);
                        skip(length);
                        break;
                    case 5: // Long
                    case 6: // Double: two slots
                        skip(8);
                        i++;
                        break;
                    case 3: // Integer
                    case 4: // Float
                    case FIELDREF:
                    case METHODREF:
                    case INTERFACE_METHODREF:
                    case NAME_AND_TYPE:
                    case 17: // Dynamic
                    case 18: // InvokeDynamic
                        skip(4);
                        break;
                    case 15: // MethodHandle
                        skip(3);
                        break;
                    case CLASS:
                    case 8: // String
                    case 16: // MethodType
                    case 19: // Module
                    case 20: // Package
                        skip(2);
                        break;
                    default:
                        throw new IllegalStateException("unknown constant pool tag " + tag + " in java.net.Socket");
                }
            }
            return utf8;
        }

        /**
         * The names compared here are ASCII, where modified UTF-8 is ASCII too; a constant with
         * other characters can never equal them, so it is kept as null. (No charset classes are
         * loaded for this: the JVM pays for this class at every start-up.)
         */
        private String ascii(int from, int length) {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++) {
                byte c = b[from + i];
                if (c <= 0) {
                    return null;
                }
                chars[i] = (char) c;
            }
            return new String(chars);
        }

        /** Skips a field_info or method_info. */
        void skipMember() {
            skip(6);
            int attributes = u2();
            for (int a = 0; a < attributes; a++) {
                skip(2);
                skip(u4());
            }
        }
    }

    /** A growing big-endian byte buffer (DataOutputStream would load VarHandle classes on new JDKs). */
    static final class ClassFileWriter {
        private byte[] b;
        private int size;

        ClassFileWriter(int capacity) {
            b = new byte[Math.max(capacity, 16)];
        }

        private void room(int n) {
            if (size + n > b.length) {
                byte[] bigger = new byte[Math.max(b.length * 2, size + n)];
                System.arraycopy(b, 0, bigger, 0, size);
                b = bigger;
            }
        }

        void writeByte(int v) {
            room(1);
            b[size++] = (byte) v;
        }

        void writeShort(int v) {
            room(2);
            b[size++] = (byte) (v >>> 8);
            b[size++] = (byte) v;
        }

        void writeInt(int v) {
            writeShort(v >>> 16);
            writeShort(v);
        }

        void write(byte[] bytes) {
            room(bytes.length);
            System.arraycopy(bytes, 0, b, size, bytes.length);
            size += bytes.length;
        }

        byte[] toByteArray() {
            byte[] out = new byte[size];
            System.arraycopy(b, 0, out, 0, size);
            return out;
        }
    }
}
