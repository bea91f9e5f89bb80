package io.starttls.agent.report;

import io.starttls.agent.audit.AuditFormat;
import java.util.Map;

/**
 * The rollup as an SMTP TLS report (RFC 8460 section 4): the date range, one policy entry per
 * destination ("no-policy-found": the agent applies its own policy, not DANE or MTA-STS), its
 * session counts, and its failures by result type. A reason of ours that is no RFC result type is
 * reported as "validation-failure" (the RFC's general failure) with our word as failure-reason-code.
 */
final class TlsRptReport {
    private TlsRptReport() {
    }

    static String of(Rollup rollup, String organization, String contact, String reportId) {
        StringBuilder j = new StringBuilder(1024);
        j.append("{\"organization-name\":");
        AuditFormat.quote(j, organization);
        j.append(",\"date-range\":{\"start-datetime\":");
        AuditFormat.quote(j, seconds(rollup.firstTime()));
        j.append(",\"end-datetime\":");
        AuditFormat.quote(j, seconds(rollup.lastTime()));
        j.append("},\"contact-info\":");
        AuditFormat.quote(j, contact);
        j.append(",\"report-id\":");
        AuditFormat.quote(j, reportId);
        j.append(",\"policies\":[");
        boolean firstPolicy = true;
        for (DestinationSummary d : rollup.destinations()) {
            j.append(firstPolicy ? "\n" : ",\n");
            firstPolicy = false;
            j.append("{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-domain\":");
            AuditFormat.quote(j, d.host);
            j.append("},\"summary\":{\"total-successful-session-count\":").append(d.tlsSuccesses)
                    .append(",\"total-failure-session-count\":").append(d.tlsFailures).append("},\"failure-details\":[");
            boolean firstDetail = true;
            for (Map.Entry<String, Long> f : d.failures.entrySet()) {
                String[] parts = f.getKey().split("\n", -1);
                j.append(firstDetail ? "" : ",");
                firstDetail = false;
                j.append("{\"result-type\":");
                AuditFormat.quote(j, parts[0]);
                j.append(",\"receiving-mx-hostname\":");
                AuditFormat.quote(j, d.host);
                if (!parts[2].isEmpty()) {
                    j.append(",\"receiving-ip\":");
                    AuditFormat.quote(j, parts[2]);
                }
                j.append(",\"failed-session-count\":").append(f.getValue());
                if (!parts[1].isEmpty()) {
                    j.append(",\"failure-reason-code\":");
                    AuditFormat.quote(j, parts[1]);
                }
                j.append('}');
            }
            j.append("]}");
        }
        return j.append("\n]}\n").toString();
    }

    /** RFC 3339 to the second, as the RFC's examples: 2026-12-01T00:00:00Z. */
    static String seconds(String isoMillis) {
        if (isoMillis == null) {
            return "";
        }
        return isoMillis.length() >= 19 && isoMillis.endsWith("Z") ? isoMillis.substring(0, 19) + "Z" : isoMillis;
    }
}
