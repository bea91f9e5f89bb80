#!/usr/bin/env bash
# Real Postfix and Dovecot on loopback for the integration tests.
#
#   real-servers.sh install   install the Debian packages when missing (root with apt-get)
#   real-servers.sh start     configure from the files beside this script and start both (idempotent)
#   real-servers.sh stop      stop both, by process id (idempotent)
#   real-servers.sh env       print the ports, user and trust store for the tests
#
# Exit status 3 means "cannot run here" (not root, no packages and no way to install them): the
# tests report themselves skipped with the line this script printed.
# Runtime files (queue, Maildirs, sockets, certificates) live under $RUN, a directory that the
# postfix, dovecot and nobody users can reach; logs go under the build directory ($LOGS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LOGS=${REAL_SERVERS_LOGS:-$here/../target/real-servers}
RUN=${REAL_SERVERS_RUN:-/tmp/starttls-agent-real-servers}
SMTP_PORT=${REAL_SMTP_PORT:-10025}
SUBMISSION_PORT=${REAL_SUBMISSION_PORT:-10587}
IMAP_PORT=${REAL_IMAP_PORT:-10143}
POP3_PORT=${REAL_POP3_PORT:-10110}
USER_NAME=alice@example.test
USER_PASSWORD=${REAL_SERVERS_PASSWORD:-Real-s3cret-7xQ}

cannot() { echo "real-servers: $*" >&2; exit 3; }

have_packages() { [ -x /usr/sbin/postfix ] && [ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/pop3 ]; }

install_packages() {
  have_packages && return 0
  [ "$(id -u)" = 0 ] || cannot "Postfix and Dovecot are not installed and this is not root: run as root, or apt-get install postfix dovecot-imapd dovecot-pop3d"
  command -v apt-get >/dev/null || cannot "Postfix and Dovecot are not installed and there is no apt-get"
  echo "real-servers: installing postfix dovecot-imapd dovecot-pop3d" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq postfix dovecot-imapd dovecot-pop3d; } >"$LOGS/apt.log" 2>&1 \
    || cannot "could not install postfix and dovecot (see $LOGS/apt.log)"
}

alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1" | tr -d ' ')" 2>/dev/null; }

postfix_pid() { echo "$RUN/postfix-queue/pid/master.pid"; }
dovecot_pid() { echo "$RUN/dovecot-run/master.pid"; }

fill() { # template -> file
  sed -e "s#@RUN@#$RUN#g" -e "s#@LOGS@#$LOGS#g" -e "s#@SMTP_PORT@#$SMTP_PORT#g" \
      -e "s#@SUBMISSION_PORT@#$SUBMISSION_PORT#g" -e "s#@IMAP_PORT@#$IMAP_PORT#g" -e "s#@POP3_PORT@#$POP3_PORT#g" "$1" > "$2"
}

certificates() {
  # Made once per machine; made again when they would expire within two days.
  if [ -f "$RUN/tls/truststore.p12" ] && openssl x509 -checkend 172800 -noout -in "$RUN/tls/server.crt" >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$RUN/tls"
  mkdir -p "$RUN/tls"
  (cd "$RUN/tls"
   openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=starttls-agent real-server test CA" \
     -keyout ca.key -out ca.crt >/dev/null 2>&1
   openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr >/dev/null 2>&1
   printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > san.ext
   openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile san.ext \
     -out server.crt >/dev/null 2>&1
   keytool -importcert -noprompt -alias real-server-ca -file ca.crt -keystore truststore.p12 \
     -storetype PKCS12 -storepass changeit >/dev/null 2>&1
   chmod 644 server.crt ca.crt truststore.p12; chmod 640 server.key; chgrp postfix server.key 2>/dev/null || true)
}

start() {
  mkdir -p "$LOGS"
  install_packages
  # Running daemons are reused only while their logs are still there ("mvn clean" removes them).
  if alive "$(postfix_pid)" && alive "$(dovecot_pid)" && [ -f "$LOGS/postfix.log" ] && [ -f "$LOGS/dovecot.log" ]; then
    echo "real-servers: already running" >&2
    return 0
  fi
  stop >/dev/null 2>&1 || true
  mkdir -p "$RUN"/{postfix,postfix-data,dovecot,dovecot-run,dovecot-state,mail}
  chmod 755 "$RUN" "$RUN/mail"
  chown 65534:65534 "$RUN/mail"
  certificates
  fill "$here/main.cf" "$RUN/postfix/main.cf"
  fill "$here/master.cf" "$RUN/postfix/master.cf"
  fill "$here/dovecot.conf" "$RUN/dovecot/dovecot.conf"
  echo "$USER_NAME example.test/alice/Maildir/" > "$RUN/postfix/vmailbox"
  echo "discard.test discard:" > "$RUN/postfix/transport"
  echo "$USER_NAME:{PLAIN}$USER_PASSWORD" > "$RUN/dovecot/users"
  chmod 640 "$RUN/dovecot/users"; chgrp dovecot "$RUN/dovecot/users"
  chown postfix:postfix "$RUN/postfix-data"
  : > "$LOGS/postfix.log"; : > "$LOGS/dovecot.log"
  # The auth socket lives in Postfix's queue: make the queue (root) and its private directory
  # (postfix, 0700) before Dovecot binds there; "postfix start" makes the rest.
  install -d -o root -g root -m 755 "$RUN/postfix-queue"
  install -d -o postfix -g root -m 700 "$RUN/postfix-queue/private"
  # Daemons must not keep the caller's stdout and stderr open (a caller reading them would wait forever).
  /usr/sbin/dovecot -c "$RUN/dovecot/dovecot.conf" </dev/null >>"$LOGS/dovecot-start.log" 2>&1 \
    || cannot "dovecot did not start (see $LOGS/dovecot.log and $LOGS/dovecot-start.log)"
  /usr/sbin/postfix -c "$RUN/postfix" start </dev/null >>"$LOGS/postfix-setup.log" 2>&1 \
    || cannot "postfix did not start (see $LOGS/postfix-setup.log and $LOGS/postfix.log)"
  for _ in $(seq 100); do
    if alive "$(postfix_pid)" && alive "$(dovecot_pid)" && ports_open; then
      echo "real-servers: running (smtp $SMTP_PORT, submission $SUBMISSION_PORT, imap $IMAP_PORT, pop3 $POP3_PORT)" >&2
      return 0
    fi
    sleep 0.1
  done
  cannot "postfix or dovecot did not open their ports (see $LOGS)"
}

ports_open() {
  for p in "$SMTP_PORT" "$SUBMISSION_PORT" "$IMAP_PORT" "$POP3_PORT"; do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || return 1
  done
}

stop() {
  for pidfile in "$(postfix_pid)" "$(dovecot_pid)"; do
    if alive "$pidfile"; then
      pid=$(head -n 1 "$pidfile" | tr -d ' ')
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  echo "real-servers: stopped" >&2
}

env_out() {
  echo "smtp.port=$SMTP_PORT"
  echo "submission.port=$SUBMISSION_PORT"
  echo "imap.port=$IMAP_PORT"
  echo "pop3.port=$POP3_PORT"
  echo "user=$USER_NAME"
  echo "password=$USER_PASSWORD"
  echo "truststore=$RUN/tls/truststore.p12"
  echo "maildir=$RUN/mail/example.test/alice/Maildir"
  echo "logs=$LOGS"
}

mkdir -p "$LOGS"
case "${1:-}" in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  env) env_out ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
