// The month close's per-account costs, A/B: after a warm-up (JIT, prepared
// statements), groups of fresh copied accounts each run the jobs with one
// setting, and each prints statements, round trips and socket writes per account
// and CPU per account (Node, and the server's backends). On a shared machine the
// CPU per account is what to compare; wall time moves with the others' load.
//
//   source scripts/pg-temp.sh && pg_temp_start
//   N=300 WARM=400 RUNS=4t,8t,4u,8u npx tsx --conditions=react-server bench/close-probe.ts
//   pg_temp_stop
//
// A run is "<concurrency><t|u>": t over DATABASE_URL (TCP), u over the server's
// Unix socket in PG_TEMP_DIR. SHOW=1 lists the statements by count.
import net from "node:net";
import os from "node:os";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, setHandle } from "@/db/client";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, setSystemClock } from "@/lib/clock";
import { runJobs } from "@/lib/jobs/run";
import { benchPeriod } from "./generate";
import { cpuTimes, setUpCloseAccounts } from "./month-close";

const N = Number(process.env.N ?? 300);
const WARM = Number(process.env.WARM ?? 400);
const runs = (process.env.RUNS ?? "4t,8t").split(",");
const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL must name a PostgreSQL server (scripts/pg-temp.sh)");

let writes = 0;
const ownWrite = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
  writes++;
  return (ownWrite as (...a: unknown[]) => boolean).apply(this, args);
} as typeof ownWrite;

// Statements sent on one connection in one event-loop turn go out together: one round trip.
let statements = 0;
let trips = 0;
let turn = 0;
const bump = () => {
  turn++;
  setImmediate(bump).unref();
};
bump();
const lastTurn = new Map<string, number>();
const counts = new Map<string, number>();
const counting = (via: string) => (text: string, _params: unknown[], connection?: number) => {
  statements++;
  const key = `${via}${connection}`;
  if (lastTurn.get(key) !== turn) trips++;
  lastTurn.set(key, turn);
  const head = text.replace(/\s+/g, " ").trim().slice(0, 90);
  counts.set(head, (counts.get(head) ?? 0) + 1);
};

const tcp = await openDatabase({ url, onQuery: counting("t") });
const unix = process.env.PG_TEMP_DIR ? await openDatabase({ url: `${url}?host=${process.env.PG_TEMP_DIR}`, onQuery: counting("u") }) : null;
await migrateDatabase(tcp);
setHandle(tcp);
const gen = { records: 60_000 };
const now = benchPeriod(gen).until;
setSystemClock(fixedClock(now));
const [{ n }] = await query<{ n: number }>(tcp.db, sql`select count(*)::int as n from products`);
if (!Number(n)) await loadCatalog(tcp.db, await readCatalogFile());

const group = async (tag: string, accounts: number) => {
  const { template, ids } = await setUpCloseAccounts(tcp, { accounts, gen, tag });
  return [template, ...ids];
};
await runJobs(tcp.db, { now, accountIds: await group(`warm${process.pid}`, WARM), concurrency: 4 });

for (const [k, run] of runs.entries()) {
  const concurrency = parseInt(run, 10);
  const handle = run.endsWith("u") ? unix : tcp;
  if (!handle) throw new Error(`${run}: the Unix socket needs PG_TEMP_DIR`);
  const accountIds = await group(`ab${process.pid}-${k}`, N);
  counts.clear();
  const [s0, r0, w0] = [statements, trips, writes];
  const cpu0 = await cpuTimes(tcp);
  const t0 = performance.now();
  const results = await runJobs(handle.db, { now, accountIds, concurrency });
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = await cpuTimes(tcp);
  const per = (x: number) => (x / N).toFixed(1);
  console.log(
    `${run}: ${N} accounts in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)}/s, load ${os.loadavg()[0].toFixed(1)}); per account: ` +
      `${per(statements - s0)} statements, ${per(trips - r0)} round trips, ${per(writes - w0)} socket writes, ` +
      `CPU node ${((cpu1.node - cpu0.node) / N).toFixed(2)} ms, server ${cpu0.server === null || cpu1.server === null ? "?" : ((cpu1.server - cpu0.server) / N).toFixed(2)} ms; ` +
      `${results.length} accounts, ${results.reduce((a, r) => a + r.lines, 0)} lines`,
  );
  if (process.env.SHOW) for (const [text, c] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(String(c).padStart(7), text);
}
await tcp.close();
await unix?.close();
