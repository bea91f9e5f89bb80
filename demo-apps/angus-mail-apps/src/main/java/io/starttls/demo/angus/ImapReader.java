package io.starttls.demo.angus;

/** A mailbox reader on Jakarta Mail (Angus)'s IMAP Store. */
public final class ImapReader {
    private ImapReader() {
    }

    public static void main(String[] args) {
        MailboxReader.read("imap", args, 143);
    }
}
