package io.starttls.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AgentArgumentsTest {
    @Test
    void defaults() throws Exception {
        AgentConfig c = AgentArguments.parse(null);
        assertEquals(Mode.OPPORTUNISTIC, c.mode());
        assertEquals(Verify.NONE, c.policies().global().verify());
        assertEquals("TLSv1.2", c.policies().global().minTls());
        assertEquals(MailProtocol.SMTP, c.ports().protocolOf(587));
        assertEquals(MailProtocol.IMAP, c.ports().protocolOf(143));
        assertEquals(MailProtocol.POP3, c.ports().protocolOf(110));
        assertNull(c.ports().protocolOf(80));
        assertEquals(30_000, c.negotiationTimeoutMillis());
    }

    @Test
    void enforceVerifiesTheHostUnlessToldOtherwise() throws Exception {
        assertEquals(Verify.HOST, AgentArguments.parse("mode=enforce").policies().global().verify());
        assertEquals(Verify.CA, AgentArguments.parse("mode=enforce,verify=ca").policies().global().verify());
    }

    @Test
    void aPortListReplacesTheDefault() throws Exception {
        AgentConfig c = AgentArguments.parse("smtp-ports=25:10025");
        assertEquals(MailProtocol.SMTP, c.ports().protocolOf(10025));
        assertNull(c.ports().protocolOf(587));
        assertEquals("25:10025", c.ports().portsOf(MailProtocol.SMTP));
    }

    @Test
    void aPortUnderTwoProtocolsIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentArguments.parse("pop3-ports=143"));
        assertTrue(e.getMessage().contains("imap-ports has it by default"), e.getMessage());
    }

    @Test
    void timeoutsTakeUnits() throws Exception {
        assertEquals(5_000, AgentArguments.parse("timeout=5").negotiationTimeoutMillis());
        assertEquals(5_000, AgentArguments.parse("timeout=5s").negotiationTimeoutMillis());
        assertEquals(500, AgentArguments.parse("timeout=500ms").negotiationTimeoutMillis());
        assertThrows(ConfigException.class, () -> AgentArguments.parse("timeout=0"));
    }

    @Test
    void aKeyGivenTwiceIsAnError() {
        assertThrows(ConfigException.class, () -> AgentArguments.parse("mode=enforce,mode=monitor"));
    }

    @Test
    void thePasswordIsNeverInTheSummary() throws Exception {
        java.io.File f = java.io.File.createTempFile("trust", ".p12");
        f.deleteOnExit();
        AgentConfig c = AgentArguments.parse("truststore=" + f + ",truststore-password=hunter2");
        assertFalse(c.toString().contains("hunter2"));
    }

    @Test
    void noErrorEchoesASecret() {
        for (String arguments : new String[] {"mode=enforce,,truststore-password=hunter2",
            "trustore-password=hunter2", "mode=enforce,truststore-password=a,hunter2", "hunter2=x",
            "truststore-password=hunter2,truststore-password=hunter2"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> AgentArguments.parse(arguments));
            assertFalse(e.getMessage().contains("hunter2"), arguments + " -> " + e.getMessage());
        }
    }

    @Test
    void aMisspeltKeyIsStillNamedWhenItIsAWord() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentArguments.parse("mood=enforce"));
        assertTrue(e.getMessage().startsWith("unknown agent argument 'mood'"), e.getMessage());
    }
}
