package io.starttls.testserver;

import java.io.IOException;

/** The server's answer to STARTTLS (STLS), well-behaved or as the script's hostility says. */
final class StartTlsStep {
    private StartTlsStep() {
    }

    /**
     * @param ok the positive reply, @param error a permanent error, @param syntax a syntax error,
     *        @param temporary the temporary refusal
     * @return true when the session goes on (in TLS or in clear), false when it must end
     */
    static boolean answer(ServerConnection c, ServerScript script, ScriptedMailServer server, String ok, String error,
                          String syntax, String temporary) throws IOException {
        switch (script.hostile) {
            case STARTTLS_ERROR:
                c.sendLine(error);
                return true;
            case STARTTLS_SYNTAX_ERROR:
                c.sendLine(syntax);
                return true;
            case STARTTLS_UNTAGGED:
                c.sendLine("* OK Begin TLS negotiation now");
                waitForClientToLeave(c);
                return false;
            case STARTTLS_WRONG_TAG:
                c.sendLine("A999 OK Begin TLS negotiation now");
                waitForClientToLeave(c);
                return false;
            case CLOSE_AFTER_STARTTLS:
                return false;
            case DRIP_HANDSHAKE:
                c.sendLine(ok);
                // A ServerHello record header, then its body one byte at a time, for a minute at most.
                c.send("\u0016\u0003\u0003\u0040\u0000");
                for (int i = 0; i < 200; i++) {
                    sleep(300);
                    c.send("\u0002");
                }
                return false;
            case INJECT_LATER_PACKET:
                c.sendLine(ok);
                sleep(300);
                c.send(ServerScript.Protocol.SMTP == script.protocol ? "250 injected\r\n" : "+OK injected\r\n");
                return c.startTls(server.certificates().serverContext(script.certificate), script.tlsProtocols);
            default:
                break;
        }
        if (script.startTls == ServerScript.StartTls.REFUSE) {
            c.sendLine(temporary);
            return true;
        }
        c.send(ok + "\r\n" + (script.injectAfterStartTls == null ? "" : script.injectAfterStartTls));
        boolean tls = c.startTls(server.certificates().serverContext(script.certificate), script.tlsProtocols,
                script.listensAfterFailedHandshake);
        if (tls && script.hostile == ServerScript.Hostile.STALL_AFTER_TLS) {
            sleep(15_000);
            return false;
        }
        return tls;
    }

    static void waitForClientToLeave(ServerConnection c) {
        try {
            while (c.readLine() != null) {
                // read and ignore until the client gives up
            }
        } catch (IOException e) {
            // gone
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
