package io.starttls.agent.check;

import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.protocol.LineChannel;
import io.starttls.agent.protocol.Dialects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the check says once TLS is up: it asks for the capabilities again (they may differ: AUTH
 * is often offered only inside TLS) and says goodbye. No credentials, no mail: the commands are
 * EHLO and QUIT, CAPABILITY and LOGOUT, CAPA and QUIT.
 */
final class AfterTls {
    static final String CAPABILITY_TAG = "STLS4";
    private static final int MAX_LINES = 512;

    private AfterTls() {
    }

    static void capabilitiesAndGoodbye(MailProtocol protocol, String ehloArgument, LineChannel channel)
            throws IOException {
        switch (protocol) {
            case SMTP:
                channel.writeLine("EHLO " + ehloArgument);
                readSmtpReply(channel);
                goodbye(protocol, channel);
                readSmtpReply(channel);
                break;
            case IMAP:
                channel.writeLine(CAPABILITY_TAG + " CAPABILITY");
                readUntilTagged(channel, CAPABILITY_TAG);
                goodbye(protocol, channel);
                readUntilTagged(channel, "STLS3");
                break;
            default:
                channel.writeLine("CAPA");
                if (text(channel.readLine()).startsWith("+OK")) {
                    for (int i = 0; i < MAX_LINES && !text(channel.readLine()).equals("."); i++) {
                        // the capability lines are in the transcript
                    }
                }
                goodbye(protocol, channel);
                channel.readLine();
                break;
        }
    }

    /** The protocol's goodbye, as the agent says it when it blocks a session. */
    static void goodbye(MailProtocol protocol, LineChannel channel) throws IOException {
        String quit = new String(Dialects.quit(protocol), StandardCharsets.US_ASCII);
        channel.writeLine(quit.substring(0, quit.length() - 2));
    }

    private static void readSmtpReply(LineChannel channel) throws IOException {
        for (int i = 0; i < MAX_LINES; i++) {
            String line = text(channel.readLine());
            if (line.length() < 4 || line.charAt(3) != '-') {
                return;
            }
        }
    }

    private static void readUntilTagged(LineChannel channel, String tag) throws IOException {
        for (int i = 0; i < MAX_LINES; i++) {
            if (text(channel.readLine()).startsWith(tag + " ")) {
                return;
            }
        }
    }

    private static String text(byte[] line) {
        String s = new String(line, StandardCharsets.ISO_8859_1);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
