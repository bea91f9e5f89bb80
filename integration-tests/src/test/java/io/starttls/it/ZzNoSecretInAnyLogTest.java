package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.support.Children;
import io.starttls.it.support.Secrets;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Runs last (alphabetical order): every log and audit file that the agent wrote during this test
 * run is searched for the test passwords, their base64 forms, the AUTH payload and message text.
 */
class ZzNoSecretInAnyLogTest {
    @Test
    void noAgentOutputOfTheWholeSuiteHoldsASecret() throws Exception {
        File[] files = Children.runsDir().listFiles((dir, name) -> name.endsWith(".stderr")
                || name.endsWith(".audit.jsonl"));
        assertTrue(files != null && files.length > 20, "the suite produced the logs this test reads");
        for (File f : files) {
            String text = Files.readString(f.toPath(), StandardCharsets.ISO_8859_1);
            for (String secret : Secrets.forms()) {
                assertFalse(text.contains(secret), () -> f + " contains a secret");
            }
        }
    }
}
