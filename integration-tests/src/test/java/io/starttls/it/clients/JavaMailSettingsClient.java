package io.starttls.it.clients;

import java.util.Properties;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * A legacy JavaMail 1.6 sender with settings the demo apps do not take (a SOCKS or HTTP proxy,
 * socket channels): {@code PORT USER PASSWORD [key=value...]}. Exit 0 when sent, 75 when refused.
 */
public final class JavaMailSettingsClient {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "localhost");
        p.setProperty("mail.smtp.port", args[0]);
        p.setProperty("mail.smtp.auth", "true");
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "20000");
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            p.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("batch@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("ops@example.test"));
        m.setSubject("nightly report");
        m.setText("All 42 jobs completed.");
        try {
            Transport.send(m, args[1], args[2]);
            System.out.println("RESULT: message sent");
        } catch (MessagingException e) {
            System.out.println("RESULT: refused: " + e);
            System.exit(75);
        }
    }
}
