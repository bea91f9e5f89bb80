package io.starttls.agent.guard;

/**
 * The guard of a socket that the agent leaves alone: its destination's policy is {@code off}.
 * Kept on the socket so that each later stream request knows it at once.
 */
enum Untouched {
    OFF
}
