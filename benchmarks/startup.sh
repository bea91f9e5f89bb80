#!/usr/bin/env bash
# Start-up cost of the agent: a hello-world JVM with and without -javaagent, runs interleaved
# (A, B, A, B, ...) so that the noise of a shared machine falls on both alike. Prints the median,
# min and max wall time and peak RSS of each, and the median difference.
#
#   benchmarks/startup.sh [runs] [java_home...]
# Defaults: 20 runs each; JDK 17 (the default java) and JDK 25 when present.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
shift || true
homes=("$@")
if [ ${#homes[@]} -eq 0 ]; then
  homes=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && homes+=(/usr/lib/jvm/temurin-25-jdk-amd64)
fi
agent=agent/target/starttls-agent.jar
[ -f "$agent" ] || { echo "startup.sh: $agent is missing; run ./mvnw -q -DskipTests package first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA

# one run: prints "<wall ms> <peak rss KiB>"
measure() {
  local out
  local start end
  start=$(date +%s%N)
  out=$(/usr/bin/time -f "%M" "$@" 2>&1 >/dev/null)
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(echo "$out" | tail -n 1)"
}

stats() { # file column -> "median min max"
  sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%d %d %d", m, v[1], v[NR]}'
}

printf "%-10s %-22s %8s %8s %8s %10s\n" "jdk" "run" "median" "min" "max" "peak RSS"
for home in "${homes[@]}"; do
  java="$home/bin/java"
  version=$("$java" -version 2>&1 | head -n 1 | sed -E 's/.*version "([^"]+)".*/\1/')
  "$home/bin/javac" -d "$work" "$work/Hello.java" 2>/dev/null || javac --release 8 -d "$work" "$work/Hello.java" 2>/dev/null
  : > "$work/plain"; : > "$work/agent"
  # warm the page cache once
  "$java" -cp "$work" Hello >/dev/null; "$java" -javaagent:"$agent" -cp "$work" Hello >/dev/null
  for _ in $(seq "$runs"); do
    measure "$java" -cp "$work" Hello >> "$work/plain"
    measure "$java" -javaagent:"$agent"=mode=enforce -cp "$work" Hello >> "$work/agent"
  done
  read -r pm pmin pmax <<<"$(stats "$work/plain" 1)"
  read -r am amin amax <<<"$(stats "$work/agent" 1)"
  read -r prss _ _ <<<"$(stats "$work/plain" 2)"
  read -r arss _ _ <<<"$(stats "$work/agent" 2)"
  printf "%-10s %-22s %6d ms %6d ms %6d ms %7d KiB\n" "$version" "hello world" "$pm" "$pmin" "$pmax" "$prss"
  printf "%-10s %-22s %6d ms %6d ms %6d ms %7d KiB\n" "$version" "with agent (enforce)" "$am" "$amin" "$amax" "$arss"
  printf "%-10s %-22s %+6d ms (ratio %.2f), peak RSS %+d KiB\n" "$version" "agent adds (median)" \
    "$((am - pm))" "$(awk -v a="$am" -v p="$pm" 'BEGIN{print a/p}')" "$((arss - prss))"
done
