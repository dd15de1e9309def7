// `npm run bench:queue-close`: the month close of MONTH_CLOSE_ACCOUNTS (10,000)
// accounts on the shared queue, with one worker process and with two
// (scripts/worker.ts), on a throw-away PostgreSQL 15 server (or DATABASE_URL).
// Each account has a pay-as-you-go Cloud Phone running all October and its test
// clock just past the month's end, so its jobs rate, settle and close October.
// The two runs use two sets of accounts, so each does the same work.
import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, type DbHandle } from "@/db/client";
import { accounts, instances, ledgerEntries } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { ACCOUNT_QUEUE, QUEUE_SCHEMA, enqueueTick, openQueue } from "@/lib/jobs/queue";
import { fmt, machineLine, runHeading, startPostgres, stopPostgres } from "./env";

const N = Number(process.env.MONTH_CLOSE_ACCOUNTS ?? 10_000);
const CREATED = new Date("2026-10-01T00:00:00Z");
const CLOCK = new Date("2026-11-01T00:10:00Z");

async function seed(h: DbHandle, ids: string[]) {
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000);
    await h.db.insert(accounts).values(part.map((id) => ({ id, name: id, currency: "USD" as const, creditLimit: "0", testClockNow: CLOCK })));
    await h.db.insert(ledgerEntries).values(part.map((id) => ({ accountId: id, id: `led_${id}`, entryType: "top_up" as const, amount: "500.00", currency: "USD" as const, at: CREATED })));
    await h.db.insert(instances).values(
      part.map((id, k) => ({
        accountId: id, id: "cp", productId: "cloud-phone", name: "cp", spec: "acp.std.small", regionId: "cn-hangzhou", instanceCount: 1 + (k % 3),
        billingMethod: "payg" as const, createdAt: CREATED, billingAnchorAt: CREATED, statusSince: CREATED,
      })),
    );
  }
}

function startWorker(url: string, name: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], {
    env: { ...process.env, DATABASE_URL: url, BILLING_TEST_CLOCK: "1", BILLING_WORKER_NAME: name, BILLING_QUEUE_POLL_SECONDS: "0.5" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => d.toString().includes("ready.") && resolve(proc));
    proc.on("exit", (code) => reject(new Error(`worker ${name} exited (${code})`)));
  });
}

async function close(h: DbHandle, url: string, workers: number, ids: string[]) {
  const procs = await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(url, `w${i + 1}`)));
  const boss = await openQueue(url, { supervise: false });
  const t0 = Date.now();
  await enqueueTick(boss, 1, { accountIds: ids });
  const like = `${ids[0].slice(0, ids[0].lastIndexOf("-"))}-%`;
  for (;;) {
    const [r] = await query<{ done: number; failed: number }>(
      h.db,
      sql`select count(*) filter (where state = 'completed')::int as done, count(*) filter (where state = 'failed')::int as failed
          from ${sql.raw(QUEUE_SCHEMA)}.job where name = ${ACCOUNT_QUEUE} and singleton_key like ${like}`,
    );
    if (r.done + r.failed >= ids.length) {
      const seconds = (Date.now() - t0) / 1000;
      await boss.stop({ graceful: false, wait: true });
      await Promise.all(procs.map((p) => new Promise((res) => (p.once("exit", res), p.kill("SIGTERM")))));
      const [closed] = await query<{ n: number }>(h.db, sql`select count(*)::int as n from bills where account_id like ${like} and billing_cycle = '2026-10' and status <> 'open'`);
      const [jobsRun] = await query<{ n: number }>(h.db, sql`select count(*)::int as n from accounts where id like ${like} and jobs_run_until = ${CLOCK.toISOString()}::timestamptz`);
      return { workers, seconds, failed: r.failed, closed: closed.n, jobsRun: jobsRun.n };
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}

async function main() {
  const own = process.env.DATABASE_URL ? null : startPostgres();
  const url = process.env.DATABASE_URL ?? own!.url;
  const h = await openDatabase({ url });
  try {
    await migrateDatabase(h);
    await loadCatalog(h.db, await readCatalogFile());
    const tag = Date.now().toString(36);
    const sets = [1, 2].map((w) => Array.from({ length: N }, (_, i) => `mc${tag}w${w}-${String(i).padStart(6, "0")}`));
    const t0 = Date.now();
    for (const ids of sets) await seed(h, ids);
    console.log(`Seeded ${fmt(2 * N)} accounts in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    const rows = [];
    for (const [i, ids] of sets.entries()) rows.push(await close(h, url, i + 1, ids));
    console.log(`\n${runHeading()}\n${machineLine()}\n`);
    console.log("| accounts | workers | seconds | accounts/s | failed jobs | accounts run to the clock | October bills closed |");
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    for (const r of rows) console.log(`| ${fmt(N)} | ${r.workers} | ${r.seconds.toFixed(1)} | ${(N / r.seconds).toFixed(1)} | ${r.failed} | ${fmt(r.jobsRun)} | ${fmt(r.closed)} |`);
  } finally {
    await h.close();
    if (own) stopPostgres(own.dir);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
