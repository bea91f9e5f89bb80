package io.starttls.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starttls.agent.config.Mode;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static final String UNDER = "mode=enforce,verify=host";

    @Test
    void enforceBlocksWhatItCannotUpgradeWithTheReasonsExitStatus() {
        assertEquals(0, Verdict.of(Mode.ENFORCE, UNDER, Verdict.Seen.TLS, null, null).exitStatus);
        Verdict mismatch = Verdict.of(Mode.ENFORCE, UNDER, Verdict.Seen.TLS, "certificate-host-mismatch",
                "the certificate is for DNS:mx1.example.net, not for mail.example.com");
        assertEquals(5, mismatch.exitStatus);
        assertEquals("under mode=enforce,verify=host this destination would be blocked: certificate-host-mismatch: "
                + "the certificate is for DNS:mx1.example.net, not for mail.example.com", mismatch.sentence);
        assertEquals("blocked", mismatch.outcome);
        assertEquals(4, Verdict.of(Mode.ENFORCE, UNDER, Verdict.Seen.CLEAR_ONLY, "starttls-not-supported", "x")
                .exitStatus);
        assertEquals(6, Verdict.of(Mode.ENFORCE, UNDER, Verdict.Seen.TLS_FAILED, "tls-handshake-failed", "x")
                .exitStatus);
        assertEquals(7, Verdict.of(Mode.ENFORCE, UNDER, Verdict.Seen.ABORT, "starttls-injection", "x").exitStatus);
        assertEquals(7, Verdict.of(Mode.ENFORCE, UNDER, Verdict.Seen.BROKEN_AFTER_STARTTLS, "connection-closed", "x")
                .exitStatus);
        assertEquals(3, Verdict.of(Mode.ENFORCE, UNDER, Verdict.Seen.NO_CONNECTION, null, "refused").exitStatus);
    }

    @Test
    void opportunisticGoesOnInClearWhereTheGuardWould() {
        String under = "mode=opportunistic,verify=none";
        assertEquals("plaintext-fallback", Verdict.of(Mode.OPPORTUNISTIC, under, Verdict.Seen.CLEAR_ONLY,
                "starttls-not-supported", "x").outcome);
        assertEquals("plaintext-fallback", Verdict.of(Mode.OPPORTUNISTIC, under, Verdict.Seen.TLS_FAILED,
                "tls-handshake-failed", "x").outcome);
        assertEquals("plaintext-fallback", Verdict.of(Mode.OPPORTUNISTIC, under, Verdict.Seen.BROKEN_AFTER_STARTTLS,
                "connection-closed", "x").outcome);
        // A timeout in the handshake, or injection: the guard blocks whatever the mode.
        assertEquals("blocked", Verdict.of(Mode.OPPORTUNISTIC, under, Verdict.Seen.TLS_FAILED, "negotiation-timeout",
                "x").outcome);
        assertEquals("blocked", Verdict.of(Mode.OPPORTUNISTIC, under, Verdict.Seen.ABORT, "starttls-injection", "x")
                .outcome);
        // A TLS version older than min-tls fails the handshake: opportunistic retries in clear.
        assertEquals("plaintext-fallback", Verdict.of(Mode.OPPORTUNISTIC, under, Verdict.Seen.TLS,
                "tls-handshake-failed", "older than min-tls").outcome);
    }

    @Test
    void testingUpgradesAndSaysWhatEnforceWouldDo() {
        Verdict v = Verdict.of(Mode.TESTING, "mode=testing,verify=host", Verdict.Seen.TLS, "certificate-expired", "x");
        assertEquals(5, v.exitStatus);
        assertEquals("upgraded", v.outcome);
        assertEquals("under mode=testing,verify=host this destination would be upgraded, and mode=enforce would "
                + "block it: certificate-expired: x", v.sentence);
    }

    @Test
    void offAndMonitorLeaveItInClear() {
        assertEquals(8, Verdict.of(Mode.MONITOR, "mode=monitor", Verdict.Seen.TLS, null, null).exitStatus);
        assertEquals(8, Verdict.of(Mode.OFF, "mode=off", Verdict.Seen.CLEAR_ONLY, "starttls-not-supported", null)
                .exitStatus);
    }
}
