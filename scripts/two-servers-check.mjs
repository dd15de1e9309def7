// Checks a deployment of several web servers behind a balancer (scripts/two-servers.sh):
// sign in through the balancer, then the session works on every server; a page, an
// export and an API write (API_KEY) through the balancer; the write is seen by every
// server; the balancer used every server; the workers ran the billing jobs.
//   node scripts/two-servers-check.mjs <balancer URL> <server URL>…
import postgres from "postgres";

const [base, ...servers] = process.argv.slice(2);
const results = [];
let failed = false;
function check(name, ok, detail = "") {
  results.push(`${ok ? "ok  " : "FAIL"}  ${name}${detail ? `  (${detail})` : ""}`);
  if (!ok) failed = true;
}

const jar = new Map();
function keep(res) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const i = pair.indexOf("=");
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
}
const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
const upstreams = new Map();
async function get(url, headers = {}) {
  const res = await fetch(url, { redirect: "manual", headers: { cookie: cookie(), ...headers } });
  const up = res.headers.get("x-upstream");
  if (up) upstreams.set(up, (upstreams.get(up) ?? 0) + 1);
  return res;
}

// Sign in through the balancer (next-auth credentials: CSRF token, then the form post).
const csrfRes = await get(`${base}/api/auth/csrf`);
keep(csrfRes);
const { csrfToken } = await csrfRes.json();
const signIn = await fetch(`${base}/api/auth/callback/credentials`, {
  method: "POST",
  redirect: "manual",
  headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: base },
  body: new URLSearchParams({ csrfToken, email: "admin@acme.test", password: "acme-admin-2026", callbackUrl: `${base}/overview`, json: "true" }),
});
keep(signIn);
const session = [...jar.keys()].find((k) => k.endsWith("next-auth.session-token"));
check("sign-in through the balancer sets a session", Boolean(session), `status ${signIn.status}`);

// The page, several times through the balancer (both servers answer), then on each server directly.
for (let i = 0; i < 6; i++) {
  const res = await get(`${base}/overview`);
  const html = await res.text();
  check(`GET /overview through the balancer #${i + 1}`, res.status === 200 && html.includes("Acme Robotics"), `${res.status} from ${res.headers.get("x-upstream")}`);
}
for (const s of servers) {
  const res = await get(`${s}/overview`);
  const html = await res.text();
  check(`the session is valid on ${s}`, res.status === 200 && html.includes("Acme Robotics"), `${res.status}`);
}
const anon = await fetch(`${base}/overview`, { redirect: "manual" });
check("without the session: sent to sign in", anon.status >= 300 && anon.status < 400, `${anon.status} → ${anon.headers.get("location")}`);

// An export through the balancer.
const cycle = new Date().toISOString().slice(0, 7);
const csv = await get(`${base}/bill-details/export?tab=details&billingCycle=${cycle}`);
const text = await csv.text();
const csvOk = csv.status === 200 && (csv.headers.get("content-type") ?? "").includes("text/csv") && text.split("\n").length > 2;
check(`export (bill lines CSV, ${cycle}) through the balancer`, csvOk, csvOk ? `${text.split("\n").length - 1} lines` : `${csv.status}: ${text.slice(0, 200)}`);

// An API write through the balancer, read back from each server.
const name = `through nginx ${Date.now()}`;
const write = await fetch(`${base}/api/v1/budgets`, {
  method: "POST",
  headers: { authorization: `Bearer ${process.env.API_KEY}`, "content-type": "application/json" },
  body: JSON.stringify({ amount: "123.00", name }),
});
check("API write (POST /api/v1/budgets) through the balancer", write.status === 201, `${write.status}`);
for (const s of servers) {
  const res = await fetch(`${s}/api/v1/budgets`, { headers: { authorization: `Bearer ${process.env.API_KEY}` } });
  const body = await res.json();
  check(`the write is seen on ${s}`, res.status === 200 && JSON.stringify(body).includes(name));
}
check("the balancer used every server", upstreams.size >= servers.length, [...upstreams].map(([k, v]) => `${k}: ${v}`).join(", "));

// The workers ran the billing jobs (the servers only queue the ticks).
if (process.env.DATABASE_URL) {
  const db = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  const t0 = Date.now();
  let rows = [];
  while (Date.now() - t0 < 60_000) {
    rows = await db`select singleton_key as account, output->>'worker' as worker from billing_queue.job where name = 'billing-account' and state = 'completed'`;
    const [{ n }] = await db`select count(*)::int as n from accounts`;
    if (new Set(rows.map((r) => r.account)).size >= n) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const [{ n }] = await db`select count(*)::int as n from accounts`;
  const workers = [...new Set(rows.map((r) => r.worker))];
  check("the workers ran every account's jobs", new Set(rows.map((r) => r.account)).size === n, `${rows.length} job(s) by ${workers.join(", ")}`);
  await db.end();
}

console.log(results.join("\n"));
process.exit(failed ? 1 : 0);
