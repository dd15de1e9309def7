#!/usr/bin/env bash
# A throw-away Citus cluster for tests and benchmarks: a coordinator and two
# workers, each a PostgreSQL 15 with citus preloaded, on loopback.
#   source scripts/citus-temp.sh
#   citus_ensure_installed         → installs the Citus build when missing (root), else says how
#   citus_temp_start               → exports DATABASE_URL, CITUS_TEMP_DIR, CITUS_TEMP_PORT
#   citus_temp_add_node            → starts one more worker (not yet added); prints its port
#   citus_temp_stop                → stops every node and deletes the files
# Tables get CITUS_SHARD_COUNT shards (default 8 here, so a rebalance in the
# tests moves few; Citus' own default, for production, is 32).
# The Citus build for this machine's PostgreSQL comes from the provider's
# distribution folder: CITUS_DIST, else the `shared/citus` folder beside the checkout
# or /work/shared/citus.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

_citus_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

citus_ensure_installed() {
  [ -f /usr/lib/postgresql/15/lib/citus.so ] && return 0
  local here dist
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  for dist in "${CITUS_DIST:-}" "$here/../shared/citus" /work/shared/citus; do
    [ -n "$dist" ] && [ -f "$dist/install.sh" ] && break
    dist=""
  done
  if [ -z "$dist" ]; then
    echo "Citus is not installed and no Citus distribution was found; set CITUS_DIST to the folder holding install.sh." >&2
    return 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "Citus is not installed. Run: sudo bash $dist/install.sh" >&2
    return 1
  fi
  bash "$dist/install.sh"
}

_citus_free_port() { # three consecutive free ports
  node -e '
    const net = require("net");
    const free = (p) => new Promise((r) => { const s = net.createServer(); s.once("error", () => r(false)); s.listen(p, "127.0.0.1", () => s.close(() => r(true))); });
    (async () => { for (let p = 20000 + Math.floor(Math.random() * 20000); ; p += 7) {
      if ((await free(p)) && (await free(p + 1)) && (await free(p + 2)) && (await free(p + 3))) { console.log(p); return; } } })();'
}

_citus_node_start() { # port
  local p=$1
  _citus_as "$PGBIN/initdb" -D "$CITUS_TEMP_DIR/$p" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >"$CITUS_TEMP_DIR/$p.initdb.log" 2>&1 || { cat "$CITUS_TEMP_DIR/$p.initdb.log" >&2; return 1; }
  echo "shared_preload_libraries = 'citus'" >> "$CITUS_TEMP_DIR/$p/postgresql.conf"
  _citus_as "$PGBIN/pg_ctl" -D "$CITUS_TEMP_DIR/$p" -l "$CITUS_TEMP_DIR/$p.log" -w start \
    -o "-p $p -k $CITUS_TEMP_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c wal_level=logical -c citus.shard_count=${CITUS_SHARD_COUNT:-8} ${PG_EXTRA_OPTS:-}" >/dev/null || { cat "$CITUS_TEMP_DIR/$p.log" >&2; return 1; }
  _citus_as "$PGBIN/createdb" -h 127.0.0.1 -p "$p" -U app app || return 1
  "$PGBIN/psql" -h 127.0.0.1 -p "$p" -U app -d app -qAt -c "CREATE EXTENSION citus;" >/dev/null
}

citus_temp_start() {
  citus_ensure_installed || return 1
  CITUS_TEMP_DIR=$(mktemp -d /tmp/billing-citus.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$CITUS_TEMP_DIR"
  CITUS_TEMP_PORT=$(_citus_free_port)
  export CITUS_TEMP_DIR CITUS_TEMP_PORT
  local p
  for p in "$CITUS_TEMP_PORT" $((CITUS_TEMP_PORT + 1)) $((CITUS_TEMP_PORT + 2)); do _citus_node_start "$p" || return 1; done
  "$PGBIN/psql" -h 127.0.0.1 -p "$CITUS_TEMP_PORT" -U app -d app -qAt \
    -c "SELECT citus_set_coordinator_host('127.0.0.1', $CITUS_TEMP_PORT);" \
    -c "SELECT citus_add_node('127.0.0.1', $((CITUS_TEMP_PORT + 1)));" \
    -c "SELECT citus_add_node('127.0.0.1', $((CITUS_TEMP_PORT + 2)));" >/dev/null || return 1
  export DATABASE_URL="postgres://app@127.0.0.1:$CITUS_TEMP_PORT/app"
}

# A fourth node, running but not in the cluster: the caller adds it (citus_add_node).
citus_temp_add_node() {
  local p=$((CITUS_TEMP_PORT + 3))
  _citus_node_start "$p" >&2 || return 1
  echo "$p"
}

citus_temp_stop() {
  [ -n "${CITUS_TEMP_DIR:-}" ] || return 0
  local d
  for d in "$CITUS_TEMP_DIR"/*/; do
    [ -f "$d/PG_VERSION" ] && _citus_as "$PGBIN/pg_ctl" -D "$d" -m fast -w stop >/dev/null 2>&1
  done
  rm -rf "$CITUS_TEMP_DIR"
  unset CITUS_TEMP_DIR CITUS_TEMP_PORT DATABASE_URL
}

# `bash scripts/citus-temp.sh add-node DIR PORT`: used by the tests to start a fourth node.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    add-node) CITUS_TEMP_DIR=$2 CITUS_TEMP_PORT=$3 citus_temp_add_node ;;
    *) echo "usage: source scripts/citus-temp.sh; or: bash scripts/citus-temp.sh add-node DIR COORDINATOR_PORT" >&2; exit 2 ;;
  esac
fi
