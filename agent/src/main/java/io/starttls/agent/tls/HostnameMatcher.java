package io.starttls.agent.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Does a certificate name the host the application connected to? RFC 6125: DNS-IDs in the subject
 * alternative names, a wildcard only as the whole left-most label and over at least two further
 * labels; the subject CN only when there is no DNS-ID; IP addresses only against IP SANs. The host
 * is the name the application used, never one found by reverse DNS.
 */
public final class HostnameMatcher {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostnameMatcher() {
    }

    public static boolean matches(String host, X509Certificate cert) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (isIpLiteral(h)) {
            return matchesIp(h, cert);
        }
        List<String> dnsIds = sans(cert, SAN_DNS);
        if (!dnsIds.isEmpty()) {
            for (String id : dnsIds) {
                if (matchesDnsId(h, id)) {
                    return true;
                }
            }
            return false;
        }
        String cn = commonName(cert);
        return cn != null && matchesDnsId(h, cn);
    }

    /** The names a certificate is valid for, for messages. */
    public static String namesOf(X509Certificate cert) {
        List<String> names = new ArrayList<String>(sans(cert, SAN_DNS));
        names.addAll(sans(cert, SAN_IP));
        if (names.isEmpty()) {
            String cn = commonName(cert);
            return cn == null ? "(none)" : "CN=" + cn;
        }
        return String.join(", ", names);
    }

    static boolean matchesDnsId(String host, String id) {
        String pattern = id.toLowerCase(Locale.ROOT);
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (!pattern.startsWith("*.")) {
            return !pattern.contains("*") && pattern.equals(host);
        }
        String suffix = pattern.substring(1);
        if (suffix.contains("*") || suffix.indexOf('.', 1) < 0) {
            return false;
        }
        if (!host.endsWith(suffix)) {
            return false;
        }
        String label = host.substring(0, host.length() - suffix.length());
        return !label.isEmpty() && label.indexOf('.') < 0;
    }

    private static boolean matchesIp(String host, X509Certificate cert) {
        try {
            InetAddress want = InetAddress.getByName(host);
            for (String ip : sans(cert, SAN_IP)) {
                if (isIpLiteral(ip) && InetAddress.getByName(ip).equals(want)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            return false;
        }
        return false;
    }

    /** A literal IPv4 or IPv6 address; getByName on these never asks DNS. */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return host.matches("[0-9a-f:.%\\[\\]]+");
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
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
