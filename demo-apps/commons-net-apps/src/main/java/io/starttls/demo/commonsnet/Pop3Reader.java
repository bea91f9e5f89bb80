package io.starttls.demo.commonsnet;

import io.starttls.demo.support.DemoArgs;
import io.starttls.demo.support.Results;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.apache.commons.net.pop3.POP3SClient;

/**
 * Reads a mailbox with Commons Net: POP3Client (legacy), or POP3SClient in explicit mode with
 * execTLS() (--starttls enable|required).
 */
public final class Pop3Reader {
    private Pop3Reader() {
    }

    public static void main(String[] a) {
        DemoArgs args = new DemoArgs(a);
        boolean implicit = args.startTls().equals("implicit");
        boolean tlsAware = !args.startTls().equals("off") && !implicit;
        POP3Client client = implicit ? new POP3SClient(true) : tlsAware ? new POP3SClient(false) : new POP3Client();
        try {
            client.setConnectTimeout(10_000);
            client.setDefaultTimeout(60_000);
            client.connect(args.get("host", "localhost"), args.port(110));
            if (!client.getReplyString().startsWith("+OK")) {
                throw new IOException("greeting: " + client.getReplyString().trim());
            }
            if (tlsAware && !((POP3SClient) client).execTLS() && args.startTls().equals("required")) {
                throw new IOException("STLS failed and TLS is required: " + client.getReplyString().trim());
            }
            if (!client.login(args.get("user", "alice"), args.get("password", ""))) {
                throw new IOException("login failed: " + client.getReplyString().trim());
            }
            POP3MessageInfo[] messages = client.listMessages();
            if (messages == null || messages.length == 0) {
                throw new IOException("no messages: " + client.getReplyString().trim());
            }
            try (Reader message = client.retrieveMessage(messages[0].number);
                 BufferedReader lines = new BufferedReader(message)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("Subject:")) {
                        System.out.println(line);
                    }
                }
            }
            client.logout();
            client.disconnect();
            Results.success("mailbox read, " + messages.length + " message(s)");
        } catch (Exception e) {
            Results.failure(e);
        }
    }
}
