package io.starttls.demo.javamail;

import io.starttls.demo.support.DemoArgs;
import java.util.Properties;
import javax.mail.Session;

/** The JavaMail (or Jakarta Mail) session as these apps configure it; --starttls (off, enable, required, implicit) says which TLS switches are set. */
final class Sessions {
    private Sessions() {
    }

    static Session of(String protocol, DemoArgs args) {
        Properties p = new Properties();
        String prefix = "mail." + protocol;
        p.setProperty(prefix + ".host", args.get("host", "localhost"));
        p.setProperty(prefix + ".connectiontimeout", "10000");
        p.setProperty(prefix + ".timeout", "60000");
        if (protocol.equals("smtp")) {
            p.setProperty("mail.smtp.auth", "true");
        }
        String startTls = args.startTls();
        if (startTls.equals("implicit")) {
            // smtps / imaps / pop3s: TLS from the first byte.
            p.setProperty(prefix + ".ssl.enable", "true");
            p.setProperty(prefix + ".ssl.protocols", "TLSv1.2 TLSv1.3");
        } else if (!startTls.equals("off")) {
            p.setProperty(prefix + ".starttls.enable", "true");
            // JavaMail 1.4 offers only TLSv1 for STARTTLS unless told otherwise; modern JDKs refuse it.
            p.setProperty(prefix + ".ssl.protocols", "TLSv1.2 TLSv1.3");
        }
        if (startTls.equals("required")) {
            p.setProperty(prefix + ".starttls.required", "true");
        }
        return Session.getInstance(p);
    }
}
