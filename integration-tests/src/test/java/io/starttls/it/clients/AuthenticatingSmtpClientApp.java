package io.starttls.it.clients;

import java.io.IOException;
import java.io.Writer;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/**
 * Commons Net's AuthenticatingSMTPClient used as applications do when they want STARTTLS:
 * connect, EHLO, execTLS(), EHLO again, send. Prints what execTLS() answered.
 */
public final class AuthenticatingSmtpClientApp {
    private AuthenticatingSmtpClientApp() {
    }

    public static void main(String[] args) throws IOException {
        AuthenticatingSMTPClient client = new AuthenticatingSMTPClient();
        client.setDefaultTimeout(10_000);
        client.connect("localhost", Integer.parseInt(args[0]));
        client.ehlo("exectls.example.test");
        boolean tls = client.execTLS();
        System.out.println("EXECTLS " + tls);
        if (!tls) {
            System.out.println("REPLY " + client.getReplyString().trim());
            System.exit(1);
        }
        client.ehlo("exectls.example.test");
        client.setSender("exectls@example.test");
        client.addRecipient("alice@example.test");
        Writer body = client.sendMessageData();
        body.write("Subject: execTLS\r\n\r\nsent after execTLS\r\n");
        body.close();
        if (!client.completePendingCommand() || !SMTPReply.isPositiveCompletion(client.getReplyCode())) {
            System.out.println("REPLY " + client.getReplyString().trim());
            System.exit(1);
        }
        client.logout();
        client.disconnect();
        System.out.println("SENT");
    }
}
