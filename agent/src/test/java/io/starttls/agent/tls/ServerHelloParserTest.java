package io.starttls.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

public class ServerHelloParserTest {
    /** A TLS 1.3 ServerHello record (legacy version 1.2, supported_versions 1.3, TLS_AES_256_GCM_SHA384). */
    public static byte[] tls13ServerHello() {
        return tls13ServerHello(false);
    }

    /** The same, with the pre_shared_key extension when the server accepted the client's ticket. */
    public static byte[] tls13ServerHello(boolean resumed) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x03);
        body.write(0x03);
        body.writeBytes(new byte[32]);
        body.write(0); // session id
        body.write(0x13);
        body.write(0x02);
        body.write(0); // compression
        byte[] ext = resumed ? new byte[] {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x29, 0x00, 0x02, 0x00, 0x00}
                : new byte[] {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04};
        body.write(0);
        body.write(ext.length);
        body.writeBytes(ext);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {22, 3, 3, 0, (byte) (b.length + 4), 2, 0, 0, (byte) b.length});
        record.writeBytes(b);
        return record.toByteArray();
    }

    @Test
    void readsVersionAndCipherEvenWhenSplitAcrossReads() {
        byte[] hello = tls13ServerHello();
        ServerHelloParser p = new ServerHelloParser();
        p.feed(hello, 0, 3);
        assertNull(p.version());
        p.feed(hello, 3, hello.length - 3);
        assertEquals("TLSv1.3", p.version());
        assertEquals("TLS_AES_256_GCM_SHA384", p.cipherSuite());
        assertEquals(Boolean.FALSE, p.details().resumed());
    }

    @Test
    void anAcceptedPreSharedKeyMeansTheSessionWasResumed() {
        byte[] hello = tls13ServerHello(true);
        ServerHelloParser p = new ServerHelloParser();
        p.feed(hello, 0, hello.length);
        assertEquals("TLSv1.3", p.version());
        assertEquals(Boolean.TRUE, p.details().resumed());
    }

    @Test
    void aSessionOlderThanItsHandshakeWasResumed() {
        assertTrue(TlsDetails.wasResumed(1_000, 1_001));
        assertFalse(TlsDetails.wasResumed(1_001, 1_001), "made during the handshake: a full one");
        assertFalse(TlsDetails.wasResumed(1_002, 1_001));
    }

    @Test
    void plainTextIsNotAServerHello() {
        ServerHelloParser p = new ServerHelloParser();
        byte[] text = "220 hello\r\n".getBytes();
        p.feed(text, 0, text.length);
        assertNull(p.version());
        assertNull(p.details());
    }
}
