package io.starttls.bench;

import io.starttls.testserver.ScriptedMailServer;
import io.starttls.testserver.ServerScript;
import io.starttls.testserver.TestCertificates;

/**
 * The embedded STARTTLS test server in a JVM of its own, for the scale measurements (Postfix
 * limits its own concurrency): {@code BenchServer OFFER_PORT HIDE_PORT}, until killed.
 */
public final class BenchServer {
    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        TestCertificates certificates = new TestCertificates();
        try (ScriptedMailServer offering = new ScriptedMailServer(ServerScript.smtp().build(), certificates,
                Integer.parseInt(args[0]));
             ScriptedMailServer hiding = new ScriptedMailServer(ServerScript.smtp()
                     .startTls(ServerScript.StartTls.HIDE).build(), certificates, Integer.parseInt(args[1]))) {
            System.out.println("ready");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
