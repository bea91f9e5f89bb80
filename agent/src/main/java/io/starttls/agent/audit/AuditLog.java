package io.starttls.agent.audit;

import java.io.File;
import io.starttls.agent.protocol.Printable;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each record as a human line through the agent's own (relocated) SLF4J, and as a JSON
 * line to the audit file when one is configured, and counts it for JMX ({@link LiveCounters}). Created on the first mail connection, so that
 * logging costs nothing at start-up.
 */
public final class AuditLog {
    private static final int MAX_LINE = 4000;
    private final Logger log;
    private final AuditFile jsonFile;
    private final LiveCounters counters;

    public AuditLog(boolean humanLines, File jsonFile) {
        this.log = humanLines ? AgentLogger.get() : null;
        this.jsonFile = jsonFile == null ? null : new AuditFile(jsonFile, this::complain);
        this.counters = LiveCounters.start(this::complain);
    }

    public void write(AuditRecord record) {
        counters.count(record);
        if (log != null) {
            // Printable: certificate names and server text are chosen by the server, and a line
            // feed in them would forge a log line of its own.
            String line = Printable.of(AuditFormat.humanLine(record), MAX_LINE);
            switch (record.outcome) {
                case UPGRADED:
                case APP_MANAGED_TLS:
                case SERVER_CLOSED:
                    log.info(line);
                    break;
                case PLAINTEXT_OBSERVED:
                    if (record.credentialsInClear || record.mailInClear) {
                        log.warn(line);
                    } else {
                        log.info(line);
                    }
                    break;
                default:
                    log.warn(line);
                    break;
            }
        }
        if (jsonFile != null) {
            jsonFile.append((AuditFormat.jsonLine(record) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A human line that is not a record: advice for the operator. */
    public void warn(String line) {
        if (log != null) {
            log.warn(Printable.of(line, MAX_LINE));
        }
    }

    /** Trouble with the audit file: on standard error even with log=off, since records are being lost. */
    private void complain(boolean error, String text) {
        if (log == null) {
            System.err.println("starttls-agent: " + (error ? "ERROR " : "") + text);
        } else if (error) {
            log.error(text);
        } else {
            log.warn(text);
        }
    }

    /** The agent's logger: SLF4J's simple backend, set up to write plain lines on standard error. */
    static final class AgentLogger {
        private AgentLogger() {
        }

        static Logger get() {
            // These names are relocated with SLF4J, so they never change the application's logging.
            defaultProperty("org.slf4j.simpleLogger.showThreadName", "false");
            defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
            defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
            defaultProperty("org.slf4j.simpleLogger.logFile", "System.err");
            return LoggerFactory.getLogger("starttls-agent");
        }

        private static void defaultProperty(String name, String value) {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        }
    }
}
