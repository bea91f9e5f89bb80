package io.starttls.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rules of the policy file and the global policy: which {@link Policy} a destination gets. The
 * most specific rule that matches wins (see {@link DestinationPattern}; a rule restricted to the
 * connection's protocol wins over the same destination without one); no rule, the global policy.
 */
public final class PolicyRules {
    private final Policy global;
    private final List<Rule> rules;
    private final boolean anyEnforce;

    PolicyRules(Policy global, List<Rule> rules) {
        this.global = global;
        this.rules = Collections.unmodifiableList(new ArrayList<Rule>(rules));
        boolean enforce = global.enforces();
        for (Rule r : rules) {
            enforce |= r.policy.enforces();
        }
        this.anyEnforce = enforce;
    }

    static final class Rule {
        final DestinationPattern destination;
        final MailProtocol protocol; // null: any
        final Policy policy;

        Rule(DestinationPattern destination, MailProtocol protocol, Policy policy) {
            this.destination = destination;
            this.protocol = protocol;
            this.policy = policy;
        }

        String key() {
            return destination.key() + "|" + protocol;
        }
    }

    public Policy global() {
        return global;
    }

    /** True when some destination is enforced: start-up must then fail closed. */
    public boolean anyEnforce() {
        return anyEnforce;
    }

    public List<Policy> rulePolicies() {
        List<Policy> out = new ArrayList<Policy>();
        for (Rule r : rules) {
            out.add(r.policy);
        }
        return out;
    }

    /** Each rule as the config command prints it. */
    public List<String> describeRules() {
        List<String> out = new ArrayList<String>();
        for (Rule r : rules) {
            out.add(r.destination + (r.protocol == null ? "" : " protocol=" + r.protocol.word()) + "  "
                    + r.policy.describe() + "  (" + r.policy.rule() + ")");
        }
        return out;
    }

    /**
     * The policy of a connection.
     *
     * @param host the name the application connected to (or its address literal)
     * @param address the address it connected to
     * @param protocol the mail protocol, or null when not known yet (then only rules for every protocol apply)
     */
    public Policy policyFor(String host, String address, int port, MailProtocol protocol) {
        Rule best = null;
        int bestScore = 0;
        for (Rule r : rules) {
            if (r.protocol != null && r.protocol != protocol) {
                continue;
            }
            int score = r.destination.match(host, address, port);
            if (score == 0) {
                continue;
            }
            score = score * 2 + (r.protocol != null ? 1 : 0);
            if (score > bestScore) {
                best = r;
                bestScore = score;
            }
        }
        return best == null ? global : best.policy;
    }
}
