package io.starttls.testserver;

import java.io.IOException;

/** One protocol's server side. */
interface ProtocolHandler {
    void serve(ServerConnection connection, ServerScript script, ScriptedMailServer server,
               RecordedSession session) throws IOException;
}
