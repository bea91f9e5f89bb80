package io.starttls.demo.javamail;

import io.starttls.demo.support.DemoArgs;
import io.starttls.demo.support.Results;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/** Sends one report with JavaMail's (or Jakarta Mail's) SMTP Transport, authenticated. */
public final class SmtpSender {
    private SmtpSender() {
    }

    public static void main(String[] a) {
        DemoArgs args = new DemoArgs(a);
        try {
            Session session = Sessions.of("smtp", args);
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("reports@example.test"));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse("alice@example.test"));
            message.setSubject("Nightly batch report");
            message.setText("All 42 jobs completed.");
            Transport transport = session.getTransport("smtp");
            transport.connect(args.get("host", "localhost"), args.port(25), args.get("user", null),
                    args.get("password", null));
            try {
                transport.sendMessage(message, message.getAllRecipients());
            } finally {
                transport.close();
            }
            Results.success("message sent");
        } catch (Exception e) {
            Results.failure(e);
        }
    }
}
