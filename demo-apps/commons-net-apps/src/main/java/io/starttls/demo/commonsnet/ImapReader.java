package io.starttls.demo.commonsnet;

import io.starttls.demo.support.DemoArgs;
import io.starttls.demo.support.Results;
import java.io.IOException;
import org.apache.commons.net.imap.IMAPClient;
import org.apache.commons.net.imap.IMAPSClient;

/**
 * Reads a mailbox with Commons Net: IMAPClient (legacy), or IMAPSClient in explicit mode with
 * execTLS() (--starttls enable|required).
 */
public final class ImapReader {
    private ImapReader() {
    }

    public static void main(String[] a) {
        DemoArgs args = new DemoArgs(a);
        boolean implicit = args.startTls().equals("implicit");
        boolean tlsAware = !args.startTls().equals("off") && !implicit;
        IMAPClient client = implicit ? new IMAPSClient(true) : tlsAware ? new IMAPSClient(false) : new IMAPClient();
        try {
            client.setConnectTimeout(10_000);
            client.setDefaultTimeout(60_000);
            client.connect(args.get("host", "localhost"), args.port(143));
            if (!client.getReplyString().startsWith("* OK")) {
                throw new IOException("greeting: " + client.getReplyString().trim());
            }
            if (tlsAware && !((IMAPSClient) client).execTLS() && args.startTls().equals("required")) {
                throw new IOException("STARTTLS failed and TLS is required: " + client.getReplyString().trim());
            }
            if (!client.login(args.get("user", "alice"), args.get("password", ""))) {
                throw new IOException("LOGIN failed: " + client.getReplyString().trim());
            }
            if (!client.select("INBOX") || !client.fetch("1", "BODY[]")) {
                throw new IOException("reading failed: " + client.getReplyString().trim());
            }
            for (String line : client.getReplyString().split("\r\n")) {
                if (line.startsWith("Subject:")) {
                    System.out.println(line);
                }
            }
            client.logout();
            client.disconnect();
            Results.success("mailbox read");
        } catch (Exception e) {
            Results.failure(e);
        }
    }
}
