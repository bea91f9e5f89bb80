package io.starttls.agent.vocabulary;

/**
 * The reasons the agent reports. Where a TLS-RPT result type (RFC 8460) fits, it is used as is;
 * the others are ours. These words are a contract with operators who grep logs: do not rename.
 */
public final class Reasons {
    public static final String STARTTLS_NOT_SUPPORTED = "starttls-not-supported";
    public static final String CERTIFICATE_HOST_MISMATCH = "certificate-host-mismatch";
    public static final String CERTIFICATE_EXPIRED = "certificate-expired";
    public static final String CERTIFICATE_NOT_TRUSTED = "certificate-not-trusted";
    public static final String VALIDATION_FAILURE = "validation-failure";

    public static final String STARTTLS_REFUSED = "starttls-refused";
    public static final String STARTTLS_INJECTION = "starttls-injection";
    public static final String PREAUTH_GREETING = "preauth-greeting";
    public static final String UNEXPECTED_GREETING = "unexpected-greeting";
    public static final String SERVER_REJECTED = "server-rejected";
    public static final String PROTOCOL_VIOLATION = "protocol-violation";
    public static final String CONNECTION_CLOSED = "connection-closed";
    public static final String NEGOTIATION_TIMEOUT = "negotiation-timeout";
    public static final String LINE_TOO_LONG = "line-too-long";
    public static final String TLS_HANDSHAKE_FAILED = "tls-handshake-failed";
    public static final String AGENT_FAULT = "agent-fault";
    public static final String APP_DID_NOT_START_TLS = "app-did-not-start-tls";
    public static final String CLEARTEXT_REFUSED = "cleartext-refused";
    public static final String REPLY_TOO_LONG = "reply-too-long";
    public static final String APP_CLOSED = "app-closed";
    public static final String CONCURRENT_READ = "concurrent-read";
    public static final String NIO_NOT_GUARDED = "nio-not-guarded";
    /** The server's certificate is none of the destination's pins. */
    public static final String PIN_MISMATCH = "pin-mismatch";
    /** The destination's trust store could not be read (wrong password, wrong format, gone). */
    public static final String TRUSTSTORE_UNUSABLE = "truststore-unusable";

    private Reasons() {
    }
}
