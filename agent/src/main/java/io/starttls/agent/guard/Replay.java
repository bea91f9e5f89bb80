package io.starttls.agent.guard;

/** Bytes the application reads before anything more from the wire: the greeting the agent kept. */
final class Replay {
    private byte[] bytes = new byte[0];
    private int pos;

    synchronized void set(byte[] replay) {
        bytes = replay;
        pos = 0;
    }

    /** Copies what is left into {@code b}; 0 when nothing is. */
    synchronized int read(byte[] b, int off, int len) {
        int n = Math.min(len, bytes.length - pos);
        if (n <= 0) {
            return 0;
        }
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
    }

    synchronized int available() {
        return bytes.length - pos;
    }

    static byte[] concat(byte[] a, byte[] b) {
        if (b.length == 0) {
            return a;
        }
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
