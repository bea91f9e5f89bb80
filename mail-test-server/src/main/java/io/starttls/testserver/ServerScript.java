package io.starttls.testserver;

/** How a scripted server behaves: well, or in one of the ways a test needs it to misbehave. */
public final class ServerScript {
    /** What the server does about STARTTLS (STLS in POP3). */
    public enum StartTls { OFFER, HIDE, REFUSE }

    public enum Protocol { SMTP, IMAP, POP3 }

    /** The hostile or broken behaviours of the catalogue (see the integration tests' HostileServerTest). */
    public enum Hostile {
        NONE,
        /** STARTTLS offered, in a long capability list with odd case and spacing. */
        ODD_CAPABILITIES,
        /** STARTTLS answered with a permanent error (SMTP 554, IMAP NO, POP3 -ERR). */
        STARTTLS_ERROR,
        /** STARTTLS answered with a syntax error (SMTP 501, IMAP BAD, POP3 -ERR). */
        STARTTLS_SYNTAX_ERROR,
        /** IMAP: an untagged OK instead of the tagged reply, then nothing. */
        STARTTLS_UNTAGGED,
        /** IMAP: a tagged OK with another command's tag. */
        STARTTLS_WRONG_TAG,
        /** The connection is closed as soon as STARTTLS arrives. */
        CLOSE_AFTER_STARTTLS,
        /** The positive reply, then plain text in a later packet, before any handshake. */
        INJECT_LATER_PACKET,
        /** The greeting twice. */
        SECOND_GREETING,
        /** The greeting and, before any command, the reply a STARTTLS would get. */
        REPLY_BEFORE_COMMAND,
        /** A greeting line of 100 KiB. */
        LONG_LINE,
        /** A greeting that never ends (continuation lines, or no line end). */
        ENDLESS_GREETING,
        /** The greeting, one byte a second. */
        DRIP,
        /** Never a word. */
        SILENT,
        /** No STARTTLS, and error replies that echo what the client sent (credentials included). */
        ECHO_SECRETS,
        /** The protocol's goodbye as the greeting (IMAP * BYE, SMTP 421, POP3 -ERR), then it listens on. */
        GOODBYE_GREETING,
        /** The sending side closed before any greeting (TCP half-close), then it listens on. */
        HALF_CLOSE_BEFORE_GREETING,
        /** Half a greeting, then the sending side closed, then it listens on. */
        HALF_CLOSE_IN_GREETING,
        /** STARTTLS accepted, then a TLS record header and one byte every 300 ms. */
        DRIP_HANDSHAKE,
        /** The greeting after a second's pause. */
        SLOW_GREETING,
        /** STARTTLS and the handshake as usual, then it stops reading for 15 s (a full TCP window). */
        STALL_AFTER_TLS
    }

    final Protocol protocol;
    final StartTls startTls;
    final String injectAfterStartTls;
    final TestCertificates.Kind certificate;
    final boolean preauthGreeting;
    final boolean capaUnsupported;
    final String[] tlsProtocols;
    final Hostile hostile;
    final boolean implicitTls;
    final boolean listensAfterFailedHandshake;

    private ServerScript(Builder b) {
        this.protocol = b.protocol;
        this.startTls = b.startTls;
        this.injectAfterStartTls = b.injectAfterStartTls;
        this.certificate = b.certificate;
        this.preauthGreeting = b.preauthGreeting;
        this.capaUnsupported = b.capaUnsupported;
        this.tlsProtocols = b.tlsProtocols;
        this.hostile = b.hostile;
        this.implicitTls = b.implicitTls;
        this.listensAfterFailedHandshake = b.listensAfterFailedHandshake;
    }

    public static Builder smtp() {
        return new Builder(Protocol.SMTP);
    }

    public static Builder imap() {
        return new Builder(Protocol.IMAP);
    }

    public static Builder pop3() {
        return new Builder(Protocol.POP3);
    }

    public Protocol protocol() {
        return protocol;
    }

    public static final class Builder {
        private final Protocol protocol;
        private StartTls startTls = StartTls.OFFER;
        private String injectAfterStartTls;
        private TestCertificates.Kind certificate = TestCertificates.Kind.GOOD;
        private boolean preauthGreeting;
        private boolean capaUnsupported;
        private String[] tlsProtocols = {"TLSv1.3", "TLSv1.2"};
        private Hostile hostile = Hostile.NONE;
        private boolean implicitTls;
        private boolean listensAfterFailedHandshake;

        private Builder(Protocol protocol) {
            this.protocol = protocol;
        }

        public Builder startTls(StartTls value) {
            this.startTls = value;
            return this;
        }

        /** Bytes sent right behind the positive STARTTLS reply, in the same write (same packet). */
        public Builder injectAfterStartTls(String bytes) {
            this.injectAfterStartTls = bytes;
            return this;
        }

        public Builder certificate(TestCertificates.Kind kind) {
            this.certificate = kind;
            return this;
        }

        public Builder preauthGreeting() {
            this.preauthGreeting = true;
            return this;
        }

        public Builder capaUnsupported() {
            this.capaUnsupported = true;
            return this;
        }

        public Builder tlsProtocols(String... protocols) {
            this.tlsProtocols = protocols;
            return this;
        }

        public Builder hostile(Hostile behaviour) {
            this.hostile = behaviour;
            if (behaviour == Hostile.ECHO_SECRETS) {
                this.startTls = StartTls.HIDE;
            }
            return this;
        }

        /** TLS from the first byte (smtps, imaps, pop3s), no STARTTLS. */
        public Builder implicitTls() {
            this.implicitTls = true;
            this.startTls = StartTls.HIDE;
            return this;
        }

        /** After a TLS handshake the client did not complete, read and record what it sends in clear. */
        public Builder listensAfterFailedHandshake() {
            this.listensAfterFailedHandshake = true;
            return this;
        }

        public ServerScript build() {
            return new ServerScript(this);
        }
    }
}
