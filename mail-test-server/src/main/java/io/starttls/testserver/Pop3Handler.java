package io.starttls.testserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A small POP3 server (RFC 1939, RFC 2449, RFC 2595) with one mailbox of one message. */
final class Pop3Handler implements ProtocolHandler {
    static final String GREETING = "+OK test POP3 server ready <1896.697170952@test.localhost>";

    @Override
    public String goodbye() {
        return "-ERR test POP3 server going away";
    }

    @Override
    public String greeting(ServerScript script) {
        return GREETING;
    }

    @Override
    public String unsolicitedReply() {
        return "+OK\r\nSTLS\r\n.\r\n";
    }

    @Override
    public void serve(ServerConnection c, ServerScript script, ScriptedMailServer server, RecordedSession session)
            throws IOException {
        String user = null;
        boolean loggedIn = false;
        String line;
        while ((line = c.readCommand()) != null) {
            String[] words = line.split(" ", 2);
            String command = words[0].toUpperCase(Locale.ROOT);
            String arg = words.length > 1 ? words[1] : "";
            switch (command) {
                case "CAPA":
                    if (script.capaUnsupported) {
                        c.sendLine("-ERR unknown command");
                        break;
                    }
                    c.sendLine("+OK capability list follows");
                    c.sendLine("TOP");
                    c.sendLine("UIDL");
                    if (!c.inTls() && script.startTls != ServerScript.StartTls.HIDE) {
                        c.sendLine(script.hostile == ServerScript.Hostile.ODD_CAPABILITIES ? "  stls  " : "STLS");
                    }
                    c.sendLine("USER");
                    c.sendLine(".");
                    break;
                case "STLS":
                    if (c.inTls() || script.startTls == ServerScript.StartTls.HIDE) {
                        c.sendLine("-ERR unknown command");
                    } else if (!StartTlsStep.answer(c, script, server, "+OK Begin TLS negotiation",
                            "-ERR TLS refused", "-ERR syntax error", "-ERR [SYS/TEMP] TLS not available right now")) {
                        return;
                    }
                    break;
                case "USER":
                    user = arg;
                    c.sendLine("+OK send PASS");
                    break;
                case "PASS":
                    if (script.hostile == ServerScript.Hostile.ECHO_SECRETS) {
                        c.sendLine("-ERR [AUTH] bad password '" + arg + "'");
                        break;
                    }
                    if (Mailbox.USER.equals(user) && Mailbox.PASSWORD.equals(arg)) {
                        loggedIn = true;
                        session.authenticated(user);
                        c.sendLine("+OK logged in");
                    } else {
                        c.sendLine("-ERR [AUTH] invalid credentials");
                    }
                    break;
                case "STAT":
                    c.sendLine(loggedIn ? "+OK 1 " + size() : "-ERR not logged in");
                    break;
                case "LIST":
                    if (!loggedIn) {
                        c.sendLine("-ERR not logged in");
                        break;
                    }
                    if (!arg.isEmpty()) {
                        c.sendLine("+OK " + arg.trim() + " " + size());
                        break;
                    }
                    c.sendLine("+OK 1 messages");
                    c.sendLine("1 " + size());
                    c.sendLine(".");
                    break;
                case "RETR":
                    if (!loggedIn) {
                        c.sendLine("-ERR not logged in");
                        break;
                    }
                    c.send("+OK " + size() + " octets\r\n" + Mailbox.MESSAGE + ".\r\n");
                    break;
                case "TOP":
                    if (!loggedIn) {
                        c.sendLine("-ERR not logged in");
                        break;
                    }
                    c.send("+OK top of message follows\r\n" + Mailbox.MESSAGE.substring(0,
                            Mailbox.MESSAGE.indexOf("\r\n\r\n") + 4) + ".\r\n");
                    break;
                case "UIDL":
                    c.sendLine(arg.isEmpty() ? "+OK\r\n1 msg-1\r\n." : "+OK 1 msg-1");
                    break;
                case "NOOP":
                    c.sendLine("+OK");
                    break;
                case "QUIT":
                    c.sendLine("+OK bye");
                    return;
                default:
                    c.sendLine("-ERR unknown command");
                    break;
            }
        }
    }

    private static int size() {
        return Mailbox.MESSAGE.getBytes(StandardCharsets.US_ASCII).length;
    }
}
