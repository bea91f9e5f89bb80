package io.starttls.agent.tls;

import java.io.ByteArrayOutputStream;

/**
 * Reads the TLS version and cipher suite from the server's first TLS record when the application
 * runs TLS itself (app-managed): the agent never holds that TLS session, but the ServerHello
 * (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3) crosses the wire in clear.
 */
public final class ServerHelloParser {
    private static final int MAX_RECORD = 5 + 16 * 1024 + 256;
    private final ByteArrayOutputStream record = new ByteArrayOutputStream();
    private boolean done;
    private String version;
    private String cipherSuite;
    private boolean preSharedKey;

    /** Feeds bytes the server sent after the positive STARTTLS reply. */
    public void feed(byte[] b, int off, int len) {
        if (done) {
            return;
        }
        record.write(b, off, Math.min(len, MAX_RECORD - record.size()));
        byte[] r = record.toByteArray();
        if (r.length < 5) {
            return;
        }
        int recordLength = ((r[3] & 0xff) << 8) | (r[4] & 0xff);
        if (r[0] != 22 || record.size() >= MAX_RECORD) {
            done = true; // not a handshake record: nothing to learn
            return;
        }
        if (r.length < 5 + recordLength) {
            return;
        }
        done = true;
        parse(r, 5, 5 + recordLength);
    }

    private void parse(byte[] r, int p, int end) {
        if (p + 4 > end || r[p] != 2) {
            return; // not a ServerHello
        }
        p += 4;
        if (p + 2 + 32 + 1 > end) {
            return;
        }
        int legacyVersion = u16(r, p);
        p += 2 + 32;
        p += 1 + (r[p] & 0xff); // session id
        if (p + 3 > end) {
            return;
        }
        int suite = u16(r, p);
        p += 3; // suite, compression
        int selected = legacyVersion;
        if (p + 2 <= end) {
            int extEnd = Math.min(end, p + 2 + u16(r, p));
            p += 2;
            while (p + 4 <= extEnd) {
                int type = u16(r, p);
                int length = u16(r, p + 2);
                if (type == 43 && length == 2 && p + 6 <= extEnd) { // supported_versions
                    selected = u16(r, p + 4);
                }
                if (type == 41) { // pre_shared_key: the server accepted a ticket (TLS 1.3 resumption)
                    preSharedKey = true;
                }
                p += 4 + length;
            }
        }
        version = versionName(selected);
        cipherSuite = CipherSuiteNames.of(suite);
    }

    private static int u16(byte[] r, int p) {
        return ((r[p] & 0xff) << 8) | (r[p + 1] & 0xff);
    }

    static String versionName(int v) {
        switch (v) {
            case 0x0304:
                return "TLSv1.3";
            case 0x0303:
                return "TLSv1.2";
            case 0x0302:
                return "TLSv1.1";
            case 0x0301:
                return "TLSv1";
            default:
                return String.format("0x%04x", v);
        }
    }

    /** The negotiated version, or null when no ServerHello was seen. */
    public String version() {
        return version;
    }

    public String cipherSuite() {
        return cipherSuite;
    }

    /**
     * Whether the application's TLS 1.3 session was resumed (the ServerHello carries pre_shared_key);
     * null for older versions, where only the client's own session id would tell.
     */
    public Boolean resumed() {
        return "TLSv1.3".equals(version) ? Boolean.valueOf(preSharedKey) : null;
    }

    public TlsDetails details() {
        return version == null ? null : new TlsDetails(version, cipherSuite, null, null, null, null, resumed());
    }
}
