package io.starttls.agent.config;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/** Files that hold a secret: read one, and warn, as ssh does for keys, when others can read it. */
final class SecretFiles {
    private SecretFiles() {
    }

    /** The password in {@code file}: its first line, without the line end. */
    static char[] readPassword(File file, String label, List<String> warnings) throws ConfigException {
        try {
            byte[] bytes = Files.readAllBytes(file.toPath());
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String first = end < 0 ? text : text.substring(0, end);
            if (first.endsWith("\r")) {
                first = first.substring(0, first.length() - 1);
            }
            warnIfOthersCanRead(file, "a trust store password", warnings);
            return first.toCharArray();
        } catch (IOException e) {
            throw new ConfigException("bad " + label + ": cannot read the password file (" + e.getClass().getSimpleName()
                    + "); give a file that this JVM's user can read");
        }
    }

    /** Adds a warning when the group or other users may read {@code file}, which holds {@code what}. */
    static void warnIfOthersCanRead(File file, String what, List<String> warnings) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file.toPath());
        } catch (IOException | UnsupportedOperationException e) {
            return; // not a POSIX file system (Windows): its ACLs are the administrator's
        }
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            warnings.add(file + " holds " + what + " and other users can read it; make it readable by this JVM's "
                    + "user alone: chmod 600 " + file);
        }
    }
}
