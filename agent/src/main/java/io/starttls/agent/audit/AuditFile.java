package io.starttls.agent.audit;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The audit file, appended to one whole line per write, and followed through log rotation: before
 * each record it checks that the path still names the file it has open (logrotate's default
 * renames the file, then creates a new one; the JVM never restarts for it) and reopens when it
 * does not. Appending (O_APPEND) also makes {@code copytruncate} safe, and several JVMs can share
 * one file. A failure to write never reaches the connection: it is said once, and once more when
 * writing works again, with the number of records lost in between.
 */
final class AuditFile {
    /** Where the file's trouble is said: standard error, through the agent's logger when it has one. */
    interface Complaints {
        void say(boolean error, String text);
    }

    private final File file;
    private final Path path;
    private final Complaints complaints;
    private OutputStream out;
    private Object openKey;
    private long lost;
    private boolean failing;

    AuditFile(File file, Complaints complaints) {
        this.file = file;
        this.path = file.toPath();
        this.complaints = complaints;
    }

    synchronized void append(byte[] line) {
        try {
            if (out == null || rotated()) {
                reopen();
            }
            out.write(line);
            out.flush();
            if (failing) {
                failing = false;
                complaints.say(false, "the audit log " + file + " can be written again; " + lost
                        + (lost == 1 ? " record was" : " records were") + " lost meanwhile");
                lost = 0;
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(); // the next record tries afresh: the disk may have room by then
            lost++;
            if (!failing) {
                failing = true;
                complaints.say(true, "cannot write the audit log " + file + " (" + e.getMessage()
                        + "); mail connections are still guarded, their records are lost until it can be written: "
                        + "free space or fix its permissions");
            }
        }
    }

    /** True when the path now names another file, or none: the file was rotated or removed. */
    private boolean rotated() throws IOException {
        if (openKey == null) {
            return false; // a file system without file keys: copytruncate is the way to rotate
        }
        try {
            return !openKey.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private void reopen() throws IOException {
        closeQuietly();
        out = new FileOutputStream(file, true);
        openKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // Nothing more to lose: the next record opens the file again.
            }
            out = null;
            openKey = null;
        }
    }
}
