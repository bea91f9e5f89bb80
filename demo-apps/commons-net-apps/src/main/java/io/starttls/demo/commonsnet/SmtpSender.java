package io.starttls.demo.commonsnet;

import io.starttls.demo.support.DemoArgs;
import io.starttls.demo.support.Results;
import java.io.IOException;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.apache.commons.net.smtp.SMTPSClient;

/**
 * Sends one report with Commons Net. Legacy configuration: AuthenticatingSMTPClient, AUTH PLAIN in
 * whatever the connection is. TLS-aware (--starttls enable|required): SMTPSClient in explicit mode,
 * execTLS() before the envelope; with "required", no TLS means no mail.
 */
public final class SmtpSender {
    private SmtpSender() {
    }

    public static void main(String[] a) {
        DemoArgs args = new DemoArgs(a);
        boolean implicit = args.startTls().equals("implicit");
        boolean tlsAware = !args.startTls().equals("off") && !implicit;
        SMTPClient client = implicit ? new SMTPSClient(true) : tlsAware ? new SMTPSClient(false) : new AuthenticatingSMTPClient();
        try {
            client.setConnectTimeout(10_000);
            client.setDefaultTimeout(60_000);
            client.connect(args.get("host", "localhost"), args.port(25));
            check(client, "greeting");
            client.sendCommand("EHLO", "legacy-app.example.test");
            if (tlsAware) {
                if (!((SMTPSClient) client).execTLS()) {
                    if (args.startTls().equals("required")) {
                        throw new IOException("STARTTLS failed and TLS is required: " + client.getReplyString());
                    }
                } else {
                    client.sendCommand("EHLO", "legacy-app.example.test");
                }
            } else if (args.get("user", null) != null && client instanceof AuthenticatingSMTPClient) {
                AuthenticatingSMTPClient auth = (AuthenticatingSMTPClient) client;
                if (!auth.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, args.get("user", null),
                        args.get("password", ""))) {
                    throw new IOException("AUTH failed: " + client.getReplyString());
                }
            }
            if (!client.setSender("reports@example.test") || !client.addRecipient("alice@example.test")) {
                throw new IOException("envelope refused: " + client.getReplyString());
            }
            if (!client.sendShortMessageData("Subject: Nightly batch report\r\n\r\nAll 42 jobs completed.\r\n")) {
                throw new IOException("message refused: " + client.getReplyString());
            }
            client.logout();
            client.disconnect();
            Results.success("message sent");
        } catch (Exception e) {
            Results.failure(e);
        }
    }

    private static void check(SMTPClient client, String step) throws IOException {
        if (!SMTPReply.isPositiveCompletion(client.getReplyCode())) {
            throw new IOException(step + ": " + client.getReplyString().trim());
        }
    }
}
