package io.starttls.agent.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The names a certificate is valid for, for messages ("the certificate is for mail.other.example,
 * not for mail.example.com"). Matching a name is the JDK's ({@link JdkEndpointCheck}).
 */
public final class CertificateNames {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private CertificateNames() {
    }

    /** The DNS and IP subject alternative names (OpenSSL's "DNS:", "IP:"), or the subject's CN when there are none. */
    public static String of(X509Certificate cert) {
        List<String> names = new ArrayList<String>();
        for (String dns : sans(cert, SAN_DNS)) {
            names.add("DNS:" + dns);
        }
        for (String ip : sans(cert, SAN_IP)) {
            names.add("IP:" + ip);
        }
        if (names.isEmpty()) {
            String cn = commonName(cert);
            return cn == null ? "(none)" : "CN=" + cn;
        }
        return String.join(", ", names);
    }

    private static List<String> sans(X509Certificate cert, int type) {
        List<String> out = new ArrayList<String>();
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> entry : all) {
                    if (entry.size() >= 2 && entry.get(0) instanceof Integer
                            && (Integer) entry.get(0) == type && entry.get(1) instanceof String) {
                        out.add((String) entry.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate whose SANs cannot be read names no host.
        }
        return out;
    }

    private static String commonName(X509Certificate cert) {
        try {
            LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
            for (int i = name.size() - 1; i >= 0; i--) {
                Rdn rdn = name.getRdns().get(i);
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
