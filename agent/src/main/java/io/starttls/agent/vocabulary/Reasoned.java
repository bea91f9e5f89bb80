package io.starttls.agent.vocabulary;

/** A failure that carries its word of the audit vocabulary ({@link Reasons}). */
public interface Reasoned {
    String reason();
}
