package io.starttls.agent.protocol;

import io.starttls.agent.config.MailProtocol;
import java.nio.charset.StandardCharsets;

/**
 * How a blocked session ends, in the protocol's own words for a temporary failure, so that the
 * application's retry logic keeps the message.
 */
public final class BlockReply {
    private BlockReply() {
    }

    public static byte[] of(MailProtocol protocol, String message) {
        String safe = Printable.of(message, 400);
        String line;
        switch (protocol) {
            case SMTP:
                line = "421 4.7.0 " + safe;
                break;
            case IMAP:
                line = "* BYE [UNAVAILABLE] " + safe;
                break;
            default:
                line = "-ERR [SYS/TEMP] " + safe;
                break;
        }
        return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
