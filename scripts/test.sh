#!/usr/bin/env bash
# `npm test`: every layer — typecheck, lint, the import layers, unit, integration on PGlite and on
# a real PostgreSQL 15 server and on a 3-node Citus cluster started here, e2e in Chromium against a
# production build. Nothing is skipped silently; one summary line per layer.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
OUT=$(mktemp -d /tmp/billing-test.XXXXXX)
summary=()
failed=0

count_vitest() { node -e 'const r=require(process.argv[1]);console.log(`${r.numPassedTests}/${r.numTotalTests} tests passed, ${r.numTotalTestSuites} suites`)' "$1" 2>/dev/null || echo "no report"; }
count_pw() { node -e 'const s=require(process.argv[1]).stats;console.log(`${s.expected} passed, ${s.unexpected} failed, ${s.flaky} flaky, ${s.skipped} skipped`)' "$1" 2>/dev/null || echo "no report"; }

layer() { # name, detail-fn, command…
  local name=$1; shift
  local detail=$1; shift
  local t0=$SECONDS
  echo; echo "━━━ $name ━━━"
  if "$@"; then status=PASS; else status=FAIL; failed=1; fi
  summary+=("$(printf '%-28s %s  (%ss) %s' "$name" "$status" $((SECONDS - t0)) "$($detail)")")
}
none() { echo ""; }

if ! bash scripts/ensure-system-deps.sh; then
  echo "FAIL: system packages missing (see above); no layer can be skipped." >&2
  exit 1
fi

layer "typecheck" none npx tsc --noEmit
layer "lint" none npx eslint . --max-warnings=0
layer "layers (imports point down)" none npm run --silent lint:layers
layer "unit" "count_vitest $OUT/unit.json" npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$OUT/unit.json"
layer "integration (PGlite)" "count_vitest $OUT/int-pglite.json" \
  env -u DATABASE_URL npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$OUT/int-pglite.json"

source scripts/pg-temp.sh
source scripts/citus-temp.sh
trap 'pg_temp_stop; citus_temp_stop' EXIT
if pg_temp_start; then
  layer "integration (PostgreSQL 15)" "count_vitest $OUT/int-pg.json" \
    npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$OUT/int-pg.json"
  layer "queue (PostgreSQL 15)" "count_vitest $OUT/queue.json" \
    npx vitest run --project queue --reporter=default --reporter=json --outputFile.json="$OUT/queue.json"
  pg_temp_stop
else
  summary+=("integration (PostgreSQL 15)  FAIL  could not start a PostgreSQL server")
  failed=1
fi

# The same integration suite and the queue's on a 3-node Citus cluster (coordinator + 2 workers),
# then what only a cluster has: every tenant query on one shard, adding a worker.
if citus_temp_start; then
  layer "integration (Citus 3 nodes)" "count_vitest $OUT/int-citus.json" \
    npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$OUT/int-citus.json"
  layer "queue (Citus 3 nodes)" "count_vitest $OUT/queue-citus.json" \
    npx vitest run --project queue --reporter=default --reporter=json --outputFile.json="$OUT/queue-citus.json"
  layer "Citus (router, rebalance)" "count_vitest $OUT/citus.json" \
    npx vitest run --project citus --reporter=default --reporter=json --outputFile.json="$OUT/citus.json"
  citus_temp_stop
else
  summary+=("integration (Citus 3 nodes)  FAIL  could not start a Citus cluster (see above)")
  failed=1
fi

layer "build (next build)" none npx next build
layer "e2e (Chromium)" "count_pw $OUT/e2e.json" env PLAYWRIGHT_JSON_OUTPUT_NAME="$OUT/e2e.json" npx playwright test --reporter=list,json

echo; echo "━━━ summary ━━━"
printf '%s\n' "${summary[@]}"
rm -rf "$OUT"
exit $failed
