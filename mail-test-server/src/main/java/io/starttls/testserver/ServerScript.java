package io.starttls.testserver;

/** How a scripted server behaves: well, or in one of the ways a test needs it to misbehave. */
public final class ServerScript {
    /** What the server does about STARTTLS (STLS in POP3). */
    public enum StartTls { OFFER, HIDE, REFUSE }

    public enum Protocol { SMTP, IMAP, POP3 }

    final Protocol protocol;
    final StartTls startTls;
    final String injectAfterStartTls;
    final TestCertificates.Kind certificate;
    final boolean preauthGreeting;
    final boolean capaUnsupported;
    final String[] tlsProtocols;

    private ServerScript(Builder b) {
        this.protocol = b.protocol;
        this.startTls = b.startTls;
        this.injectAfterStartTls = b.injectAfterStartTls;
        this.certificate = b.certificate;
        this.preauthGreeting = b.preauthGreeting;
        this.capaUnsupported = b.capaUnsupported;
        this.tlsProtocols = b.tlsProtocols;
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

        public ServerScript build() {
            return new ServerScript(this);
        }
    }
}
