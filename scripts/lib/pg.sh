# Throwaway PostgreSQL for scripts/test and scripts/torture. Source it; it defines functions only.
#
#   provision_pg        starts a new cluster on a free 127.0.0.1 port in a temp dir, with roles
#                       fleetgate (owner of database fleetgate, not a superuser: it migrates),
#                       fleetgate_runtime (NOLOGIN group role migration V8 grants the library's
#                       DML to), fleetgate_app (the login the store runs as: owns nothing, member
#                       of fleetgate_runtime) and fleetgate_reader (owns nothing, no grants);
#                       sets PG_URL, PG_USER, PG_PASSWORD (the owner), PG_RUNTIME_USER,
#                       PG_RUNTIME_PASSWORD, PG_READER_USER, PG_READER_PASSWORD, PG_PORT, PG_BIN,
#                       PG_DIR
#   pg_stop [mode]      stops it (default mode: fast)    pg_start   starts it again
#   pg_remove           stops it at once and deletes it; prints the log tail if $1 is non-zero
#   pg_psql ARGS...     psql as the postgres superuser on database fleetgate
#
# As root, initdb and postgres run as the postgres account (they refuse to run as root).
# The caller defines die() and installs a trap that calls pg_remove.

PG_DIR=""      # temp dir of the throwaway cluster (empty when not provisioning)
PG_BIN=""      # directory with initdb, pg_ctl, psql
PG_PORT=""

is_root() { [ "$(id -u)" -eq 0 ]; }

# cd into PG_DIR so the postgres user is not left in an unreadable cwd.
as_pg() {
  if is_root; then (cd "$PG_DIR" && runuser -u postgres -- "$@"); else "$@"; fi
}

# Highest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl.
find_pg_bin() {
  local v
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -Vr); do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
      echo "/usr/lib/postgresql/$v/bin"; return 0
    fi
  done
  return 1
}

install_pg() {
  is_root && command -v apt-get >/dev/null \
    || die "PostgreSQL server binaries not found and cannot apt-get install them (need root on Debian/Ubuntu). Install 'postgresql' or set FLEETGATE_TEST_PG_URL."
  echo "Installing PostgreSQL with apt-get..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# A port on 127.0.0.1 nobody is listening on: bash's /dev/tcp connect fails.
free_port() {
  local port=$((20000 + RANDOM % 20000)) i
  for i in $(seq 1 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    port=$((port + 1))
  done
  die "no free TCP port found"
}

pg_start() {
  # fsync stays as the caller asks: PG_FSYNC=off (scripts/test) or on (crash tests).
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" \
    start >/dev/null || die "could not start PostgreSQL"
}

pg_stop() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w stop >/dev/null
}

pg_psql() {
  "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d fleetgate -v ON_ERROR_STOP=1 "$@"
}

# pg_create_roles PORT: the roles and database the tests and hosts use (see provision_pg), on the
# cluster listening on 127.0.0.1:PORT.
pg_create_roles() {
  # The tests must connect as ordinary roles: row-level security is not enforced for
  # superusers or BYPASSRLS roles, and the store refuses to run as the owner. The owner is made a
  # member of fleetgate_app (never the other way round) so that it may terminate the runtime
  # role's backends (scripts/torture's pg-terminate); the store checks the other direction.
  "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE fleetgate LOGIN PASSWORD 'fleetgate' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS" \
    -c "CREATE DATABASE fleetgate OWNER fleetgate" \
    -c "CREATE ROLE fleetgate_runtime NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS" \
    -c "CREATE ROLE fleetgate_app LOGIN PASSWORD 'fleetgate_app' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS" \
    -c "GRANT fleetgate_runtime TO fleetgate_app" \
    -c "GRANT fleetgate_app TO fleetgate" \
    -c "CREATE ROLE fleetgate_reader LOGIN PASSWORD 'fleetgate_reader' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS" \
    || die "could not create roles/database fleetgate"
}

provision_pg() {
  PG_BIN=$(find_pg_bin) || { install_pg; PG_BIN=$(find_pg_bin) || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"; }
  PG_DIR=$(mktemp -d -t fleetgate-pg.XXXXXX)
  if is_root; then chown postgres:postgres "$PG_DIR"; fi

  PG_PORT=$(free_port)
  echo "Starting throwaway PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT in $PG_DIR"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  pg_start

  pg_create_roles "$PG_PORT"

  PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/fleetgate"
  PG_USER=fleetgate
  PG_PASSWORD=fleetgate
  # The store's runtime role: owns nothing; migration V8 grants fleetgate_runtime what it needs.
  PG_RUNTIME_USER=fleetgate_app
  PG_RUNTIME_PASSWORD=fleetgate_app
  # Owns nothing; the row-level security tests grant it SELECT on their schema.
  PG_READER_USER=fleetgate_reader
  PG_READER_PASSWORD=fleetgate_reader
}

pg_remove() {
  local status=${1:-0}
  [ -n "$PG_DIR" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ] && [ -f "$PG_DIR/log" ]; then
    echo "---- last 50 lines of the PostgreSQL log ----" >&2
    tail -n 50 "$PG_DIR/log" >&2 || true
  fi
  rm -rf "$PG_DIR"
  PG_DIR=""
}
