package io.starttls.agent.tls;

/**
 * Follows one direction of a TLS connection record by record (RFC 8446 §5.1, RFC 5246 §6.2): the
 * five-byte headers are checked and the payloads skipped. Anything that is not a record header
 * where one belongs is not TLS: plain text. It counts application-data records, which in TLS 1.3
 * also carry the encrypted handshake.
 *
 * <p>For the client's direction it is strict about the records that go out before any key is
 * agreed, so that clear text cannot pass behind a record header: the first record must hold a
 * ClientHello, a change_cipher_spec record is one byte, a plaintext alert two, and heartbeat
 * records are refused. Of a payload it reads no more than the ClientHello's first byte.
 */
public final class TlsRecordFraming {
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int ALERT = 21;
    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;
    private static final int CLIENT_HELLO = 1;
    private static final int HEARTBEAT = 24;
    private static final int MAX_PAYLOAD = 16384 + 2048;

    private final boolean client;
    private final byte[] header = new byte[5];
    private int records;
    private boolean expectClientHello;
    private int headerBytes;
    private int payloadLeft;
    private int applicationDataRecords;
    private boolean broken;

    /** @param client true for the client's direction: strict about the first records, as above */
    public TlsRecordFraming(boolean client) {
        this.client = client;
    }

    /**
     * Reads {@code len} bytes of this direction.
     *
     * @return the offset (from {@code off}) of the first byte that is not TLS, or -1 when all are
     */
    public int feed(byte[] b, int off, int len) {
        if (broken) {
            return 0;
        }
        int i = off;
        int end = off + len;
        while (i < end) {
            if (payloadLeft > 0) {
                if (expectClientHello) {
                    expectClientHello = false;
                    if ((b[i] & 0xff) != CLIENT_HELLO) {
                        broken = true;
                        return i - off;
                    }
                }
                int n = Math.min(payloadLeft, end - i);
                payloadLeft -= n;
                i += n;
                continue;
            }
            header[headerBytes++] = b[i];
            if (!plausible(headerBytes) || (client && headerBytes == 5 && !plausibleFromTheClient())) {
                broken = true;
                return i - off;
            }
            i++;
            if (headerBytes == 5) {
                headerBytes = 0;
                payloadLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                if ((header[0] & 0xff) == APPLICATION_DATA) {
                    applicationDataRecords++;
                }
                expectClientHello = client && records == 0;
                records++;
            }
        }
        return -1;
    }

    /** Checks the header byte just added (content type, version 3.x, length). */
    private boolean plausible(int n) {
        switch (n) {
            case 1:
                int type = header[0] & 0xff;
                return type >= CHANGE_CIPHER_SPEC && type <= HEARTBEAT;
            case 2:
                return header[1] == 3;
            case 3:
                return (header[2] & 0xff) <= 4;
            case 5:
                int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                return length > 0 && length <= MAX_PAYLOAD;
            default:
                return true;
        }
    }

    private boolean plausibleFromTheClient() {
        int type = header[0] & 0xff;
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (records == 0) {
            return type == HANDSHAKE;
        }
        switch (type) {
            case CHANGE_CIPHER_SPEC:
                return length == 1;
            case ALERT:
                return length == 2;
            case HANDSHAKE:
            case APPLICATION_DATA:
                return true;
            default:
                return false; // heartbeat: no client of a mail server sends it
        }
    }

    /** Application-data records whose header was seen so far. */
    public int applicationDataRecords() {
        return applicationDataRecords;
    }

    /** True once a byte that is not TLS was seen. */
    public boolean broken() {
        return broken;
    }
}
