#!/usr/bin/env bash
# Two web servers and two billing workers behind nginx, on one PostgreSQL
# server, then checks through the balancer (scripts/two-servers-check.mjs):
# sign-in, a page, an export and an API write, and the session valid on either
# server. See README "Running several servers".
#   bash scripts/two-servers.sh            start, check, stop
#   KEEP=1 bash scripts/two-servers.sh     start, check, keep running until Ctrl-C
# DATABASE_URL: the server to use (else a throw-away one, scripts/pg-temp.sh).
# SKIP_BUILD=1 reuses the last `next build`. Ports: NGINX_PORT (3920), WEB1_PORT (3921), WEB2_PORT (3922).
set -euo pipefail
cd "$(dirname "$0")/.."
NGINX_PORT=${NGINX_PORT:-3920}
WEB1_PORT=${WEB1_PORT:-3921}
WEB2_PORT=${WEB2_PORT:-3922}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is missing: apt-get install -y nginx" >&2; exit 1; }

RUN=$(mktemp -d /tmp/billing-two.XXXXXX)
chmod 755 "$RUN"
pids=()
own_pg=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -f "$RUN/nginx.pid" ] && kill "$(cat "$RUN/nginx.pid")" 2>/dev/null || true
  [ "$own_pg" = 1 ] && pg_temp_stop
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  source scripts/pg-temp.sh
  pg_temp_start
  own_pg=1
fi
export DATABASE_URL NEXT_TELEMETRY_DISABLED=1
# What every server must share: the session secret (a session made by one is valid on the
# other) and the public URL (the balancer's). One proxy hop (nginx) appends the client's address.
export NEXTAUTH_SECRET=${NEXTAUTH_SECRET:-$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')}
export NEXTAUTH_URL=${NEXTAUTH_URL:-http://localhost:$NGINX_PORT}
export TRUSTED_PROXY_HOPS=1
export BILLING_JOBS_INTERVAL_SECONDS=${BILLING_JOBS_INTERVAL_SECONDS:-5}

npm run --silent db:migrate
npm run --silent ops -- seed-demo >/dev/null
API_KEY=$(npm run --silent ops -- create-api-key --account acme --name "two-servers $(date -u +%FT%TZ)" | tail -1)
export API_KEY
[ "${SKIP_BUILD:-}" = 1 ] && [ -f .next/BUILD_ID ] || npx next build

NEXT=node_modules/next/dist/bin/next
node "$NEXT" start -p "$WEB1_PORT" >"$RUN/web1.log" 2>&1 & pids+=($!)
node "$NEXT" start -p "$WEB2_PORT" >"$RUN/web2.log" 2>&1 & pids+=($!)
for i in 1 2; do
  BILLING_WORKER_NAME=worker-$i node --import tsx --conditions=react-server scripts/worker.ts >"$RUN/worker$i.log" 2>&1 & pids+=($!)
done

mkdir -p "$RUN/tmp" && chmod 1777 "$RUN/tmp"
cat >"$RUN/nginx.conf" <<CONF
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $RUN/nginx-access.log;
  client_body_temp_path $RUN/tmp/body;
  proxy_temp_path $RUN/tmp/proxy;
  fastcgi_temp_path $RUN/tmp/fastcgi;
  uwsgi_temp_path $RUN/tmp/uwsgi;
  scgi_temp_path $RUN/tmp/scgi;
  upstream console {
    server 127.0.0.1:$WEB1_PORT max_fails=3 fail_timeout=10s;
    server 127.0.0.1:$WEB2_PORT max_fails=3 fail_timeout=10s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    client_max_body_size 20m;
    location / {
      proxy_pass http://console;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_next_upstream error timeout;
      # Which server answered (for the check; harmless to keep).
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
CONF
"$NGINX" -c "$RUN/nginx.conf" -p "$RUN" -e "$RUN/nginx-error.log"

for port in "$WEB1_PORT" "$WEB2_PORT" "$NGINX_PORT"; do
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/openapi.json" && break
    sleep 0.5
  done
done

status=0
node scripts/two-servers-check.mjs "http://localhost:$NGINX_PORT" "http://127.0.0.1:$WEB1_PORT" "http://127.0.0.1:$WEB2_PORT" || status=$?
# THEN: a command to run against the running deployment (bench/load.sh), with BASE, WEB1, WEB2 set.
if [ $status = 0 ] && [ -n "${THEN:-}" ]; then
  BASE="http://localhost:$NGINX_PORT" WEB1="http://127.0.0.1:$WEB1_PORT" WEB2="http://127.0.0.1:$WEB2_PORT" bash -c "$THEN" || status=$?
fi
if [ $status != 0 ]; then
  for f in web1 web2 worker1 worker2 nginx-error; do echo "── $f.log"; tail -20 "$RUN/$f.log" 2>/dev/null; done
fi
if [ "${KEEP:-}" = 1 ] && [ $status = 0 ]; then
  echo "Running: http://localhost:$NGINX_PORT (logs in $RUN). Ctrl-C stops everything."
  wait
fi
exit $status
