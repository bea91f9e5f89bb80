package io.starttls.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingSourcesTest {
    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return p;
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        p.setProperty("java.version", "17"); // others are ignored
        return p;
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        m.put("PATH", "/usr/bin");
        return m;
    }

    @Test
    void earlierSourcesWin() throws Exception {
        Path file = write("agent.properties", "# the vendor's defaults", "mode=monitor", "timeout=5s", "max-line=1024",
                "log=off");
        AgentConfig c = AgentArguments.load("mode=enforce",
                props("starttls.agent.mode", "testing", "starttls.agent.timeout", "7s"),
                env("STARTTLS_AGENT_MODE", "opportunistic", "STARTTLS_AGENT_TIMEOUT", "9s", "STARTTLS_AGENT_MAX_LINE",
                        "2048", "STARTTLS_AGENT_CONFIG", file.toString()));
        assertEquals(Mode.ENFORCE, c.mode());
        assertEquals(7000, c.negotiationTimeoutMillis());
        assertEquals(2048, c.maxLineBytes());
        assertFalse(c.logEnabled());
        assertEquals(Source.Kind.ARGUMENT, c.settings().get("mode").source().kind());
        assertEquals(Source.Kind.PROPERTY, c.settings().get("timeout").source().kind());
        assertEquals(Source.Kind.ENVIRONMENT, c.settings().get("max-line").source().kind());
        assertEquals(file + " line 5", c.settings().get("log").source().where());
    }

    @Test
    void theConfigFileCanBeNamedByEachSource() throws Exception {
        Path file = write("a.properties", "mode=enforce");
        assertEquals(Mode.ENFORCE, AgentArguments.load("config=" + file, null, null).mode());
        assertEquals(Mode.ENFORCE, AgentArguments.load("", props("starttls.agent.config", file.toString()), null).mode());
        assertEquals(Mode.ENFORCE, AgentArguments.load("", null, env("STARTTLS_AGENT_CONFIG", file.toString())).mode());
    }

    private static String error(String args, Properties p, Map<String, String> e) {
        return assertThrows(ConfigException.class, () -> AgentArguments.load(args, p, e)).getMessage();
    }

    @Test
    void everyErrorNamesItsSource() throws Exception {
        assertTrue(error("", props("starttls.agent.mode", "strict"), null).startsWith(
                "bad system property 'starttls.agent.mode=strict': mode must be one of"));
        assertTrue(error("", null, env("STARTTLS_AGENT_MODE", "strict")).startsWith(
                "bad environment variable 'STARTTLS_AGENT_MODE=strict': mode must be one of"));
        assertTrue(error("", props("starttls.agent.mood", "x"), null).startsWith(
                "unknown system property 'starttls.agent.mood'"));
        assertTrue(error("", null, env("STARTTLS_AGENT_MOOD", "x")).startsWith(
                "unknown environment variable 'STARTTLS_AGENT_MOOD'"));
        Path file = write("b.properties", "mode=enforce", "", "timeout=forever");
        assertEquals("bad setting 'timeout=forever' in " + file + " line 3: timeout takes seconds (30 or 30s) or "
                + "milliseconds (500ms), from 100ms to 600s", error("config=" + file, null, null));
        Path twice = write("c.properties", "mode=enforce", "mode=monitor");
        assertEquals(twice + " line 2: 'mode' is given twice (also on line 1): give it once",
                error("config=" + twice, null, null));
        Path unknown = write("d.properties", "mood=enforce");
        assertTrue(error("config=" + unknown, null, null).startsWith(unknown + " line 1: unknown key 'mood'"));
        Path garbage = write("e.properties", "just words");
        assertTrue(error("config=" + garbage, null, null).startsWith(garbage + " line 1: not key=value"));
        assertTrue(error("config=/nonexistent.properties", null, null).startsWith(
                "bad agent argument 'config=/nonexistent.properties': no readable file"));
    }

    @Test
    void aCommaInAPortListNamesTheColon() {
        String e = error("smtp-ports=25,587", null, null);
        assertTrue(e.startsWith("entry 2 of the agent arguments ('587') has no value: the items of a list are "
                + "separated by colons, not commas: write smtp-ports=25:587"), e);
    }

    @Test
    void aPasswordCutAtACommaIsNeverQuoted() {
        for (String args : new String[] {"truststore-password=12,3456", "truststore-password=abc,def=ghi",
            "truststore-password=abc,verify"}) {
            String e = error(args, null, null);
            assertFalse(e.contains("3456") || e.contains("def") || e.contains("verify") || e.contains("abc"), e);
            assertTrue(e.startsWith("entry 2 of the agent arguments (not shown) follows truststore-password= and is not "
                    + "a setting"), e);
        }
    }

    @Test
    void theShellSplitIsRecognisedInTheMainClass() {
        assertEquals("verify=host", ShellSplit.strayArguments("verify=host -jar app.jar"));
        assertEquals("verify=host,truststore-password=(not shown)",
                ShellSplit.strayArguments(",verify=host,truststore-password=hunter2 Main"));
        assertNull(ShellSplit.strayArguments("com.acme.Main mode=enforce"));
        assertNull(ShellSplit.strayArguments("app.jar"));
        assertNull(ShellSplit.strayArguments("key=value"), "not one of ours");
    }

    @Test
    void aPasswordOnTheCommandLineWarnsAndIsNeverShown() throws Exception {
        Path store = write("store.p12", "x");
        AgentConfig c = AgentArguments.load("truststore=" + store + ",truststore-password=hunter2", null, null);
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).startsWith("the trust store password is in the agent arguments, which every "
                + "local user can read"), c.warnings().get(0));
        AgentConfig p = AgentArguments.load("truststore=" + store,
                props("starttls.agent.truststore-password", "hunter2"), null);
        assertTrue(p.warnings().get(0).contains("system property starttls.agent.truststore-password"));
        AgentConfig e = AgentArguments.load("truststore=" + store, null,
                env("STARTTLS_AGENT_TRUSTSTORE_PASSWORD", "hunter2"));
        assertEquals(0, e.warnings().size(), "the environment is not on the command line");
        assertEquals("hunter2", new String(e.policies().global().trust().password()));
        String described = EffectiveConfig.describe(c, "test");
        assertFalse(described.contains("hunter2"), described);
        assertTrue(described.contains("********"), described);
        String bad = error("truststore-password=hunter2", null, null);
        assertFalse(bad.contains("hunter2"), bad);
    }

    @Test
    void aPasswordFileThatOthersCanReadWarns() throws Exception {
        Path store = write("store2.p12", "x");
        Path secret = write("pw", "hunter2", "");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        AgentConfig c = AgentArguments.load("truststore=" + store + ",truststore-password-file=" + secret, null, null);
        assertEquals("hunter2", new String(c.policies().global().trust().password()), "the first line, no line end");
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("other users can read it"), c.warnings().get(0));
        assertTrue(c.warnings().get(0).endsWith("chmod 600 " + secret), c.warnings().get(0));
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertEquals(0, AgentArguments.load("truststore=" + store + ",truststore-password-file=" + secret, null, null)
                .warnings().size());
    }
}
