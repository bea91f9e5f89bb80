package io.starttls.agent.vocabulary;

/** How the agent knew that a connection carries mail, in the words of the audit record. */
public enum FoundBy {
    /** Its port is in a {@code *-ports=} list (or the default list). */
    PORT_LIST("port-list"),
    /** A mail library (JavaMail, Angus Mail, Commons Net) said so when it opened the socket. */
    LIBRARY("library"),
    /** Its first exchange on a port nobody listed was SMTP, IMAP or POP3. */
    CONVERSATION("conversation");

    private final String word;

    FoundBy(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
