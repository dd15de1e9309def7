#!/usr/bin/env bash
# `npm run bench:load`: the two-server deployment of scripts/two-servers.sh (a
# throw-away PostgreSQL server unless DATABASE_URL is set, the demo, nginx, two
# servers, two workers), then bench/load.mjs against one server and against both.
# LOAD_SECONDS (60) and LOAD_READERS (50) size the run; SKIP_BUILD=1 reuses the build.
set -euo pipefail
cd "$(dirname "$0")/.."
export THEN="node bench/load.mjs"
exec bash scripts/two-servers.sh
