package io.starttls.agent.tls;

/** IANA names of the cipher suites JSSE and mail servers commonly choose; others as hex. */
final class CipherSuiteNames {
    private CipherSuiteNames() {
    }

    static String of(int suite) {
        switch (suite) {
            case 0x1301: return "TLS_AES_128_GCM_SHA256";
            case 0x1302: return "TLS_AES_256_GCM_SHA384";
            case 0x1303: return "TLS_CHACHA20_POLY1305_SHA256";
            case 0xC02B: return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
            case 0xC02C: return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
            case 0xC02F: return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
            case 0xC030: return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
            case 0xCCA8: return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
            case 0xCCA9: return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
            case 0x009E: return "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256";
            case 0x009F: return "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384";
            case 0xC023: return "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";
            case 0xC027: return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256";
            case 0x009C: return "TLS_RSA_WITH_AES_128_GCM_SHA256";
            case 0x009D: return "TLS_RSA_WITH_AES_256_GCM_SHA384";
            default: return String.format("0x%04X", suite);
        }
    }
}
