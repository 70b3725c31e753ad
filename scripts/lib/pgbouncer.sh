# Throwaway PgBouncer in transaction mode in front of the throwaway PostgreSQL (scripts/lib/pg.sh),
# for scripts/test's second PostgreSQL pass. Source it after pg.sh; it defines functions only.
#
#   provision_pgbouncer   starts PgBouncer on a free 127.0.0.1 port in a temp dir, pool_mode =
#                         transaction, in front of 127.0.0.1:$PG_PORT; sets PGB_URL (the same
#                         database as PG_URL, through PgBouncer), PGB_PORT, PGB_DIR
#   pgbouncer_remove      stops it and deletes its dir; prints the log tail if $1 is non-zero
#
# Authentication matches the throwaway server's (trust): PgBouncer trusts the roles pg.sh creates
# (listed in its auth file) and logs in to the server as them. Startup parameters: pgjdbc sends
# extra_float_digits, which PgBouncer 1.18 refuses unless told to ignore it (the server default
# prints floats exactly since PostgreSQL 12). currentSchema (the startup parameter search_path) is
# not ignored: PgBouncer refuses it, and the store behind a transaction pooler takes it out of the
# URL itself. Debian's 'pgbouncer' is installed with apt-get when missing (as root), as pg.sh does
# for PostgreSQL; as root PgBouncer runs as the postgres account. The caller defines die() and
# installs a trap that calls pgbouncer_remove.

PGB_DIR=""     # temp dir of the throwaway PgBouncer (empty when none runs)
PGB_PORT=""
PGB_BIN=""

find_pgbouncer() {
  local b
  for b in "${FLEETGATE_TEST_PGBOUNCER:-}" /usr/sbin/pgbouncer "$(command -v pgbouncer 2>/dev/null)"; do
    [ -n "$b" ] && [ -x "$b" ] && { echo "$b"; return 0; }
  done
  return 1
}

install_pgbouncer() {
  is_root && command -v apt-get >/dev/null \
    || die "PgBouncer not found and cannot apt-get install it (need root on Debian/Ubuntu). Install 'pgbouncer'," \
      "set FLEETGATE_TEST_PGBOUNCER to its binary, or skip the PgBouncer pass with FLEETGATE_TEST_PGBOUNCER_PASS=off."
  echo "Installing PgBouncer with apt-get..."
  apt-get update -qq
  # the package's own service is not started: policy-rc.d or no init in containers; ours runs in a temp dir
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
}

provision_pgbouncer() {
  [ -n "$PG_PORT" ] || die "provision_pgbouncer needs the throwaway PostgreSQL (provision_pg) first"
  PGB_BIN=$(find_pgbouncer) || { install_pgbouncer; PGB_BIN=$(find_pgbouncer) || die "PgBouncer not found after installing 'pgbouncer' (looked for /usr/sbin/pgbouncer)"; }
  PGB_DIR=$(mktemp -d -t fleetgate-pgbouncer.XXXXXX)
  PGB_PORT=$(free_port)
  cat >"$PGB_DIR/users.txt" <<'EOF'
"postgres" ""
"fleetgate" ""
"fleetgate_app" ""
"fleetgate_reader" ""
EOF
  # Server connections: at most 150 of the server's 200, leaving room for the tests' direct ones.
  cat >"$PGB_DIR/pgbouncer.ini" <<EOF
[databases]
fleetgate = host=127.0.0.1 port=$PG_PORT dbname=fleetgate
* = host=127.0.0.1 port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGB_DIR/users.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 60
max_db_connections = 150
ignore_startup_parameters = extra_float_digits
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
log_connections = 0
log_disconnections = 0
EOF
  if is_root; then chown -R postgres:postgres "$PGB_DIR"; fi
  echo "Starting throwaway PgBouncer ($PGB_BIN, pool_mode = transaction) on 127.0.0.1:$PGB_PORT in $PGB_DIR"
  as_pgb "$PGB_BIN" -d -q "$PGB_DIR/pgbouncer.ini" || die "could not start PgBouncer (log: $PGB_DIR/pgbouncer.log)"
  local i
  for i in $(seq 1 50); do
    if "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PGB_PORT" -U fleetgate -d fleetgate -c 'SELECT 1' >/dev/null 2>&1; then
      PGB_URL="jdbc:postgresql://127.0.0.1:$PGB_PORT/fleetgate"
      return 0
    fi
    sleep 0.2
  done
  [ -f "$PGB_DIR/pgbouncer.log" ] && tail -n 20 "$PGB_DIR/pgbouncer.log" >&2
  die "PgBouncer did not accept connections on 127.0.0.1:$PGB_PORT"
}

as_pgb() {
  if is_root; then (cd "$PGB_DIR" && runuser -u postgres -- "$@"); else "$@"; fi
}

pgbouncer_remove() {
  local status=${1:-0} pid=""
  [ -n "$PGB_DIR" ] || return 0
  [ -f "$PGB_DIR/pgbouncer.pid" ] && pid=$(cat "$PGB_DIR/pgbouncer.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$PGB_DIR/pgbouncer.log" ]; then
    echo "---- last 30 lines of the PgBouncer log ----" >&2
    tail -n 30 "$PGB_DIR/pgbouncer.log" >&2 || true
  fi
  rm -rf "$PGB_DIR"
  PGB_DIR=""
}
