#!/usr/bin/env bash
# The benchmark suite: start-up, non-mail sockets (JMH), SMTP sessions against real Postfix and
# IMAP and POP3 sessions against real Dovecot (plain, native JSSE STARTTLS, the same with
# TCP_NODELAY, a legacy client under the agent with its port listed, the same with no port list
# (found by its conversation), the same legacy client through stunnel's client mode), TLS session resumption (full vs resumed handshakes), and bulk throughput. Every comparison
# runs interleaved, in rounds, on this machine; every counted run is checked (every reply right,
# TLS on the wire by the server's log). Prints a table of medians, min, max and ratios.
#
#   benchmarks/run.sh            the full run (about 20 minutes)
#   benchmarks/run.sh quick      a smoke run of a few iterations
#   benchmarks/run.sh second-way the agent's second way in (java.net.Socket loaded by an agent listed
#                                first, so retransformed) beside the first and native: sessions,
#                                non-mail sockets, scale (about 20 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}
rounds=5; sessions=60; warmup=200; bulk_mb=20; bulk_sessions=3; bulk_warmup=20; bulk_rounds=3; startup_runs=20; jmh="-f 1 -wi 4 -i 8 -w 1s -r 1s"; jmh_rounds=3
concurrent=500; short=100000
second_way=
if [ "$quick" = second-way ]; then second_way=yes; quick=; fi
if [ "$quick" = quick ]; then
  rounds=1; sessions=5; warmup=2; bulk_mb=2; bulk_sessions=1; bulk_warmup=2; bulk_rounds=1; startup_runs=3; jmh="-f 1 -wi 1 -i 1 -w 200ms -r 200ms"; jmh_rounds=1
  concurrent=50; short=2000
fi
work=$(mktemp -d /tmp/starttls-bench.XXXXXX)
trap '[ -n "${bench_server:-}" ] && kill "$bench_server" 2>/dev/null; bash integration-tests/real-servers/real-servers.sh stop >/dev/null 2>&1 || true; [ -f "$work/stunnel.pid" ] && kill "$(cat "$work/stunnel.pid")" 2>/dev/null; rm -rf "$work"' EXIT

echo "== build"
./mvnw -q -B -DskipTests package
agent=$PWD/agent/target/starttls-agent.jar
bench=$PWD/benchmarks/target/benchmarks.jar
java=${JAVA:-java}

echo "== servers"
# A fresh start, so that the servers run with the configuration beside real-servers.sh.
bash integration-tests/real-servers/real-servers.sh stop >/dev/null 2>&1 || true
bash integration-tests/real-servers/real-servers.sh start
eval "$(bash integration-tests/real-servers/real-servers.sh env | sed -E 's/^([a-z0-9]+)\.([a-z]+)=/\1_\2=/')"
declare -A port=([smtp]=$smtp_port [imap]=$imap_port [pop3]=$pop3_port)
# The agent takes the trust store's password from a file, as the README advises (not from its arguments).
(umask 077; printf 'changeit\n' > "$work/truststore.password")
declare -A stunnel_port=([smtp]=10026 [imap]=10027 [pop3]=10028)
if ! command -v stunnel4 >/dev/null && ! command -v stunnel >/dev/null; then
  if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stunnel4 >/dev/null 2>&1 || true; fi
fi
stunnel_bin=$(command -v stunnel4 || command -v stunnel || true)
if [ -n "$stunnel_bin" ]; then
  # debug = info: stunnel then logs "previous session reused" for every resumed TLS session.
  printf 'pid = %s\nforeground = no\ndebug = info\noutput = %s\n' "$work/stunnel.pid" "$work/stunnel.log" > "$work/stunnel.conf"
  for p in smtp imap pop3; do
    printf '[%s-client]\nclient = yes\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\nprotocol = %s\n' \
      "$p" "${stunnel_port[$p]}" "${port[$p]}" "$p" >> "$work/stunnel.conf"
  done
  "$stunnel_bin" "$work/stunnel.conf"
  sleep 0.5
fi
audit=$work/audit.jsonl
: > "$audit"; : > "$work/stunnel.log"

stats() { # file -> "median min max" of the numbers in it
  sort -g "$1" | awk '{v[NR]=$1} END {if (NR==0) {print "- - -"; exit} m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.2f %.2f %.2f", m, v[1], v[NR]}'
}
lines() { wc -l < "$1"; }
since() { tail -n +"$(($2 + 1))" "$1"; } # file, line count before -> the lines added since
count() { grep -c -- "$1" || true; }      # pattern; stdin -> matching lines
server_log() { if [ "$1" = smtp ]; then echo "$logs/postfix.log"; else echo "$logs/dovecot.log"; fi; }
tls_pattern() { # what the server logs once per TLS session
  case "$1" in
    smtp) echo "TLS connection established from" ;;
    *) echo "$1-login: Info: Login: .*, TLS, " ;;
  esac
}

# One batch of one protocol and mode: appends per-session times to $work/<protocol>.<mode>.<size>.times,
# checks the batch, and counts its full and resumed TLS handshakes.
batch() {
  local proto=$1 mode=$2 count=$3 warm=$4 size=$5 out=$work/$1.$2.$5.out
  local log; log=$(server_log "$proto")
  local log_before audit_before stunnel_before
  log_before=$(lines "$log"); audit_before=$(lines "$audit"); stunnel_before=$(lines "$work/stunnel.log")
  local args=("$count" "$warm"); if [ "$proto" = smtp ]; then args+=("$size"); else args+=("$user" "$password"); fi
  local trust=(-Djavax.net.ssl.trustStore="$truststore" -Djavax.net.ssl.trustStorePassword=changeit)
  local client=io.starttls.bench.MailSessionClient
  case "$mode" in
    plain) "$java" -cp "$bench" $client "$proto" plain localhost "${port[$proto]}" "${args[@]}" > "$out" ;;
    native|native-nodelay) "$java" "${trust[@]}" -cp "$bench" $client "$proto" "$mode" localhost "${port[$proto]}" "${args[@]}" > "$out" ;;
    agent) "$java" -javaagent:"$agent"=mode=enforce,verify=ca,truststore="$truststore",truststore-password-file="$work/truststore.password",$proto-ports="${port[$proto]}",log=off,audit-log="$audit" \
        -cp "$bench" $client "$proto" legacy localhost "${port[$proto]}" "${args[@]}" > "$out" ;;
    agent-second-way) "$java" -javaagent:"$bench" -javaagent:"$agent"=mode=enforce,verify=ca,truststore="$truststore",truststore-password-file="$work/truststore.password",$proto-ports="${port[$proto]}",log=off,audit-log="$audit" \
        -cp "$bench" $client "$proto" legacy localhost "${port[$proto]}" "${args[@]}" > "$out" ;;
    agent-unlisted) "$java" -javaagent:"$agent"=mode=enforce,verify=ca,truststore="$truststore",truststore-password-file="$work/truststore.password",log=off,audit-log="$audit" \
        -cp "$bench" $client "$proto" legacy localhost "${port[$proto]}" "${args[@]}" > "$out" ;;
    stunnel) "$java" -cp "$bench" $client "$proto" legacy localhost "${stunnel_port[$proto]}" "${args[@]}" > "$out" ;;
  esac
  local expected=$((count + warm))
  [ "$mode" = plain ] && expected=0
  # The servers write their logs on their own time: wait up to 3 s for the last lines.
  local added tls
  for _ in $(seq 30); do
    sleep 0.1
    added=$(since "$log" "$log_before")
    tls=$(echo "$added" | count "$(tls_pattern "$proto")")
    [ "$tls" -ge "$expected" ] && break
  done
  if [ "$tls" -ne "$expected" ]; then
    echo "bench: $proto $mode: the server logged $tls TLS sessions, expected $expected: not counted" >&2; return 1
  fi
  if [[ "$mode" = agent* ]] && [ "$(since "$audit" "$audit_before" | count '"outcome":"upgraded"')" -ne "$expected" ]; then
    echo "bench: $proto agent: the audit does not have one upgraded record per session: not counted" >&2; return 1
  fi
  grep '^session ' "$out" | awk '{print $2}' >> "$work/$proto.$mode.$size.times"
  grep '^first ' "$out" | awk '{print $2}' >> "$work/$proto.$mode.$size.first"
  grep '^commands ' "$out" | awk '{print $2}' > "$work/$proto.$mode.commands"
  if [ "$proto" = smtp ]; then # what Postfix counted: every command it received, the agent's included
    echo "$added" | grep -o 'disconnect from .* commands=[0-9]*' | sed 's/.*commands=//' | sort | uniq -c | sort -rn \
      | awk 'NR==1{print $2}' > "$work/$proto.$mode.server-commands"
  fi
  # Resumed handshakes: Postfix says so itself; for Dovecot, which does not, each client says so.
  local resumed=-
  if [ "$mode" != plain ]; then
    if [ "$proto" = smtp ]; then resumed=$(echo "$added" | count "Reusing old session")
    else case "$mode" in
      native*) resumed=$(awk '/^resumed /{print $2}' "$out") ;;
      agent*) resumed=$(since "$audit" "$audit_before" | count '"tls_resumed":true') ;;
      stunnel) resumed=$(since "$work/stunnel.log" "$stunnel_before" | count "previous session reused") ;;
    esac; fi
    echo "$resumed $expected" >> "$work/$proto.$mode.$size.resumed"
  fi
}

modes=(plain native native-nodelay agent agent-unlisted)
[ -n "$stunnel_bin" ] && modes+=(stunnel)
[ -n "$second_way" ] && modes=(native-nodelay agent agent-second-way)

for proto in smtp imap pop3; do
  echo "== $proto sessions: $rounds rounds x $sessions sessions per mode (after $warmup warm-up), interleaved"
  for r in $(seq "$rounds"); do for m in "${modes[@]}"; do batch "$proto" "$m" "$sessions" "$warmup" 1024; done; done
done
if [ -z "$second_way" ]; then
echo "== bulk: $bulk_rounds rounds x $bulk_sessions messages of ${bulk_mb} MB per mode (after $bulk_warmup warm-up), interleaved"
for r in $(seq "$bulk_rounds"); do for m in "${modes[@]}"; do batch smtp "$m" "$bulk_sessions" "$bulk_warmup" $((bulk_mb * 1024 * 1024)); done; done
fi

echo "== non-mail sockets (JMH), $jmh_rounds interleaved rounds"
for r in $(seq "$jmh_rounds"); do
  "$java" -jar "$bench" NonMailSocketBenchmark $jmh -rf csv -rff "$work/jmh-plain-$r.csv" >/dev/null
  "$java" -jar "$bench" NonMailSocketBenchmark $jmh -jvmArgsAppend "-javaagent:$agent=mode=enforce" \
    -rf csv -rff "$work/jmh-agent-$r.csv" >/dev/null
  if [ -n "$second_way" ]; then
    "$java" -jar "$bench" NonMailSocketBenchmark $jmh -jvmArgsAppend "-javaagent:$bench -javaagent:$agent=mode=enforce" \
      -rf csv -rff "$work/jmh-second-$r.csv" >/dev/null
  fi
done

echo "== memory and scale (embedded test server: Postfix limits its own concurrency)"
"$java" -cp "$bench" io.starttls.bench.BenchServer 10600 10601 > "$work/bench-server.out" 2>&1 &
bench_server=$!
for _ in $(seq 100); do grep -q ready "$work/bench-server.out" 2>/dev/null && break; sleep 0.1; done
"$java" -cp "$bench" io.starttls.bench.ScaleBench concurrent native 10600 "$concurrent" > "$work/scale.txt"
"$java" -javaagent:"$agent"=smtp-ports=10600:10601,log=off -cp "$bench" io.starttls.bench.ScaleBench \
  concurrent legacy 10600 "$concurrent" >> "$work/scale.txt"
"$java" -cp "$bench" io.starttls.bench.ScaleBench short 10601 "$short" | sed 's/^short/short-without-agent/' >> "$work/scale.txt"
"$java" -javaagent:"$agent"=smtp-ports=10600:10601,log=off -cp "$bench" io.starttls.bench.ScaleBench \
  short 10601 "$short" | sed 's/^short/short-with-agent/' >> "$work/scale.txt"
if [ -n "$second_way" ]; then
  "$java" -javaagent:"$bench" -javaagent:"$agent"=smtp-ports=10600:10601,log=off -cp "$bench" io.starttls.bench.ScaleBench \
    concurrent legacy 10600 "$concurrent" | sed 's/^concurrent legacy/concurrent legacy-second-way/' >> "$work/scale.txt"
  "$java" -javaagent:"$bench" -javaagent:"$agent"=smtp-ports=10600:10601,log=off -cp "$bench" io.starttls.bench.ScaleBench \
    short 10601 "$short" | sed 's/^short/short-with-agent-second-way/' >> "$work/scale.txt"
  # The same, to a port nobody listed: each socket is watched by its first exchange, its guard in the map.
  "$java" -javaagent:"$bench" -javaagent:"$agent"=log=off -cp "$bench" io.starttls.bench.ScaleBench \
    short 10601 "$short" | sed 's/^short/short-unlisted-second-way/' >> "$work/scale.txt"
fi
kill "$bench_server"; bench_server=

echo "== start-up"
if [ -z "$second_way" ]; then bash benchmarks/startup.sh "$startup_runs" > "$work/startup.txt"; else
  echo "(not measured in the second-way run)" > "$work/startup.txt"; fi

echo
echo "Results ($(date -u +%Y-%m-%d), $("$java" -version 2>&1 | head -n 1), $(nproc) cores)"
for proto in smtp imap pop3; do
  echo
  case "$proto" in
    smtp) echo "SMTP session against Postfix, 1 KB message, per session (ms), legacy client unless said otherwise:" ;;
    imap) echo "IMAP session against Dovecot (LOGIN, SELECT INBOX, LOGOUT), per session (ms):" ;;
    pop3) echo "POP3 session against Dovecot (USER, PASS, STAT, QUIT), per session (ms):" ;;
  esac
  read -r base _ _ <<<"$(stats "$work/$proto.native-nodelay.1024.times")"
  printf "  %-16s %8s %8s %8s %9s %10s %9s %11s %16s\n" mode median min max "first" "vs nodelay" "app cmds" "server cmds" "resumed TLS"
  for m in "${modes[@]}"; do
    read -r med mn mx <<<"$(stats "$work/$proto.$m.1024.times")"
    read -r first _ _ <<<"$(stats "$work/$proto.$m.1024.first")"
    resumed=-
    [ -f "$work/$proto.$m.1024.resumed" ] && resumed=$(awk '{r+=$1; t+=$2} END{printf "%d of %d", r, t}' "$work/$proto.$m.1024.resumed")
    printf "  %-16s %8s %8s %8s %9s %10s %9s %11s %16s\n" "$m" "$med" "$mn" "$mx" "$first" \
      "$(awk -v a="$med" -v b="$base" 'BEGIN{printf "%.2fx", a/b}')" "$(cat "$work/$proto.$m.commands")" \
      "$(cat "$work/$proto.$m.server-commands" 2>/dev/null || echo -)" "$resumed"
  done
done
if [ -z "$second_way" ]; then
echo
echo "Bulk, ${bulk_mb} MB message (MB/s; median of the messages after $bulk_warmup warm-up; the first message of each JVM too):"
for m in "${modes[@]}"; do
  read -r med mn mx <<<"$(stats "$work/smtp.$m.$((bulk_mb * 1024 * 1024)).times")"
  read -r first _ _ <<<"$(stats "$work/smtp.$m.$((bulk_mb * 1024 * 1024)).first")"
  printf "  %-34s %8s MB/s (first message %s MB/s)\n" "$m" "$(awk -v t="$med" -v s="$bulk_mb" 'BEGIN{printf "%.1f", s*1000/t}')" \
    "$(awk -v t="$first" -v s="$bulk_mb" 'BEGIN{printf "%.1f", s*1000/t}')"
done
fi
echo
echo "Non-mail sockets (JMH, us/op, lower is better; each line: without agent, with agent, ratio):"
for b in roundTrip hotLoop hotLoopKeptStreams streamRequests httpLikeRequest ftpLikeGreeting; do
  p=$(cat "$work"/jmh-plain-*.csv | grep "\.$b\"" | awk -F, '{print $5}' | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
  a=$(cat "$work"/jmh-agent-*.csv | grep "\.$b\"" | awk -F, '{print $5}' | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
  if [ -n "$second_way" ]; then
    w=$(cat "$work"/jmh-second-*.csv | grep "\.$b\"" | awk -F, '{print $5}' | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
    printf "  %-22s %10s %10s %8s   second way %10s %8s\n" "$b" "$p" "$a" "$(awk -v a="$a" -v p="$p" 'BEGIN{printf "%.3f", a/p}')" \
      "$w" "$(awk -v a="$w" -v p="$p" 'BEGIN{printf "%.3f", a/p}')"
  else
    printf "  %-22s %10s %10s %8s\n" "$b" "$p" "$a" "$(awk -v a="$a" -v p="$p" 'BEGIN{printf "%.3f", a/p}')"
  fi
done
echo
echo "Memory and scale (native: JSSE STARTTLS done by the client itself; legacy: a plain client under the agent):"
sed 's/^/  /' "$work/scale.txt"
echo
echo "Start-up (hello world):"
sed 's/^/  /' "$work/startup.txt"
echo
echo "Agent audit: $(grep -c '"outcome":"upgraded"' "$audit") upgraded sessions recorded, $(grep -c '"tls_resumed":true' "$audit") of them resumed"
