package io.starttls.agent.tls;

/**
 * Follows one direction of a TLS connection record by record (RFC 8446 §5.1, RFC 5246 §6.2): the
 * five-byte headers are checked and the payloads skipped. Anything that is not a record header
 * where one belongs is not TLS: plain text. It counts application-data records, which in TLS 1.3
 * also carry the encrypted handshake; only the record layer is read, never a payload.
 */
public final class TlsRecordFraming {
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int APPLICATION_DATA = 23;
    private static final int HEARTBEAT = 24;
    private static final int MAX_PAYLOAD = 16384 + 2048;

    private final byte[] header = new byte[5];
    private int headerBytes;
    private int payloadLeft;
    private int applicationDataRecords;
    private boolean broken;

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
                int n = Math.min(payloadLeft, end - i);
                payloadLeft -= n;
                i += n;
                continue;
            }
            header[headerBytes++] = b[i];
            if (!plausible(headerBytes)) {
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

    /** Application-data records whose header was seen so far. */
    public int applicationDataRecords() {
        return applicationDataRecords;
    }

    /** True once a byte that is not TLS was seen. */
    public boolean broken() {
        return broken;
    }
}
