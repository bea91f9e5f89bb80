package io.starttls.testserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A small IMAP4rev1 server (RFC 3501, RFC 2595) with one mailbox of one message. */
final class ImapHandler implements ProtocolHandler {
    @Override
    public String goodbye() {
        return "* BYE test IMAP server going away";
    }

    @Override
    public String greeting(ServerScript script) {
        if (script.preauthGreeting) {
            return "* PREAUTH [CAPABILITY IMAP4rev1] test IMAP server, logged in as " + Mailbox.USER;
        }
        return "* OK [CAPABILITY " + capabilities(false, script) + "] test IMAP server ready";
    }

    @Override
    public String unsolicitedReply() {
        return "STLS2 OK Begin TLS negotiation now\r\n";
    }

    @Override
    public void serve(ServerConnection c, ServerScript script, ScriptedMailServer server, RecordedSession session)
            throws IOException {
        boolean loggedIn = script.preauthGreeting;
        String line;
        while ((line = c.readCommand()) != null) {
            String[] words = line.split(" ", 3);
            if (words.length < 2) {
                c.sendLine("* BAD missing command");
                continue;
            }
            String tag = words[0];
            String command = words[1].toUpperCase(Locale.ROOT);
            String args = words.length > 2 ? words[2] : "";
            switch (command) {
                case "CAPABILITY":
                    c.sendLine("* CAPABILITY " + capabilities(c.inTls(), script));
                    c.sendLine(tag + " OK CAPABILITY completed");
                    break;
                case "STARTTLS":
                    if (c.inTls() || script.startTls == ServerScript.StartTls.HIDE) {
                        c.sendLine(tag + " BAD STARTTLS not available");
                    } else if (!StartTlsStep.answer(c, script, server, tag + " OK Begin TLS negotiation now",
                            tag + " NO TLS refused", tag + " BAD syntax error",
                            tag + " NO [UNAVAILABLE] TLS not available right now")) {
                        return;
                    }
                    break;
                case "LOGIN":
                    if (script.hostile == ServerScript.Hostile.ECHO_SECRETS) {
                        c.sendLine(tag + " NO [AUTHENTICATIONFAILED] invalid login: " + args);
                        break;
                    }
                    if (!c.inTls() && script.startTls == ServerScript.StartTls.OFFER) {
                        c.sendLine(tag + " NO [PRIVACYREQUIRED] LOGIN is disabled before STARTTLS");
                        break;
                    }
                    String[] credentials = args.replace("\"", "").split(" ");
                    if (credentials.length == 2 && credentials[0].equals(Mailbox.USER)
                            && credentials[1].equals(Mailbox.PASSWORD)) {
                        loggedIn = true;
                        session.authenticated(credentials[0]);
                        c.sendLine(tag + " OK LOGIN completed");
                    } else {
                        c.sendLine(tag + " NO [AUTHENTICATIONFAILED] invalid credentials");
                    }
                    break;
                case "AUTHENTICATE":
                    if (!args.toUpperCase(Locale.ROOT).startsWith("PLAIN")) {
                        c.sendLine(tag + " NO unsupported mechanism");
                        break;
                    }
                    String initial = args.length() > 6 ? args.substring(6).trim() : null;
                    if (initial == null || initial.isEmpty()) {
                        c.sendLine("+ ");
                        initial = c.readLine();
                    }
                    String[] plain = new String(java.util.Base64.getDecoder().decode(initial.trim()),
                            StandardCharsets.UTF_8).split("\u0000");
                    if (plain.length == 3 && plain[1].equals(Mailbox.USER) && plain[2].equals(Mailbox.PASSWORD)) {
                        loggedIn = true;
                        session.authenticated(plain[1]);
                        c.sendLine(tag + " OK AUTHENTICATE completed");
                    } else {
                        c.sendLine(tag + " NO [AUTHENTICATIONFAILED] invalid credentials");
                    }
                    break;
                case "SELECT":
                case "EXAMINE":
                    if (!loggedIn) {
                        c.sendLine(tag + " NO not logged in");
                        break;
                    }
                    c.sendLine("* 1 EXISTS");
                    c.sendLine("* 0 RECENT");
                    c.sendLine("* FLAGS (\\Seen)");
                    c.sendLine(tag + " OK [READ-WRITE] SELECT completed");
                    break;
                case "FETCH":
                    if (!loggedIn) {
                        c.sendLine(tag + " NO not logged in");
                        break;
                    }
                    c.send("* 1 FETCH (" + fetchItems(args.toUpperCase(Locale.ROOT)) + ")\r\n");
                    c.sendLine(tag + " OK FETCH completed");
                    break;
                case "CLOSE":
                case "UNSELECT":
                    c.sendLine(tag + " OK " + command + " completed");
                    break;
                case "NOOP":
                    c.sendLine(tag + " OK NOOP completed");
                    break;
                case "LOGOUT":
                    c.sendLine("* BYE logging out");
                    c.sendLine(tag + " OK LOGOUT completed");
                    return;
                default:
                    c.sendLine(tag + " BAD unknown command");
                    break;
            }
        }
    }

    /** The data items a FETCH asked for, of the one message (enough for JavaMail and Commons Net). */
    private static String fetchItems(String request) {
        byte[] body = Mailbox.MESSAGE.getBytes(StandardCharsets.US_ASCII);
        StringBuilder items = new StringBuilder();
        if (request.contains("UID")) {
            items.append("UID 1 ");
        }
        if (request.contains("FLAGS")) {
            items.append("FLAGS (\\Seen) ");
        }
        if (request.contains("RFC822.SIZE")) {
            items.append("RFC822.SIZE ").append(body.length).append(' ');
        }
        String items0 = items.toString().trim();
        items.setLength(0);
        items.append(items0);
        if (request.contains("BODY") || request.replace("RFC822.SIZE", "").contains("RFC822")) {
            items.append(items0.isEmpty() ? "" : " ");
            // A partial fetch (BODY.PEEK[]<0.16384>, JavaMail's default) is answered as such.
            items.append(request.contains("]<0.") ? "BODY[]<0> {" : "BODY[] {").append(body.length).append("}\r\n")
                    .append(Mailbox.MESSAGE);
        }
        return items.toString(); // not trimmed: the literal ends with the message's own CRLF
    }

    private static String capabilities(boolean inTls, ServerScript script) {
        if (script.hostile == ServerScript.Hostile.ODD_CAPABILITIES && !inTls) {
            return "IMAP4rev1  SASL-IR LITERAL+ ID ENABLE IDLE   starttls LOGINDISABLED";
        }
        if (inTls) {
            return "IMAP4rev1 AUTH=PLAIN";
        }
        if (script.startTls == ServerScript.StartTls.HIDE) {
            return "IMAP4rev1 AUTH=PLAIN";
        }
        return "IMAP4rev1 STARTTLS" + (script.startTls == ServerScript.StartTls.OFFER ? " LOGINDISABLED" : "");
    }
}
