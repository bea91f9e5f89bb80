package io.starttls.agent.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostnameMatcherTest {
    @Test
    void exactNamesMatchWithoutCaseOrTrailingDot() {
        assertTrue(HostnameMatcher.matchesDnsId("mail.example.com", "Mail.Example.COM"));
        assertTrue(HostnameMatcher.matchesDnsId("mail.example.com", "mail.example.com."));
        assertFalse(HostnameMatcher.matchesDnsId("mail.example.com", "example.com"));
    }

    @Test
    void aWildcardIsOneWholeLeftMostLabel() {
        assertTrue(HostnameMatcher.matchesDnsId("mail.example.com", "*.example.com"));
        assertFalse(HostnameMatcher.matchesDnsId("example.com", "*.example.com"));
        assertFalse(HostnameMatcher.matchesDnsId("a.mail.example.com", "*.example.com"));
        assertFalse(HostnameMatcher.matchesDnsId("mail.example.com", "m*.example.com"));
        assertFalse(HostnameMatcher.matchesDnsId("example.com", "*.com"));
        assertFalse(HostnameMatcher.matchesDnsId("mail.example.com", "mail.*.com"));
    }

    @Test
    void ipLiteralsAreRecognisedWithoutDns() {
        assertTrue(HostnameMatcher.isIpLiteral("127.0.0.1"));
        assertTrue(HostnameMatcher.isIpLiteral("::1"));
        assertFalse(HostnameMatcher.isIpLiteral("localhost"));
        assertFalse(HostnameMatcher.isIpLiteral("1.2.3.example"));
    }
}
