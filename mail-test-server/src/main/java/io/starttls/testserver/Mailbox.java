package io.starttls.testserver;

/** The one mailbox the IMAP and POP3 test servers serve, and the user who may read it. */
public final class Mailbox {
    public static final String USER = "alice";
    public static final String PASSWORD = "Tr0ub4dor-s3cret";
    public static final String SUBJECT = "Quarterly report";
    public static final String MESSAGE = "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: " + SUBJECT
            + "\r\n\r\nThe confidential figures are attached.\r\n";

    private Mailbox() {
    }
}
