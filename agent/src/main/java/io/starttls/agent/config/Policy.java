package io.starttls.agent.config;

import java.util.Collections;
import java.util.List;

/**
 * What the agent does for one destination: the global settings, or those of the policy-file rule
 * that matched it. Immutable; one object per rule, so that each keeps its own TLS context.
 */
public final class Policy {
    private final Mode mode;
    private final Verify verify;
    private final String minTls;
    private final TrustSettings trust;
    private final List<Pin> pins;
    private final String rule;

    Policy(Mode mode, Verify verify, String minTls, TrustSettings trust, List<Pin> pins, String rule) {
        this.mode = mode;
        this.verify = verify;
        this.minTls = minTls;
        this.trust = trust;
        this.pins = Collections.unmodifiableList(pins);
        this.rule = rule;
    }

    public Mode mode() {
        return mode;
    }

    public boolean enforces() {
        return mode == Mode.ENFORCE;
    }

    /** What is checked of the certificate: by enforce and opportunistic in the handshake, by testing after it. */
    public Verify verify() {
        return verify;
    }

    public String minTls() {
        return minTls;
    }

    public TrustSettings trust() {
        return trust;
    }

    /** The pinned identities; when there are any they replace CA trust (and the name check). */
    public List<Pin> pins() {
        return pins;
    }

    /** How the audit record names the check: none, ca, host, or pin. */
    public String verifyWord() {
        return pins.isEmpty() ? verify.word() : "pin";
    }

    /** Whether the certificate is checked at all (pins count). */
    public boolean checksCertificate() {
        return !pins.isEmpty() || verify != Verify.NONE;
    }

    /** "global", or the policy file and line of the rule. */
    public String rule() {
        return rule;
    }

    /** One line for logs and the config command; never a password. */
    public String describe() {
        StringBuilder s = new StringBuilder("mode=").append(mode.word());
        if (mode == Mode.OFF || mode == Mode.MONITOR) {
            return s.toString();
        }
        s.append(" verify=").append(verifyWord()).append(" min-tls=").append(minTls);
        if (pins.isEmpty()) {
            s.append(" trust=").append(trust.describe());
        } else {
            for (Pin pin : pins) {
                s.append(" pin=").append(pin);
            }
        }
        return s.toString();
    }
}
