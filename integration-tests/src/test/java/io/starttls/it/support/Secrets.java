package io.starttls.it.support;

import io.starttls.testserver.Mailbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The secrets the tests use, in every form in which they could leak. */
public final class Secrets {
    public static final String SMTP_USER = "batch";
    public static final String SMTP_PASSWORD = "Smtp-s3cret-9f2k";
    /** The real servers' user password (integration-tests/real-servers/real-servers.sh). */
    public static final String REAL_PASSWORD = "Real-s3cret-7xQ";

    private Secrets() {
    }

    /** Strings that must never appear in any output of the agent. */
    public static List<String> forms() {
        List<String> out = new ArrayList<>();
        for (String secret : new String[] {SMTP_PASSWORD, Mailbox.PASSWORD, REAL_PASSWORD}) {
            out.add(secret);
            out.add(b64(secret));
        }
        out.add(b64("\0" + SMTP_USER + "\0" + SMTP_PASSWORD));
        out.add(b64("\0alice@example.test\0" + REAL_PASSWORD));
        // The trust stores' password, whichever source handed it to the agent (argument, property,
        // environment, config file, password file, policy file).
        out.add(new String(io.starttls.testserver.TestCertificates.PASSWORD));
        out.add("Other-s3cret-value");
        out.add("confidential figures");
        out.add("All 42 jobs completed");
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
