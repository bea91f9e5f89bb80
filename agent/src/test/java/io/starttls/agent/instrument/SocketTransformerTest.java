package io.starttls.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The transformer's contract with the installer; how Socket is rewritten is SocketPatcherTest's. */
class SocketTransformerTest {
    @Test
    void otherClassesAndOtherLoadersAreLeftAlone() throws Exception {
        SocketTransformer t = new SocketTransformer();
        assertNull(t.transform(null, "java/net/ServerSocket", null, null, new byte[0]));
        assertNull(t.transform(getClass().getClassLoader(), "java/net/Socket", null, null, SocketPatcherTest.jdkSocket()));
        assertEquals(false, t.transformed());
    }

    @Test
    void theBootLoadersSocketIsRewrittenAndSaidSo() throws Exception {
        SocketTransformer t = new SocketTransformer();
        byte[] out = t.transform(null, "java/net/Socket", null, null, SocketPatcherTest.jdkSocket());
        assertTrue(out != null && out.length > 0);
        assertTrue(t.transformed());
        assertNull(t.failure());
    }

    @Test
    void aClassItCannotRewriteIsLeftAsItIsAndTheReasonKeptForTheInstaller() {
        SocketTransformer t = new SocketTransformer();
        assertNull(t.transform(null, "java/net/Socket", null, null, new byte[] {(byte) 0xca, (byte) 0xfe}));
        assertFalse(t.transformed());
        assertTrue(t.failure() != null, "the installer reports it, and enforce refuses to start");
    }
}
