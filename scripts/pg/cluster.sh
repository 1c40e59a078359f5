#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite and the benchmark: owned by the postgres user, listening
# only on a Unix socket in a short fixed folder (no TCP port), fsync and autovacuum off (its data is thrown
# away; a vacuum worker in a test's database would make dropping it fail).
#   scripts/pg/cluster.sh start   → prints the URL to export as ZHUANBAN_TEST_PG
#   scripts/pg/cluster.sh stop
# Needs Debian's postgresql package and root (it runs the server as the postgres user). A leftover cluster of
# an earlier run (killed, failed) is stopped and removed first. See ../shared/TOOLCHAIN.md for the traps.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
PORT=${ZHUANBAN_PG_PORT:-35433}
BASE=${ZHUANBAN_PG_BASE:-/tmp/zhuanban-pg-$PORT}
as_pg() { (cd / && runuser -u postgres -- "$@"); }

stop() {
  if [ -f "$BASE/data/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$BASE/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$BASE"
}

case "${1:-}" in
  start)
    stop
    install -d -o postgres -g postgres -m 755 "$BASE"
    as_pg "$PGBIN/initdb" -D "$BASE/data" -U postgres -A trust -N -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log"
    # -l: without a log file the postmaster keeps the caller's stdout open (a CI step would hang).
    as_pg "$PGBIN/pg_ctl" -D "$BASE/data" -l "$BASE/server.log" -w -t 30 \
      -o "-k $BASE -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c autovacuum=off" start >/dev/null
    psql -X -q -h "$BASE" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE zhuanban LOGIN CREATEDB PASSWORD 'zhuanban'" -c "GRANT pg_signal_backend TO zhuanban" </dev/null
    echo "postgres://zhuanban@localhost/postgres?host=$BASE&port=$PORT"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
