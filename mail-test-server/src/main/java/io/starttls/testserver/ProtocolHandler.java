package io.starttls.testserver;

import java.io.IOException;

/** One protocol's server side. */
interface ProtocolHandler {
    /** The greeting line (without CRLF). */
    String greeting(ServerScript script);

    /** What a STARTTLS would get, sent unasked by a REPLY_BEFORE_COMMAND server. */
    String unsolicitedReply();

    /** The command loop, after the greeting. */
    void serve(ServerConnection connection, ServerScript script, ScriptedMailServer server, RecordedSession session)
            throws IOException;
}
