// `npm run bench:load` (through bench/load.sh, which starts two web servers, two
// workers and nginx): 50 readers mixing pages and API reads plus one writer
// ingesting 1,000-record usage batches, first against one server directly, then
// against both through nginx. Before that, each page and API read alone (4
// connections), as the page targets are stated. Prints requests/s, latency percentiles (p95 from our
// own histogram: autocannon's summary has p90, p97.5 and p99 but no p95), errors, and records accepted
// vs stored.
// Env: BASE (nginx), WEB1, API_KEY, DATABASE_URL (from scripts/two-servers.sh);
// LOAD_SECONDS (60), LOAD_READERS (50).
import os from "node:os";
import autocannon from "autocannon";
import hdr from "hdr-histogram-js";
import postgres from "postgres";

const { BASE, WEB1, API_KEY, DATABASE_URL } = process.env;
const seconds = Number(process.env.LOAD_SECONDS ?? 60);
const readers = Number(process.env.LOAD_READERS ?? 50);
const cycle = new Date().toISOString().slice(0, 7);

/**
 * autocannon, with every response time also recorded in a histogram built as autocannon builds its
 * own (same bounds and precision), so the percentiles it lacks (p95) can be read.
 */
async function cannon(opts) {
  const latencies = hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 10000, numberOfSignificantValueDigits: 5 });
  const instance = autocannon(opts);
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.recordValue(responseTime));
  const result = await instance;
  // Both histograms saw every response, or the p95 column would describe other requests than its neighbours.
  if (latencies.totalCount !== result.latency.totalCount) throw new Error(`p95 histogram saw ${latencies.totalCount} responses, autocannon ${result.latency.totalCount}`);
  return { ...result, p95: latencies.getValueAtPercentile(95) };
}

async function signIn(base) {
  const jar = new Map();
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = await csrf.json();
  keep(
    await fetch(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
      body: new URLSearchParams({ csrfToken, email: "viewer@acme.test", password: "acme-viewer-2026", json: "true" }),
    }),
  );
  return cookie();
}

/** One writer: 1,000-record batches until the deadline; what the API said it accepted. */
async function writer(base, prefix, until) {
  let batches = 0, accepted = 0, errors = 0, n = 0, firstError = null;
  const hour = 3600_000;
  // Hours of the open cycle so far (the demo's NAT gateway runs all of them).
  const now = new Date();
  const origin = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const hours = Math.max(1, Math.floor((now.getTime() - origin) / hour) - 1);
  while (Date.now() < until) {
    const records = Array.from({ length: 1000 }, () => {
      const i = n++;
      const start = new Date(origin + (i % hours) * hour);
      return { id: `${prefix}-${i}`, instanceId: "nat-hz", item: "instance", quantity: "1", start: start.toISOString(), end: new Date(start.getTime() + hour).toISOString() };
    });
    const res = await fetch(`${base}/api/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ records }),
    });
    batches++;
    if (res.status === 200) accepted += (await res.json()).accepted;
    else {
      errors++;
      firstError ??= `${res.status} ${(await res.text()).slice(0, 300)}`;
    }
  }
  if (firstError) console.log(`writer: first error: ${firstError}`);
  return { batches, accepted, errors };
}

async function run(label, base) {
  const cookie = await signIn(base);
  const prefix = `load-${Date.now().toString(36)}`;
  const until = Date.now() + seconds * 1000;
  const auth = { authorization: `Bearer ${API_KEY}` };
  const [reads, written] = await Promise.all([
    cannon({
      url: base,
      connections: readers,
      duration: seconds,
      headers: { cookie },
      requests: [
        { method: "GET", path: `/bill-details?tab=details&billingCycle=${cycle}` },
        { method: "GET", path: "/overview" },
        { method: "GET", path: `/api/v1/bill-lines?billingCycle=${cycle}&limit=50`, headers: auth },
        { method: "GET", path: "/api/v1/account", headers: auth },
      ],
    }),
    writer(base, prefix, until),
  ]);
  const db = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  const [{ n }] = await db`select count(*)::int as n from usage_records where id like ${`${prefix}-%`}`;
  await db.end();
  const l = reads.latency;
  return {
    label,
    reqPerSec: reads.requests.average,
    p50: l.p50, p90: l.p90, p95: reads.p95, p97_5: l.p97_5, p99: l.p99,
    errors: reads.errors + reads.timeouts + reads.non2xx,
    requests: reads.requests.total,
    batches: written.batches,
    writerErrors: written.errors,
    accepted: written.accepted,
    stored: n,
  };
}

/**
 * Each request alone against one server: 4 connections for 10 s (PAGE_SECONDS), as the page targets
 * are stated (Billing Details ≥ 60 req/s, Overview ≥ 100 req/s, page HTML ≤ 100 KB for 50 rows).
 */
async function pages(base) {
  const cookie = await signIn(base);
  const auth = { authorization: `Bearer ${API_KEY}` };
  const list = [
    ["Billing Details page (50 rows)", `/bill-details?tab=details&billingCycle=${cycle}`, { cookie }],
    ["Overview page", "/overview", { cookie }],
    ["GET /api/v1/bill-lines (50 rows)", `/api/v1/bill-lines?billingCycle=${cycle}&limit=50`, auth],
    ["GET /api/v1/account", "/api/v1/account", auth],
    ["GET /api/v1/openapi.json (no database)", "/api/v1/openapi.json", {}],
  ];
  const out = [];
  for (const [label, path, headers] of list) {
    const body = await (await fetch(base + path, { headers })).text();
    const r = await cannon({ url: base + path, connections: 4, duration: Number(process.env.PAGE_SECONDS ?? 10), headers });
    out.push({ label, reqPerSec: r.requests.average, p50: r.latency.p50, p95: r.p95, p97_5: r.latency.p97_5, bytes: Buffer.byteLength(body), errors: r.errors + r.timeouts + r.non2xx });
  }
  console.log(`\nEach request alone, 4 connections, ${process.env.PAGE_SECONDS ?? 10} s, one server; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log("| request | req/s | p50 ms | p95 ms | p97.5 ms | response bytes | errors |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const r of out) console.log(`| ${r.label} | ${r.reqPerSec.toFixed(1)} | ${r.p50} | ${r.p95} | ${r.p97_5} | ${r.bytes.toLocaleString("en")} | ${r.errors} |`);
  return out.some((r) => r.errors > 0);
}

const pageErrors = await pages(WEB1);
const rows = [await run("one server", WEB1), await run("two servers (nginx)", BASE)];
console.log(`\n${readers} readers + 1 writer, ${seconds} s each; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log("| target | req/s | p50 ms | p90 ms | p95 ms | p97.5 ms | p99 ms | read errors | batches | writer errors | records accepted | records stored |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(`| ${r.label} | ${r.reqPerSec.toFixed(1)} | ${r.p50} | ${r.p90} | ${r.p95} | ${r.p97_5} | ${r.p99} | ${r.errors} | ${r.batches} | ${r.writerErrors} | ${r.accepted} | ${r.stored} |`);
}
const bad = pageErrors || rows.some((r) => r.errors > 0 || r.writerErrors > 0 || r.accepted !== r.stored);
if (bad) console.log("FAIL: errors, or records stored differ from records accepted.");
process.exit(bad ? 1 : 0);
