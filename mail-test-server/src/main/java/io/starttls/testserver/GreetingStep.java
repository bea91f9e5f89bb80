package io.starttls.testserver;

import java.io.IOException;

/** Sends the greeting, or what a hostile server sends instead. */
final class GreetingStep {
    private static final long MAX_MILLIS = 60_000;

    private GreetingStep() {
    }

    /** @return true when the command loop should run */
    static boolean send(ServerConnection c, ServerScript script, ProtocolHandler handler) throws IOException {
        String greeting = handler.greeting(script);
        long end = System.currentTimeMillis() + MAX_MILLIS;
        switch (script.hostile) {
            case SILENT:
                StartTlsStep.waitForClientToLeave(c);
                return false;
            case DRIP:
                for (char ch : (greeting + "\r\n").toCharArray()) {
                    c.send(String.valueOf(ch));
                    StartTlsStep.sleep(1000);
                }
                return true;
            case LONG_LINE:
                c.send(greeting.substring(0, 4) + "x".repeat(100 * 1024) + "\r\n");
                return true;
            case ENDLESS_GREETING:
                // Bounded: until the client goes away, or a minute.
                while (System.currentTimeMillis() < end) {
                    c.send(script.protocol == ServerScript.Protocol.SMTP ? "220-still greeting you\r\n" : "xxxxxxxx");
                    StartTlsStep.sleep(5);
                }
                return false;
            case SLOW_GREETING:
                StartTlsStep.sleep(1000);
                c.sendLine(greeting);
                return true;
            case GOODBYE_GREETING:
                c.sendLine(handler.goodbye());
                StartTlsStep.waitForClientToLeave(c);
                return false;
            case HALF_CLOSE_BEFORE_GREETING:
                c.shutdownOutput();
                StartTlsStep.waitForClientToLeave(c);
                return false;
            case HALF_CLOSE_IN_GREETING:
                c.send(script.protocol == ServerScript.Protocol.SMTP ? "220-test.localhost ESMTP\r\n"
                        : greeting.substring(0, 4));
                c.shutdownOutput();
                StartTlsStep.waitForClientToLeave(c);
                return false;
            case SECOND_GREETING:
                c.sendLine(greeting);
                c.sendLine(greeting);
                return true;
            case REPLY_BEFORE_COMMAND:
                c.send(greeting + "\r\n" + handler.unsolicitedReply());
                return true;
            default:
                c.sendLine(greeting);
                return true;
        }
    }
}
