# A throwaway PostgreSQL primary with one streaming standby, for scripts/torture's failover
# scenarios. Source it after scripts/lib/pg.sh (it uses find_pg_bin, install_pg, free_port, is_root
# and pg_create_roles); it defines functions only, and keeps its own state (PAIR_*), so it works
# beside the cluster provision_pg started.
#
#   pair_provision MODE  MODE sync or async. initdb of a primary on a free 127.0.0.1 port in a new
#                        temp dir (fsync on), with the roles and database of pg.sh
#                        (pg_create_roles); then `pg_basebackup -R` of it into a standby on another
#                        free port (hot standby, streaming; its own synchronous_standby_names empty,
#                        for after its promotion); sync: then synchronous_standby_names names the
#                        standby (ALTER SYSTEM, reload) with synchronous_commit = on, so a commit
#                        returns only once the standby has flushed it; async: no synchronous
#                        standby. Waits until pg_stat_replication shows it streaming as sync/async.
#                        Sets PAIR_DIR, PAIR_PRIMARY_PORT, PAIR_STANDBY_PORT, PAIR_URL (both hosts,
#                        targetServerType=primary, database fleetgate) and the PG_*USER/PASSWORD
#                        role names of pg.sh if unset.
#   pair_kill_primary    stops the primary hard: `pg_ctl stop -m immediate` (every backend gets
#                        SIGQUIT at once, no checkpoint, no goodbye to the standby)
#   pair_detach_standby  the standby stops receiving WAL (primary_conninfo emptied, reload): from now
#                        on it lags the primary by every commit (asynchronous replication only; a
#                        synchronous primary would wait for it)
#   pair_promote         promotes the standby (`pg_ctl promote -w`): it is the primary once this returns
#   pair_psql PORT ARGS  psql as the postgres superuser on database fleetgate of one node
#   pair_remove [STATUS] stops both nodes at once and deletes the temp dir; prints both logs' tails
#                        if STATUS is non-zero
#
# As root, initdb, postgres and pg_basebackup run as the postgres account, as in pg.sh. The caller
# defines die() and calls pair_remove from its exit trap.

PAIR_DIR=""
PAIR_PRIMARY_PORT=""
PAIR_STANDBY_PORT=""
PAIR_URL=""
PAIR_STANDBY_NAME=fleetgate_standby

# as_pg_in DIR CMD...: runs CMD as the postgres account (when root) from DIR.
as_pg_in() {
  local dir=$1
  shift
  if is_root; then (cd "$dir" && runuser -u postgres -- "$@"); else (cd "$dir" && "$@"); fi
}

# pair_start_node NAME PORT: starts the node in $PAIR_DIR/NAME on PORT (fsync on: the scenario is
# about durable, acknowledged commits).
pair_start_node() {
  as_pg_in "$PAIR_DIR" "$PG_BIN/pg_ctl" -D "$PAIR_DIR/$1" -l "$PAIR_DIR/$1.log" -w -t 60 \
    -o "-p $2 -k $PAIR_DIR -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" \
    start >/dev/null || die "could not start the $1 node"
}

pair_psql() {
  local port=$1
  shift
  "$PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$port" -U postgres -d fleetgate -v ON_ERROR_STOP=1 "$@"
}

pair_provision() {
  local mode=$1 state="" i
  [ "$mode" = sync ] || [ "$mode" = async ] || die "pair_provision: mode must be sync or async, got '$mode'"
  if [ -z "${PG_BIN:-}" ]; then
    PG_BIN=$(find_pg_bin) || { install_pg; PG_BIN=$(find_pg_bin) || die "PostgreSQL server binaries not found"; }
  fi
  [ -x "$PG_BIN/pg_basebackup" ] || die "pg_basebackup not found in $PG_BIN"
  PAIR_DIR=$(mktemp -d -t fleetgate-pair.XXXXXX)
  if is_root; then chown postgres:postgres "$PAIR_DIR"; fi
  PAIR_PRIMARY_PORT=$(free_port)
  echo "Starting throwaway PostgreSQL primary on 127.0.0.1:$PAIR_PRIMARY_PORT ($mode replication) in $PAIR_DIR"
  as_pg_in "$PAIR_DIR" "$PG_BIN/initdb" -D "$PAIR_DIR/primary" -A trust -U postgres >"$PAIR_DIR/initdb.log" 2>&1 \
    || { cat "$PAIR_DIR/initdb.log" >&2; die "initdb failed"; }
  # initdb -A trust lets 127.0.0.1 in for replication too (the default pg_hba.conf has the line)
  # synchronous_standby_names is set once the standby streams (below): before, every commit (the
  # roles, the database) would wait for it
  {
    echo "wal_level = replica"
    echo "max_wal_senders = 5"
    echo "synchronous_commit = on"
    echo "synchronous_standby_names = ''"
  } >>"$PAIR_DIR/primary/postgresql.conf"
  pair_start_node primary "$PAIR_PRIMARY_PORT"
  pg_create_roles "$PAIR_PRIMARY_PORT"

  PAIR_STANDBY_PORT=$(free_port)
  [ "$PAIR_STANDBY_PORT" != "$PAIR_PRIMARY_PORT" ] || PAIR_STANDBY_PORT=$(free_port)
  echo "Starting its streaming standby on 127.0.0.1:$PAIR_STANDBY_PORT (pg_basebackup -R)"
  as_pg_in "$PAIR_DIR" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PAIR_PRIMARY_PORT" -U postgres \
    -D "$PAIR_DIR/standby" -R -X stream -c fast -d "application_name=$PAIR_STANDBY_NAME" \
    >"$PAIR_DIR/basebackup.log" 2>&1 || { cat "$PAIR_DIR/basebackup.log" >&2; die "pg_basebackup failed"; }
  # -R wrote standby.signal and primary_conninfo; the name is what synchronous_standby_names waits for
  grep -q "application_name=$PAIR_STANDBY_NAME" "$PAIR_DIR/standby/postgresql.auto.conf" \
    || echo "primary_conninfo = 'host=127.0.0.1 port=$PAIR_PRIMARY_PORT user=postgres application_name=$PAIR_STANDBY_NAME'" \
      >>"$PAIR_DIR/standby/postgresql.auto.conf"
  # Once promoted it has no standby of its own: were it to keep the primary's
  # synchronous_standby_names (copied by pg_basebackup), every commit after the promotion would wait
  # for a standby that never comes. (A real pair's manager, e.g. Patroni, does the same.)
  echo "synchronous_standby_names = ''" >>"$PAIR_DIR/standby/postgresql.auto.conf"
  pair_start_node standby "$PAIR_STANDBY_PORT"

  if [ "$mode" = sync ]; then
    pair_psql "$PAIR_PRIMARY_PORT" -c "ALTER SYSTEM SET synchronous_standby_names = '$PAIR_STANDBY_NAME'" \
      -c "SELECT pg_reload_conf()" >/dev/null || die "could not make the standby synchronous"
  fi
  for i in $(seq 1 300); do
    state=$(pair_psql "$PAIR_PRIMARY_PORT" -c \
      "SELECT state || '/' || sync_state FROM pg_stat_replication WHERE application_name = '$PAIR_STANDBY_NAME'" || true)
    [ "$state" = "streaming/$mode" ] && break
    sleep 0.1
  done
  [ "$state" = "streaming/$mode" ] || die "the standby is not streaming as $mode (pg_stat_replication: '${state:-none}')"
  [ "$(pair_psql "$PAIR_STANDBY_PORT" -c 'SELECT pg_is_in_recovery()')" = t ] || die "the standby is not in recovery"

  PAIR_URL="jdbc:postgresql://127.0.0.1:$PAIR_PRIMARY_PORT,127.0.0.1:$PAIR_STANDBY_PORT/fleetgate?targetServerType=primary"
  PG_USER=${PG_USER:-fleetgate}
  PG_PASSWORD=${PG_PASSWORD:-fleetgate}
  PG_RUNTIME_USER=${PG_RUNTIME_USER:-fleetgate_app}
  PG_RUNTIME_PASSWORD=${PG_RUNTIME_PASSWORD:-fleetgate_app}
}

pair_kill_primary() {
  as_pg_in "$PAIR_DIR" "$PG_BIN/pg_ctl" -D "$PAIR_DIR/primary" -m immediate -w stop >/dev/null
}

pair_detach_standby() {
  pair_psql "$PAIR_STANDBY_PORT" -c "ALTER SYSTEM SET primary_conninfo = ''" -c "SELECT pg_reload_conf()" >/dev/null
}

pair_promote() {
  as_pg_in "$PAIR_DIR" "$PG_BIN/pg_ctl" -D "$PAIR_DIR/standby" -w -t 60 promote >/dev/null
}

pair_remove() {
  local status=${1:-0} node
  [ -n "$PAIR_DIR" ] || return 0
  for node in primary standby; do
    [ -d "$PAIR_DIR/$node" ] && { as_pg_in "$PAIR_DIR" "$PG_BIN/pg_ctl" -D "$PAIR_DIR/$node" -m immediate stop >/dev/null 2>&1 || true; }
    if [ "$status" -ne 0 ] && [ -f "$PAIR_DIR/$node.log" ]; then
      echo "---- last 30 lines of the $node's log ----" >&2
      tail -n 30 "$PAIR_DIR/$node.log" >&2 || true
    fi
  done
  rm -rf "$PAIR_DIR"
  PAIR_DIR=""
}
