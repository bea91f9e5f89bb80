package io.starttls.testserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** A small ESMTP server (RFC 5321, RFC 3207, RFC 4954) that accepts mail for anyone. */
final class SmtpHandler implements ProtocolHandler {
    @Override
    public String goodbye() {
        return "421 4.3.2 test.localhost closing, try later";
    }

    @Override
    public String greeting(ServerScript script) {
        return "220 test.localhost ESMTP starttls-agent test server";
    }

    @Override
    public String unsolicitedReply() {
        return "250-test.localhost\r\n250 STARTTLS\r\n";
    }

    @Override
    public void serve(ServerConnection c, ServerScript script, ScriptedMailServer server, RecordedSession session)
            throws IOException {
        String from = null;
        int recipients = 0;
        String line;
        while ((line = c.readCommand()) != null) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                StringBuilder reply = new StringBuilder("250-test.localhost greets you\r\n250-PIPELINING\r\n");
                if (script.hostile == ServerScript.Hostile.ODD_CAPABILITIES) {
                    for (int i = 0; i < 40; i++) {
                        reply.append("250-X-EXTENSION-").append(i).append(" with  odd   spacing\r\n");
                    }
                }
                if (!c.inTls() && script.startTls != ServerScript.StartTls.HIDE) {
                    reply.append(script.hostile == ServerScript.Hostile.ODD_CAPABILITIES ? "250-  StartTLS  \r\n"
                            : "250-STARTTLS\r\n");
                }
                // Like real submission servers, AUTH is offered only once TLS is up (unless TLS is unavailable).
                if (c.inTls() || script.startTls != ServerScript.StartTls.OFFER) {
                    reply.append("250-AUTH PLAIN LOGIN\r\n");
                }
                reply.append("250 8BITMIME\r\n");
                c.send(reply.toString());
            } else if (upper.startsWith("HELO")) {
                c.sendLine("250 test.localhost");
            } else if (upper.equals("STARTTLS")) {
                if (c.inTls()) {
                    c.sendLine("503 5.5.1 TLS already active");
                } else if (script.startTls == ServerScript.StartTls.HIDE) {
                    c.sendLine("502 5.5.1 command not implemented");
                } else if (!StartTlsStep.answer(c, script, server, "220 2.0.0 Ready to start TLS",
                        "554 5.7.0 TLS refused", "501 5.5.4 Syntax error in parameters",
                        "454 4.7.0 TLS not available due to temporary reason")) {
                    return;
                }
            } else if (upper.startsWith("AUTH") && script.hostile == ServerScript.Hostile.ECHO_SECRETS) {
                c.sendLine("535 5.7.8 authentication failed for '" + line + "'");
            } else if (upper.startsWith("AUTH PLAIN")) {
                String payload = line.length() > 11 ? line.substring(11).trim() : null;
                if (payload == null || payload.isEmpty()) {
                    c.sendLine("334 ");
                    payload = c.readLine();
                }
                String[] parts = new String(Base64.getDecoder().decode(payload.trim()), StandardCharsets.UTF_8)
                        .split("\u0000");
                authenticated(c, session, parts.length >= 3 ? parts[1] : "?");
            } else if (upper.startsWith("AUTH LOGIN")) {
                c.sendLine("334 VXNlcm5hbWU6");
                String user = new String(Base64.getDecoder().decode(c.readLine().trim()), StandardCharsets.UTF_8);
                c.sendLine("334 UGFzc3dvcmQ6");
                c.readLine();
                authenticated(c, session, user);
            } else if (upper.startsWith("MAIL FROM:")) {
                from = line.substring(10).trim();
                recipients = 0;
                c.sendLine("250 2.1.0 Ok");
            } else if (upper.startsWith("RCPT TO:")) {
                recipients++;
                c.sendLine(from == null ? "503 5.5.1 need MAIL first" : "250 2.1.5 Ok");
            } else if (upper.equals("DATA")) {
                if (from == null || recipients == 0) {
                    c.sendLine("503 5.5.1 need MAIL and RCPT first");
                    continue;
                }
                c.sendLine("354 End data with <CR><LF>.<CR><LF>");
                StringBuilder message = new StringBuilder();
                String data;
                while ((data = c.readLine()) != null && !data.equals(".")) {
                    message.append(data.startsWith(".") ? data.substring(1) : data).append("\r\n");
                }
                session.recordMessage(message.toString());
                c.sendLine("250 2.0.0 Ok: queued as " + session.messages().size());
                from = null;
            } else if (upper.equals("RSET")) {
                from = null;
                c.sendLine("250 2.0.0 Ok");
            } else if (upper.equals("NOOP")) {
                c.sendLine("250 2.0.0 Ok");
            } else if (upper.equals("QUIT")) {
                c.sendLine("221 2.0.0 Bye");
                return;
            } else {
                c.sendLine("502 5.5.2 command not recognized");
            }
        }
    }

    private static void authenticated(ServerConnection c, RecordedSession session, String user) throws IOException {
        session.authenticated(user);
        c.sendLine("235 2.7.0 Authentication successful");
    }
}
