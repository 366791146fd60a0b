#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, on loopback, with trust authentication.
#
#   scripts/pg-test-cluster.sh start <dir> <port>   create (if absent) and start; the last
#                                                   line of stdout is the database URL
#   scripts/pg-test-cluster.sh stop <dir>           stop it (fast shutdown)
#   scripts/pg-test-cluster.sh status <dir>         exit 0 if running, 3 if not
#
# PostgreSQL refuses to run as root: as root, <dir> is handed to the `postgres` system user
# (created by Debian's postgresql package) and the server runs as that user. The data lives
# in <dir>/data, the unix socket in <dir>/sock, the server log in <dir>/postgres.log.
# Only progress and errors go to stderr; stdout carries nothing but the URL.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
RUN_AS="${PG_TEST_USER:-postgres}"

die() { echo "pg-test-cluster: $*" >&2; exit 1; }
log() { echo "pg-test-cluster: $*" >&2; }
usage() { die "usage: $0 start <dir> <port> | stop <dir> | status <dir>"; }

# Runs a server-side binary as the cluster's owner, from a directory it can read.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$RUN_AS" -- "$@")
  else
    (cd / && "$@")
  fi
}

# Port of the running server, from postmaster.pid (line 4), or empty.
running_port() {
  local pidfile="$DATA/postmaster.pid"
  [ -f "$pidfile" ] || return 0
  if as_owner "$PG_BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
    sed -n 4p "$pidfile"
  fi
}

wait_ready() {
  local port="$1" _
  for _ in $(seq 1 120); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U kefu; then return 0; fi
    sleep 0.5
  done
  die "server on port $port not ready after 60s; see $DIR/postgres.log"
}

url_for() { echo "postgresql://kefu@127.0.0.1:$1/kefu"; }

cmd="${1:-}"
if [ -z "$cmd" ] || [ -z "${2:-}" ]; then usage; fi
[ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $PG_BIN (apt-get install postgresql)"
if [ "$cmd" = start ]; then
  PORT="${3:-}"
  if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then usage; fi
  mkdir -p "$2"
fi
if [ ! -d "$2" ]; then
  log "no cluster in $2"
  [ "$cmd" = status ] && exit 3
  exit 0
fi
DIR="$(cd "$2" && pwd -P)"
DATA="$DIR/data"
SOCK="$DIR/sock"

case "$cmd" in
  start)
    # unix socket paths are limited to 107 bytes.
    [ ${#SOCK} -le 80 ] || die "directory path too long for a unix socket: $DIR"

    if [ "$(id -u)" -eq 0 ]; then
      id -u "$RUN_AS" >/dev/null 2>&1 ||
        die "running as root needs the '$RUN_AS' system user (apt-get install postgresql)"
      chown "$RUN_AS": "$DIR"
      chmod 700 "$DIR"
      as_owner test -w "$DIR" ||
        die "user '$RUN_AS' cannot reach $DIR (a parent directory is private); pick a dir under /tmp"
    fi

    port_now="$(running_port)"
    if [ -n "$port_now" ]; then
      [ "$port_now" = "$PORT" ] || log "already running on port $port_now (not $PORT)"
      wait_ready "$port_now"
      url_for "$port_now"
      exit 0
    fi

    if [ ! -f "$DATA/PG_VERSION" ]; then
      log "initdb in $DATA"
      locale_opt="--locale=C"
      if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale_opt="--locale=C.UTF-8"; fi
      as_owner "$PG_BIN/initdb" -D "$DATA" --username=kefu --auth-local=trust --auth-host=trust \
        --encoding=UTF8 "$locale_opt" >"$DIR/initdb.log" 2>&1 ||
        { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
      echo "include_if_exists = 'kefu-test.conf'" | as_owner tee -a "$DATA/postgresql.conf" >/dev/null
    fi
    as_owner mkdir -p "$SOCK"
    # Rewritten at every start so that the port given now wins.
    as_owner tee "$DATA/kefu-test.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
EOF

    log "starting on 127.0.0.1:$PORT"
    if ! as_owner "$PG_BIN/pg_ctl" start -D "$DATA" -l "$DIR/postgres.log" -w -t 60 >/dev/null; then
      tail -n 30 "$DIR/postgres.log" >&2 || true
      die "pg_ctl start failed"
    fi
    wait_ready "$PORT"

    psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U kefu)
    if [ -z "$("${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'kefu'")" ]; then
      log "creating database kefu"
      "${psql[@]}" -d postgres -c "CREATE DATABASE kefu OWNER kefu ENCODING 'UTF8' TEMPLATE template0" >&2
    fi
    url_for "$PORT"
    ;;

  stop)
    if [ -f "$DATA/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
      log "stopping $DATA"
      as_owner "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null
    else
      log "not running: $DATA"
    fi
    ;;

  status)
    port_now="$(running_port)"
    if [ -n "$port_now" ]; then
      url_for "$port_now"
    else
      exit 3
    fi
    ;;

  *) usage ;;
esac
