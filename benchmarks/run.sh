#!/usr/bin/env bash
# The benchmark suite: start-up, non-mail sockets (JMH), SMTP sessions against real Postfix
# (plain, native JSSE STARTTLS, the same with TCP_NODELAY, a legacy client under the agent, the same
# legacy client through stunnel's client mode), and bulk throughput. Every comparison runs
# interleaved, in rounds, on this machine; every counted run is checked (mail accepted, TLS on the
# wire). Prints a table of medians, min, max and ratios.
#
#   benchmarks/run.sh            the full run (about 10 minutes)
#   benchmarks/run.sh quick      a smoke run of a few iterations
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}
rounds=5; sessions=40; warmup=20; bulk_mb=20; bulk_sessions=3; startup_runs=20; jmh="-f 1 -wi 3 -i 5 -w 1s -r 1s"
concurrent=500; short=100000
if [ "$quick" = quick ]; then
  rounds=1; sessions=5; warmup=2; bulk_mb=2; bulk_sessions=1; startup_runs=3; jmh="-f 1 -wi 1 -i 1 -w 200ms -r 200ms"
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
bash integration-tests/real-servers/real-servers.sh start
eval "$(bash integration-tests/real-servers/real-servers.sh env | sed -E 's/^([a-z0-9]+)\.([a-z]+)=/\1_\2=/')"
smtp=$smtp_port
truststore=$truststore
if ! command -v stunnel4 >/dev/null && ! command -v stunnel >/dev/null; then
  if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stunnel4 >/dev/null 2>&1 || true; fi
fi
stunnel_bin=$(command -v stunnel4 || command -v stunnel || true)
stunnel_port=10026
if [ -n "$stunnel_bin" ]; then
  cat > "$work/stunnel.conf" <<CONF
pid = $work/stunnel.pid
foreground = no
[smtp-client]
client = yes
accept = 127.0.0.1:$stunnel_port
connect = 127.0.0.1:$smtp
protocol = smtp
CONF
  "$stunnel_bin" "$work/stunnel.conf"
  sleep 0.5
fi

stats() { # file -> "median min max" of the numbers in it
  sort -g "$1" | awk '{v[NR]=$1} END {if (NR==0) {print "- - -"; exit} m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.2f %.2f %.2f", m, v[1], v[NR]}'
}
tls_lines() { grep -c "TLS connection established from" "$logs/postfix.log" || true; }

# One batch of one mode: appends per-session times to $work/<mode>.times; checks the batch.
batch() {
  local mode=$1 count=$2 warm=$3 size=$4 out=$work/$1.$4.out
  local before; before=$(tls_lines)
  case "$mode" in
    plain) "$java" -cp "$bench" io.starttls.bench.SmtpSessionClient plain localhost "$smtp" "$count" "$warm" "$size" > "$out" ;;
    native|native-nodelay) "$java" -Djavax.net.ssl.trustStore="$truststore" -Djavax.net.ssl.trustStorePassword=changeit \
        -cp "$bench" io.starttls.bench.SmtpSessionClient "$mode" localhost "$smtp" "$count" "$warm" "$size" > "$out" ;;
    agent) "$java" -javaagent:"$agent"=smtp-ports="$smtp",log=off,audit-log="$work/audit.jsonl" \
        -cp "$bench" io.starttls.bench.SmtpSessionClient legacy localhost "$smtp" "$count" "$warm" "$size" > "$out" ;;
    stunnel) "$java" -cp "$bench" io.starttls.bench.SmtpSessionClient legacy localhost "$stunnel_port" "$count" "$warm" "$size" > "$out" ;;
  esac
  sleep 0.3
  local tls=$(( $(tls_lines) - before ))
  local expected=$((count + warm))
  [ "$mode" = plain ] && expected=0
  if [ "$tls" -ne "$expected" ]; then
    echo "bench: $mode: Postfix logged $tls TLS sessions, expected $expected: not counted" >&2; return 1
  fi
  grep '^session ' "$out" | awk '{print $2}' >> "$work/$mode.$size.times"
  grep '^first ' "$out" | awk '{print $2}' >> "$work/$mode.$size.first"
  grep '^commands ' "$out" | awk '{print $2}' > "$work/$mode.commands"
}

modes=(plain native native-nodelay agent)
[ -n "$stunnel_bin" ] && modes+=(stunnel)

echo "== SMTP sessions: $rounds rounds x $sessions sessions of 1 KB per mode (after $warmup warm-up), interleaved"
for r in $(seq "$rounds"); do for m in "${modes[@]}"; do batch "$m" "$sessions" "$warmup" 1024; done; done
echo "== bulk: ${bulk_mb} MB messages"
for r in $(seq "$rounds"); do for m in "${modes[@]}"; do batch "$m" "$bulk_sessions" 1 $((bulk_mb * 1024 * 1024)); done; done

echo "== non-mail sockets (JMH), interleaved"
for r in $(seq 2); do
  "$java" -jar "$bench" NonMailSocketBenchmark $jmh -rf csv -rff "$work/jmh-plain-$r.csv" >/dev/null
  "$java" -jar "$bench" NonMailSocketBenchmark $jmh -jvmArgsAppend "-javaagent:$agent=mode=enforce" \
    -rf csv -rff "$work/jmh-agent-$r.csv" >/dev/null
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
kill "$bench_server"; bench_server=

echo "== start-up"
bash benchmarks/startup.sh "$startup_runs" > "$work/startup.txt"

echo
echo "Results ($(date -u +%Y-%m-%d), $("$java" -version 2>&1 | head -n 1), $(nproc) cores)"
echo
echo "SMTP session, 1 KB message, per session (ms), legacy client unless said otherwise:"
read -r base _ _ <<<"$(stats "$work/native-nodelay.1024.times")"
printf "  %-34s %8s %8s %8s %10s %10s %9s\n" mode median min max "first" "vs nodelay" commands
for m in "${modes[@]}"; do
  read -r med mn mx <<<"$(stats "$work/$m.1024.times")"
  read -r first _ _ <<<"$(stats "$work/$m.1024.first")"
  printf "  %-34s %8s %8s %8s %10s %10s %9s\n" "$m" "$med" "$mn" "$mx" "$first" \
    "$(awk -v a="$med" -v b="$base" 'BEGIN{printf "%.2fx", a/b}')" "$(cat "$work/$m.commands")"
done
echo
echo "Bulk, ${bulk_mb} MB message (MB/s; median of the messages after the first):"
for m in "${modes[@]}"; do
  read -r med mn mx <<<"$(stats "$work/$m.$((bulk_mb * 1024 * 1024)).times")"
  read -r first _ _ <<<"$(stats "$work/$m.$((bulk_mb * 1024 * 1024)).first")"
  printf "  %-34s %8s MB/s (first message %s MB/s)\n" "$m" "$(awk -v t="$med" -v s="$bulk_mb" 'BEGIN{printf "%.1f", s*1000/t}')" \
    "$(awk -v t="$first" -v s="$bulk_mb" 'BEGIN{printf "%.1f", s*1000/t}')"
done
echo
echo "Non-mail sockets (JMH, us/op, lower is better; each line: without agent, with agent, ratio):"
for b in roundTrip hotLoop hotLoopKeptStreams; do
  p=$(cat "$work"/jmh-plain-*.csv | grep "\.$b\"" | awk -F, '{print $5}' | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
  a=$(cat "$work"/jmh-agent-*.csv | grep "\.$b\"" | awk -F, '{print $5}' | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
  printf "  %-22s %10s %10s %8s\n" "$b" "$p" "$a" "$(awk -v a="$a" -v p="$p" 'BEGIN{printf "%.3f", a/p}')"
done
echo
echo "Memory and scale (native: JSSE STARTTLS done by the client itself; legacy: a plain client under the agent):"
sed 's/^/  /' "$work/scale.txt"
echo
echo "Start-up (hello world):"
sed 's/^/  /' "$work/startup.txt"
echo
echo "Agent audit: $(grep -c '"outcome":"upgraded"' "$work/audit.jsonl") upgraded sessions recorded"
