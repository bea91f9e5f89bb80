#!/usr/bin/env bash
# Start-up cost of the agent: a hello-world JVM without an agent, with an empty agent (a premain
# that does nothing: what attaching any agent costs) and with starttls-agent, runs interleaved
# (A, B, C, A, B, C, ...) so that the noise of a shared machine falls on all alike. Prints the
# median, min and max wall time and peak RSS of each, and the median differences.
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
cat > "$work/LoadClasses.java" <<'JAVA'
public class LoadClasses {
  public static void main(String[] a) throws Exception {
    for (String name : java.nio.file.Files.readAllLines(java.nio.file.Paths.get(a[0]))) {
      try { Class.forName(name.replace('/', '.'), false, null); } catch (Throwable t) { }
    }
  }
}
JAVA
mkdir -p "$work/empty-src"
cat > "$work/empty-src/EmptyAgent.java" <<'JAVA'
public class EmptyAgent { public static void premain(String a, java.lang.instrument.Instrumentation i) { } }
JAVA
javac --release 8 -d "$work/empty-src" "$work/empty-src/EmptyAgent.java" 2>/dev/null
printf 'Premain-Class: EmptyAgent\n' > "$work/empty-src/manifest"
jar cfm "$work/empty-agent.jar" "$work/empty-src/manifest" -C "$work/empty-src" EmptyAgent.class

# A private CA in a PKCS12 trust store, and a policy file in the README's style.
keytool=$(dirname "$(readlink -f "$(command -v java)")")/keytool
"$keytool" -genkeypair -alias ca -keyalg EC -dname "CN=Benchmark CA" -keystore "$work/ca-key.p12" \
  -storepass changeit -storetype PKCS12 >/dev/null 2>&1
"$keytool" -exportcert -alias ca -keystore "$work/ca-key.p12" -storepass changeit -file "$work/ca.cer" >/dev/null 2>&1
"$keytool" -importcert -noprompt -alias ca -file "$work/ca.cer" -keystore "$work/ca.p12" -storepass changeit \
  -storetype PKCS12 >/dev/null 2>&1
printf 'changeit\n' > "$work/ca.password"; chmod 600 "$work/ca.password"
cat > "$work/policy" <<POLICY
# destination           mode           overrides
smtp.office365.com:587  enforce        verify=host
.corp.example           enforce        verify=ca truststore=$work/ca.p12 truststore-password-file=$work/ca.password
fax.corp.example        off
*:2525                  opportunistic
imap.corp.example       testing        protocol=imap
POLICY

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

# One workload on one JDK: without an agent, with the empty agent and with the agent, interleaved.
compare() {
  local java=$1 version=$2 label=$3 args=$4; shift 4
  : > "$work/plain"; : > "$work/empty"; : > "$work/agent"
  # warm the page cache once
  "$java" "$@" >/dev/null 2>&1; "$java" -javaagent:"$agent=$args" "$@" >/dev/null 2>&1
  "$java" -javaagent:"$work/empty-agent.jar" "$@" >/dev/null 2>&1
  for _ in $(seq "$runs"); do
    measure "$java" "$@" >> "$work/plain"
    measure "$java" -javaagent:"$work/empty-agent.jar" "$@" >> "$work/empty"
    measure "$java" -javaagent:"$agent=$args" "$@" >> "$work/agent"
  done
  read -r pm pmin pmax <<<"$(stats "$work/plain" 1)"
  read -r em emin emax <<<"$(stats "$work/empty" 1)"
  read -r am amin amax <<<"$(stats "$work/agent" 1)"
  read -r prss _ _ <<<"$(stats "$work/plain" 2)"
  read -r erss _ _ <<<"$(stats "$work/empty" 2)"
  read -r arss _ _ <<<"$(stats "$work/agent" 2)"
  printf "%-10s %-34s %6d ms %6d ms %6d ms %7d KiB\n" "$version" "$label" "$pm" "$pmin" "$pmax" "$prss"
  printf "%-10s %-34s %6d ms %6d ms %6d ms %7d KiB\n" "$version" "  with an empty agent" "$em" "$emin" "$emax" "$erss"
  printf "%-10s %-34s %6d ms %6d ms %6d ms %7d KiB\n" "$version" "  with agent (enforce)" "$am" "$amin" "$amax" "$arss"
  printf "%-10s %-34s %+6d ms (ratio %.2f), peak RSS %+d KiB; an empty agent adds %+d ms, %+d KiB\n" \
    "$version" "  agent adds (median)" "$((am - pm))" "$(awk -v a="$am" -v p="$pm" 'BEGIN{print a/p}')" \
    "$((arss - prss))" "$((em - pm))" "$((erss - prss))"
}

printf "%-10s %-34s %9s %9s %9s %11s\n" "jdk" "run" "median" "min" "max" "peak RSS"
for home in "${homes[@]}"; do
  java="$home/bin/java"
  version=$("$java" -version 2>&1 | head -n 1 | sed -E 's/.*version "([^"]+)".*/\1/')
  "$home/bin/javac" -d "$work" "$work/Hello.java" "$work/LoadClasses.java" 2>/dev/null \
    || javac --release 8 -d "$work" "$work/Hello.java" "$work/LoadClasses.java" 2>/dev/null
  compare "$java" "$version" "hello world" "mode=enforce" -cp "$work" Hello
  # A private CA's trust store with verify=ca, its password in a file; and a policy file of a few
  # rules: both read at the first mail connection, not in premain, so a JVM pays only for parsing.
  compare "$java" "$version" "hello world, truststore verify=ca" \
    "mode=enforce,verify=ca,truststore=$work/ca.p12,truststore-password-file=$work/ca.password" -cp "$work" Hello
  compare "$java" "$version" "hello world, policy file (5 rules)" \
    "mode=opportunistic,policy-file=$work/policy" -cp "$work" Hello
  # A JVM that goes on loading classes after start-up pays for the library transformer on each one
  # (the JVM hands every class to it): javax.swing's classes stand in for an application's.
  "$home/bin/jimage" list "$home/lib/modules" 2>/dev/null | awk '/^Module: /{m=$2} m=="java.desktop" && /javax\/swing\/.*\.class$/ {gsub(/^ +/,""); sub(/\.class$/,""); print}' > "$work/classes.txt"
  compare "$java" "$version" "loads $(wc -l < "$work/classes.txt") more classes" "mode=enforce" -cp "$work" LoadClasses "$work/classes.txt"
done
