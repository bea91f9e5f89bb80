package io.starttls.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileTest {
    @TempDir
    Path dir;

    private final List<String> said = new ArrayList<>();

    private AuditFile file(File f) {
        return new AuditFile(f, (error, text) -> said.add((error ? "ERROR " : "") + text));
    }

    private static byte[] line(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path p) throws Exception {
        return Files.exists(p) ? Files.readAllLines(p) : Collections.emptyList();
    }

    @Test
    void followsLogrotatesRenameThenCreate() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        AuditFile audit = file(log.toFile());
        audit.append(line("one"));
        Files.move(log, dir.resolve("audit.jsonl.1"));
        Files.createFile(log); // logrotate's "create"
        audit.append(line("two"));

        assertEquals(Arrays.asList("one"), lines(dir.resolve("audit.jsonl.1")));
        assertEquals(Arrays.asList("two"), lines(log));
        assertTrue(said.isEmpty(), said::toString);
    }

    @Test
    void createsTheFileAgainWhenItWasMovedAway() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        AuditFile audit = file(log.toFile());
        audit.append(line("one"));
        Files.move(log, dir.resolve("audit.jsonl.1")); // nocreate, or a plain mv
        audit.append(line("two"));
        Files.delete(log);
        audit.append(line("three"));

        assertEquals(Arrays.asList("one"), lines(dir.resolve("audit.jsonl.1")));
        assertEquals(Arrays.asList("three"), lines(log));
    }

    @Test
    void copytruncateLeavesNoHoleAndLosesNothingWrittenAfter() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        AuditFile audit = file(log.toFile());
        audit.append(line("one"));
        Files.copy(log, dir.resolve("audit.jsonl.1"));
        try (RandomAccessFile truncate = new RandomAccessFile(log.toFile(), "rw")) {
            truncate.setLength(0);
        }
        audit.append(line("two"));

        assertEquals(Arrays.asList("two"), lines(log), "appending: no NUL bytes where the old records were");
        assertEquals(4, Files.size(log));
    }

    @Test
    void aFullDiskIsSaidOnceAndMailGoesOn() {
        File full = new File("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(full.exists(), "a Linux /dev/full");
        AuditFile audit = file(full);
        for (int i = 0; i < 5; i++) {
            audit.append(line("record " + i)); // never throws
        }
        assertEquals(1, said.size(), said::toString);
        assertTrue(said.get(0).startsWith("ERROR cannot write the audit log /dev/full ("), said::toString);
        assertTrue(said.get(0).contains("mail connections are still guarded"), said::toString);
    }

    @Test
    void anUnwritablePathIsSaidOnceAndAgainWhenItWorksWithTheCountOfLostRecords() throws Exception {
        Path blocker = dir.resolve("logs");
        Files.write(blocker, new byte[0]); // a file where the directory should be: unwritable even for root
        Path log = blocker.resolve("audit.jsonl");
        AuditFile audit = file(log.toFile());
        audit.append(line("lost 1"));
        audit.append(line("lost 2"));
        Files.delete(blocker);
        Files.createDirectory(blocker);
        audit.append(line("kept"));

        assertEquals(2, said.size(), said::toString);
        assertTrue(said.get(0).startsWith("ERROR cannot write the audit log " + log), said::toString);
        assertEquals("the audit log " + log + " can be written again; 2 records were lost meanwhile", said.get(1));
        assertEquals(Arrays.asList("kept"), lines(log));
    }
}
