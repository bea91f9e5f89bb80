package io.starttls.agent.config;

import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * A pinned server identity, Postfix's "fingerprint" level: the SHA-256 of the server's certificate
 * ({@code cert-sha256:}) or of its public key, the DER SubjectPublicKeyInfo ({@code key-sha256:},
 * as HPKP and curl's --pinnedpubkey take it), in hex (colons allowed, as openssl prints it) or
 * base64.
 */
public final class Pin {
    public enum Kind { CERTIFICATE, PUBLIC_KEY }

    private final Kind kind;
    private final byte[] sha256;

    private Pin(Kind kind, byte[] sha256) {
        this.kind = kind;
        this.sha256 = sha256;
    }

    public static Pin parse(String value) throws IllegalArgumentException {
        int colon = value.indexOf(':');
        String type = colon < 0 ? "" : value.substring(0, colon).toLowerCase(Locale.ROOT);
        Kind kind = type.equals("cert-sha256") ? Kind.CERTIFICATE : type.equals("key-sha256") ? Kind.PUBLIC_KEY : null;
        if (kind == null) {
            throw new IllegalArgumentException("a pin is cert-sha256:DIGEST (of the certificate) or key-sha256:DIGEST "
                    + "(of its public key), the SHA-256 in hex or base64");
        }
        byte[] digest = digest(value.substring(colon + 1).trim());
        if (digest == null) {
            throw new IllegalArgumentException("the digest of a pin must be 32 bytes of SHA-256, in hex (64 digits, "
                    + "colons allowed) or base64 (44 characters)");
        }
        return new Pin(kind, digest);
    }

    private static byte[] digest(String text) {
        String hex = text.replace(":", "");
        if (hex.matches("[0-9A-Fa-f]{64}")) {
            byte[] out = new byte[32];
            for (int i = 0; i < 32; i++) {
                out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            return out;
        }
        try {
            byte[] out = Base64.getDecoder().decode(text);
            return out.length == 32 ? out : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public Kind kind() {
        return kind;
    }

    /** True when {@code digest} (the SHA-256 of what this pin's kind names) is this pin. */
    public boolean matches(byte[] digest) {
        return Arrays.equals(sha256, digest);
    }

    /** The form that {@code check} and the documentation print: kind and base64. */
    public static String format(Kind kind, byte[] digest) {
        return (kind == Kind.CERTIFICATE ? "cert-sha256:" : "key-sha256:") + Base64.getEncoder().encodeToString(digest);
    }

    @Override
    public String toString() {
        return format(kind, sha256);
    }
}
