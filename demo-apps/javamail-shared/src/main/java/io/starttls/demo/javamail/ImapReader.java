package io.starttls.demo.javamail;

/** A mailbox reader on JavaMail's (or Jakarta Mail's) IMAP Store. */
public final class ImapReader {
    private ImapReader() {
    }

    public static void main(String[] args) {
        MailboxReader.read("imap", args, 143);
    }
}
