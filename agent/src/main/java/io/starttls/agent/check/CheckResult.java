package io.starttls.agent.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one check saw, for the text and JSON forms. */
final class CheckResult {
    String host;
    String address;
    int port;
    String protocol;
    String rule;
    String mode;
    String verify;
    String connectProblem;
    List<String> beforeTls = new ArrayList<String>();
    List<String> afterTls = new ArrayList<String>();
    boolean startTlsOffered;
    boolean startTlsAccepted;
    String tlsVersion;
    String cipher;
    String trust;
    String trustStoreProblem;
    List<CertificateFacts> chain = new ArrayList<CertificateFacts>();
    /** verify level (none, ca, host, pin) to "accepted" or "reason: detail". */
    Map<String, String> levels = new LinkedHashMap<String, String>();
    String reason;
    String detail;
    Verdict verdict;
}
