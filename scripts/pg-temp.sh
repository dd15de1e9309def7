#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for tests and benchmarks.
#   source scripts/pg-temp.sh && pg_temp_start   → exports DATABASE_URL, PG_TEMP_DIR
#   pg_temp_stop                                  → stops it and deletes its files
# postgres refuses to run as root, so as root it runs as the 'postgres' user.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

_pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_temp_start() {
  if [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL server binaries not found in $PGBIN" >&2
    return 1
  fi
  PG_TEMP_DIR=$(mktemp -d /tmp/billing-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_TEMP_DIR"
  local port
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  _pg_as "$PGBIN/initdb" -D "$PG_TEMP_DIR/data" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TEMP_DIR/initdb.log" 2>&1 || { cat "$PG_TEMP_DIR/initdb.log" >&2; return 1; }
  _pg_as "$PGBIN/pg_ctl" -D "$PG_TEMP_DIR/data" -l "$PG_TEMP_DIR/log" -w start \
    -o "-p $port -k $PG_TEMP_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTS:-}" >/dev/null || { cat "$PG_TEMP_DIR/log" >&2; return 1; }
  _pg_as "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U app app || return 1
  export PG_TEMP_DIR
  export DATABASE_URL="postgres://app@127.0.0.1:$port/app"
}

pg_temp_stop() {
  [ -n "${PG_TEMP_DIR:-}" ] || return 0
  _pg_as "$PGBIN/pg_ctl" -D "$PG_TEMP_DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PG_TEMP_DIR"
  unset PG_TEMP_DIR DATABASE_URL
}
