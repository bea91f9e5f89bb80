package io.starttls.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.vocabulary.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveCountersTest {
    private static AuditRecord.Builder smtp(String host) {
        return new AuditRecord.Builder().destination(host, "192.0.2.1", 25).policy("smtp", "enforce", "host");
    }

    @Test
    void countsEachOutcomeAndReasonOfItsOwnProtocol() throws Exception {
        LiveCounters counters = LiveCounters.start((error, text) -> { });
        counters.count(smtp("a.example").outcome(Outcome.UPGRADED, null, null).build());
        counters.count(smtp("b.example").outcome(Outcome.BLOCKED, "starttls-not-supported", "not offered").build());
        counters.count(smtp("b.example").outcome(Outcome.BLOCKED, "certificate-expired", "expired in 2020").build());
        counters.count(smtp("c.example").policy("smtp", "monitor", "none").outcome(Outcome.PLAINTEXT_OBSERVED, null,
                null).clearText(true, true).build());
        counters.count(new AuditRecord.Builder().destination("d.example", null, 143).policy("imap", "opportunistic",
                "none").outcome(Outcome.PLAINTEXT_FALLBACK, "starttls-not-supported", "x").build());

        MailConnections smtp = counters.of(MailProtocol.SMTP);
        assertEquals(4, smtp.getConnections());
        assertEquals(1, smtp.getUpgraded());
        assertEquals(2, smtp.getBlocked());
        assertEquals(1, smtp.getPlaintextObserved());
        assertEquals(1, smtp.getCredentialsInClear());
        assertEquals(1, smtp.getMailInClear());
        assertEquals(Long.valueOf(1), smtp.getReasons().get("starttls-not-supported"));
        assertEquals(Long.valueOf(2), smtp.getOutcomes().get("blocked"));
        Map<String, String> last = smtp.getLastFailures();
        assertEquals(1, last.size(), last::toString);
        assertTrue(last.get("b.example:25").endsWith(" blocked certificate-expired: expired in 2020"), last::toString);
        assertEquals(1, counters.of(MailProtocol.IMAP).getPlaintextFallback());
        assertEquals(0, counters.of(MailProtocol.POP3).getConnections());
    }

    @Test
    void testingCountsWhatEnforceWouldBlock() {
        LiveCounters counters = LiveCounters.start((error, text) -> { });
        counters.count(smtp("t.example").policy("smtp", "testing", "host").rule("global", true)
                .outcome(Outcome.PLAINTEXT_FALLBACK, "starttls-not-supported", "x").build());
        assertEquals(1, counters.of(MailProtocol.SMTP).getWouldBlock());
        assertTrue(counters.of(MailProtocol.SMTP).getLastFailures().containsKey("t.example:25"));
    }

    @Test
    void remembersTheLastFailuresOfABoundedNumberOfDestinations() {
        LiveCounters counters = LiveCounters.start((error, text) -> { });
        for (int i = 0; i < MailConnections.MAX_DESTINATIONS + 50; i++) {
            counters.count(smtp("h" + i + ".example").outcome(Outcome.BLOCKED, "starttls-refused", "no").build());
        }
        Map<String, String> last = counters.of(MailProtocol.SMTP).getLastFailures();
        assertEquals(MailConnections.MAX_DESTINATIONS, last.size());
        assertFalse(last.containsKey("h0.example:25"), "the oldest went first");
        assertTrue(last.containsKey("h" + (MailConnections.MAX_DESTINATIONS + 49) + ".example:25"));
    }
}
