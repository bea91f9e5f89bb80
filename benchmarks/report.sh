#!/usr/bin/env bash
# The report command over a fleet's worth of audit lines: N records (default 1,000,000) to 1,000
# destinations, in the agent's own format, rolled up from a plain file, from gzip, through
# standard input, and as TLS-RPT; each in a JVM limited to a 64 MB heap, which shows that memory
# does not grow with the records. Prints wall time and peak resident memory of each.
#
#   benchmarks/report.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
agent=$PWD/agent/target/starttls-agent.jar
java=${JAVA:-java}
[ -f "$agent" ] || ./mvnw -q -B -DskipTests package
work=$(mktemp -d /tmp/starttls-report-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

awk -v n="$n" 'BEGIN {
  split("upgraded upgraded upgraded upgraded upgraded upgraded blocked plaintext-fallback app-managed-tls plaintext-observed", outcome, " ");
  split("starttls-not-supported certificate-expired starttls-injection certificate-host-mismatch", reason, " ");
  for (i = 0; i < n; i++) {
    d = i % 1000; o = outcome[i % 10 + 1]; s = i % 86400;
    r = (o == "blocked" || o == "plaintext-fallback") ? ",\"reason\":\"" reason[i % 4 + 1] "\",\"detail\":\"STARTTLS was not offered in the EHLO reply\"" : "";
    t = (o == "upgraded") ? ",\"tls_version\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\",\"peer_subject\":\"CN=mx" d ".example.net\",\"peer_issuer\":\"CN=Example CA,O=Example\",\"peer_not_after\":\"2027-01-15T00:00:00Z\",\"tls_resumed\":true,\"trust\":\"verified\"" : "";
    printf "{\"time\":\"2026-11-%02d T%02d:%02d:%02d.000Z\",\"host\":\"mx%d.example.net\",\"address\":\"192.0.2.%d\",\"port\":25,\"protocol\":\"smtp\",\"mode\":\"enforce\",\"verify\":\"host\",\"outcome\":\"%s\"%s%s,\"policy_rule\":\"global\",\"app_class\":\"com.example.batch.NightlyMailer\",\"credentials_in_clear\":false,\"mail_in_clear\":false}\n", (i % 30) + 1, s / 3600, (s / 60) % 60, s % 60, d, d % 250, o, r, t
  }
}' | sed 's/ T/T/' > "$work/audit.jsonl"
gzip -k -1 "$work/audit.jsonl"
echo "records: $n; plain $(du -h "$work/audit.jsonl" | cut -f1), gzip $(du -h "$work/audit.jsonl.gz" | cut -f1)"

measure() {
  local label=$1; shift
  local start end
  start=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" 2> "$work/err"
  else
    "$@" > "$work/out" 2> "$work/err"; echo "?" > "$work/rss"
  fi
  end=$(date +%s%N)
  printf '%-28s %6d ms   peak RSS %s kB   %s\n' "$label" $(( (end - start) / 1000000 )) "$(tail -1 "$work/rss")" \
    "$(head -1 "$work/out" | cut -c1-60)"
}
jvm=("$java" -Xmx64m -jar "$agent" report)
measure "plain file" "${jvm[@]}" "$work/audit.jsonl"
measure "gzip file" "${jvm[@]}" "$work/audit.jsonl.gz"
measure "standard input" sh -c "\"$java\" -Xmx64m -jar \"$agent\" report - < \"$work/audit.jsonl\""
measure "--tlsrpt" "${jvm[@]}" --tlsrpt --organization bench --contact bench@example.test "$work/audit.jsonl"
measure "wc -l (reading alone)" wc -l "$work/audit.jsonl"
