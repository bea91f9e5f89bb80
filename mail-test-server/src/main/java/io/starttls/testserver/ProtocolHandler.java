package io.starttls.testserver;

import java.io.IOException;

/** One protocol's server side. */
interface ProtocolHandler {
    /** The greeting line (without CRLF). */
    String greeting(ServerScript script);

    /** A greeting that ends the session (IMAP BYE, SMTP 421, POP3 -ERR). */
    String goodbye();

    /** What a STARTTLS would get, sent unasked by a REPLY_BEFORE_COMMAND server. */
    String unsolicitedReply();

    /** The command loop, after the greeting. */
    void serve(ServerConnection connection, ServerScript script, ScriptedMailServer server, RecordedSession session)
            throws IOException;
}
