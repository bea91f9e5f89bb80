package io.starttls.demo.javamail;

/** A mailbox reader on JavaMail's (or Jakarta Mail's) POP3 Store. */
public final class Pop3Reader {
    private Pop3Reader() {
    }

    public static void main(String[] args) {
        MailboxReader.read("pop3", args, 110);
    }
}
