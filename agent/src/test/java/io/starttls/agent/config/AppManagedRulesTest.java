package io.starttls.agent.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AppManagedRulesTest {
    @Test
    void hostsPortsClassesAndPackages() throws Exception {
        AppManagedRules rules = AgentArguments.parse(
                "app-managed=mail.example.com@587:*@2525:com.acme.Mailer:org.legacy.*").appManaged();
        assertTrue(rules.matches("MAIL.example.com", 587, null));
        assertFalse(rules.matches("mail.example.com", 25, null));
        assertTrue(rules.matches("anything", 2525, null));
        assertTrue(rules.matches("h", 25, "com.acme.Mailer"));
        assertFalse(rules.matches("h", 25, "com.acme.MailerFactory"));
        assertTrue(rules.matches("h", 25, "org.legacy.smtp.Client"));
    }

    @Test
    void badItemsAreNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentArguments.parse("app-managed=mail.example.com@smtp"));
        assertTrue(e.getMessage().contains("'mail.example.com@smtp' is not host@port"), e.getMessage());
    }
}
