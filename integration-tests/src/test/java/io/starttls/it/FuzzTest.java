package io.starttls.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.it.clients.FuzzClient;
import io.starttls.it.support.AgentRun;
import io.starttls.it.support.FuzzingSmtpServer;
import io.starttls.it.support.RunResult;
import io.starttls.testserver.TestCertificates;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing through the real agent: a few hundred sessions of one legacy client against a
 * server with mutated replies. Every session ends in a working TLS session or a clean error, within
 * the negotiation timeout, nothing goes out in clear, and no thread is left behind.
 */
class FuzzTest {
    private static final int CASES = 300;
    private static final long SEED = 20261130L;

    @Test
    void everyMutatedNegotiationEndsCleanlyAndQuickly() throws Exception {
        TestCertificates certificates = new TestCertificates();
        try (FuzzingSmtpServer server = new FuzzingSmtpServer(
                certificates.serverContext(TestCertificates.Kind.GOOD), SEED)) {
            RunResult run = AgentRun.testClient(FuzzClient.class, String.valueOf(server.port()), String.valueOf(CASES))
                    .agent("mode=enforce,verify=none,timeout=500ms,log=off,smtp-ports=" + server.port())
                    .timeoutSeconds(600).run();

            assertEquals(0, run.exitCode, run::toString);
            Map<String, Integer> outcomes = new TreeMap<>();
            long slowest = 0;
            int sessions = 0;
            for (String line : run.stdout.split("\n")) {
                String[] f = line.split(" ");
                if (f[0].equals("case")) {
                    outcomes.merge(f[2], 1, Integer::sum);
                    slowest = Math.max(slowest, Long.parseLong(f[3]));
                    sessions += f[2].equals("session") ? 1 : 0;
                    assertTrue(f[2].equals("session") || f[2].equals("blocked") || f[2].equals("error"),
                            "case " + f[1] + " ended in " + f[2]);
                } else if (f[0].equals("threads")) {
                    assertTrue(Integer.parseInt(f[2]) <= Integer.parseInt(f[1]), "threads left behind: " + line);
                }
            }
            assertEquals(CASES, outcomes.values().stream().mapToInt(Integer::intValue).sum(), outcomes::toString);
            assertTrue(slowest < 2500, "slowest case took " + slowest + " ms");
            assertTrue(server.clearSessions().isEmpty(), "mail commands in clear: " + server.clearSessions());
            assertEquals(sessions, server.tlsCases().size(), "every working session ran over TLS " + outcomes);
            assertTrue(outcomes.getOrDefault("session", 0) > 0 && outcomes.getOrDefault("blocked", 0) > 0,
                    outcomes::toString);
            assertEquals(CASES, run.audit.size(), "one audit record per connection");
        }
    }
}
