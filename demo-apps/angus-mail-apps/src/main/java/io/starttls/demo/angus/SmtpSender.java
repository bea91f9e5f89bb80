package io.starttls.demo.angus;

import io.starttls.demo.support.DemoArgs;
import io.starttls.demo.support.Results;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Sends one report with Jakarta Mail (Angus)'s SMTP Transport, authenticated. */
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
