package io.starttls.agent.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.junit.jupiter.api.Test;

class AttachCommandTest {
    @Test
    void filesNamedByTheArgumentsAreMadeAbsoluteForTheTargetsOwnDirectory() {
        String cwd = new File("").getAbsolutePath();
        assertEquals("mode=enforce,config=" + cwd + "/agent.properties,policy-file=/etc/p.txt,smtp-ports=25:587",
                AttachCommand.absolutePaths("mode=enforce,config=agent.properties,policy-file=/etc/p.txt,smtp-ports=25:587"));
        assertEquals("truststore=" + cwd + "/ca.p12,audit-log=" + cwd + "/logs/a.jsonl",
                AttachCommand.absolutePaths("truststore=ca.p12,audit-log=logs/a.jsonl"));
        assertEquals("", AttachCommand.absolutePaths(""));
        assertEquals("mode=enforce,config=", AttachCommand.absolutePaths("mode=enforce,config="));
        assertEquals("Audit-Log=" + cwd + "/rel.jsonl", AttachCommand.absolutePaths("Audit-Log=rel.jsonl"),
                "keys are case-insensitive");
    }

    @Test
    void theObstaclesThatProcShowsAreNamedWithTheirFix() {
        String me = System.getProperty("user.name");
        assertTrue(AttachCommand.obstacle("42", TargetProcess.forTests(false, null, "", false))
                .startsWith("no process 42 is running here"));
        assertTrue(AttachCommand.obstacle("42", TargetProcess.forTests(true, me,
                "java -XX:+DisableAttachMechanism -jar app.jar", true)).contains("restart it without that option"));
        assertNull(AttachCommand.obstacle("42", TargetProcess.forTests(true, me,
                "java -XX:+DisableAttachMechanism -XX:-DisableAttachMechanism -jar app.jar", true)), "the last one wins");
        assertNull(AttachCommand.obstacle("42", TargetProcess.forTests(true, me, "java -jar app.jar", true)));
        assertTrue(AttachCommand.obstacle("42", TargetProcess.forTests(true, me, "python3 server.py", false))
                .contains("is not a Java virtual machine"), "never signalled");
        String other = AttachCommand.obstacle("42", TargetProcess.forTests(true, "mailer", "java -jar app.jar", true));
        if ("root".equals(me)) {
            assertNull(other, "root may attach to another user's JVM");
        } else {
            assertTrue(other.contains("run the command as mailer (sudo -u mailer"), other);
        }
    }
}
