package io.starttls.demo.javamail;

import io.starttls.demo.support.DemoArgs;
import io.starttls.demo.support.Results;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Store;

/** Logs in to a mailbox with a JavaMail (or Jakarta Mail) Store (imap or pop3), lists it and reads the first message. */
final class MailboxReader {
    private MailboxReader() {
    }

    static void read(String protocol, String[] a, int defaultPort) {
        DemoArgs args = new DemoArgs(a);
        try {
            Store store = Sessions.of(protocol, args).getStore(protocol);
            store.connect(args.get("host", "localhost"), args.port(defaultPort), args.get("user", null),
                    args.get("password", null));
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                int count = inbox.getMessageCount();
                Message first = inbox.getMessage(1);
                java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
                first.writeTo(raw);
                for (String line : raw.toString("ISO-8859-1").split("\r\n")) {
                    if (line.startsWith("Subject:")) {
                        System.out.println(line);
                    }
                }
                inbox.close(false);
                Results.success("mailbox read, " + count + " message(s)");
            } finally {
                store.close();
            }
        } catch (Exception e) {
            Results.failure(e);
        }
    }
}
