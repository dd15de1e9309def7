// The billing jobs on the shared queue, with real worker processes
// (scripts/worker.ts) on a PostgreSQL server: 200 accounts, two workers.
// Each account's jobs run exactly once per tick; a worker killed mid-job
// leaves its accounts to the other and nothing is charged twice — the bill
// lines and the ledger equal those of one in-process run over the same
// accounts in a second database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import postgres from "postgres";
import type PgBoss from "pg-boss";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, type DbHandle } from "@/db/client";
import { accounts, instances, ledgerEntries } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { ACCOUNT_QUEUE, QUEUE_SCHEMA, enqueueTick, openQueue } from "@/lib/jobs/queue";
import { runJobs } from "@/lib/jobs/run";

const N = 200;
const ROOT = path.resolve(import.meta.dirname, "../..");
const ids = Array.from({ length: N }, (_, i) => `q-${String(i).padStart(3, "0")}`);
const T1 = new Date("2026-03-05T00:00:00Z");
const T2 = new Date("2026-03-08T00:00:00Z");

/** A new, empty database on the test server (its accounts are only this file's). */
async function freshDatabase(url: string, name: string): Promise<string> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** 200 accounts with a test clock and a pay-as-you-go Cloud Phone; every fifth has no money (it goes overdue). */
async function seed(h: DbHandle) {
  await migrateDatabase(h);
  await loadCatalog(h.db, await readCatalogFile());
  await h.db.insert(accounts).values(ids.map((id) => ({ id, name: id, currency: "USD" as const, creditLimit: "0", testClockNow: T1 })));
  await h.db.insert(ledgerEntries).values(
    ids.flatMap((id, i) => (i % 5 === 0 ? [] : [{ accountId: id, id: `led_${id}`, entryType: "top_up" as const, amount: String(20 + i), currency: "USD" as const, at: new Date("2026-01-01T00:00:00Z") }])),
  );
  const created = new Date("2026-03-01T00:00:00Z");
  await h.db.insert(instances).values(
    ids.map((id, i) => ({
      accountId: id, id: "cp", productId: "cloud-phone", name: "cp", spec: "acp.std.large", regionId: "cn-hangzhou", instanceCount: 1 + (i % 4),
      billingMethod: "payg" as const, createdAt: created, billingAnchorAt: created, statusSince: created,
    })),
  );
}

/** What billing wrote, per account: bill lines and ledger entries, without generated ids. */
async function outcome(h: DbHandle) {
  const lines = await query(
    h.db,
    sql`select account_id, bill_date::text, line_type, product_id, instance_id, usage_quantity::text, pretax_amount::text, paid_from_balance::text, outstanding_amount::text
        from bill_lines order by account_id, bill_date, instance_id, billable_item_id, pretax_amount`,
  );
  const ledger = await query(h.db, sql`select account_id, entry_type, amount::text, at from ledger_entries order by account_id, at, entry_type, amount`);
  const accs = await query(h.db, sql`select id, overdue_since, jobs_run_until from accounts order by id`);
  return { lines, ledger, accs };
}

interface Worker {
  name: string;
  proc: ChildProcess;
  output: string[];
}

function startWorker(url: string, name: string): Promise<Worker> {
  // Node itself (tsx as a loader), not the tsx CLI: a SIGKILL must reach the worker, not a wrapper.
  const proc = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      BILLING_TEST_CLOCK: "1",
      BILLING_WORKER_NAME: name,
      BILLING_WORKER_CONCURRENCY: "2",
      BILLING_QUEUE_POLL_SECONDS: "0.5",
      BILLING_QUEUE_EXPIRE_SECONDS: "4",
      BILLING_QUEUE_RETRY_DELAY_SECONDS: "1",
      BILLING_QUEUE_MAINTENANCE_SECONDS: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const w: Worker = { name, proc, output: [] };
  return new Promise((resolve, reject) => {
    const onLine = (d: Buffer) => {
      w.output.push(d.toString());
      if (d.toString().includes(`Billing worker ${name} ready.`)) resolve(w);
    };
    proc.stdout!.on("data", onLine);
    proc.stderr!.on("data", (d: Buffer) => w.output.push(d.toString()));
    proc.on("exit", (code) => reject(new Error(`worker ${name} exited (${code}) before it was ready:\n${w.output.join("")}`)));
  });
}

function stopWorker(w: Worker, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    w.proc.once("exit", () => resolve());
    w.proc.kill(signal);
  });
}

interface JobRow {
  key: string;
  state: string;
  retry_count: number;
  worker: string | null;
}

async function accountJobs(h: DbHandle, since: Date): Promise<JobRow[]> {
  return query<JobRow>(
    h.db,
    sql`select singleton_key as key, state, retry_count, output->>'worker' as worker from ${sql.raw(QUEUE_SCHEMA)}.job
        where name = ${ACCOUNT_QUEUE} and created_on >= ${since.toISOString()}::timestamptz order by singleton_key`,
  );
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const allCompleted = (h: DbHandle, since: Date) => async () => {
  const jobs = await accountJobs(h, since);
  return jobs.length >= N && jobs.every((j) => j.state === "completed") && jobs;
};

describe("billing jobs on the queue, two worker processes (PostgreSQL)", () => {
  let queued: DbHandle; // the workers' database
  let reference: DbHandle; // the same accounts, run in-process by one runner
  let web1: PgBoss;
  let web2: PgBoss;
  const workers: Worker[] = [];

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("the queue tests need a PostgreSQL server: set DATABASE_URL (npm test starts one)");
    const tag = `${process.pid}`;
    queued = await openDatabase({ url: await freshDatabase(url, `queue_${tag}`) });
    reference = await openDatabase({ url: await freshDatabase(url, `queue_ref_${tag}`) });
    await seed(queued);
    await seed(reference);
    // Two web servers enqueue on the same queue.
    web1 = await openQueue(queued.url!, { supervise: false });
    web2 = await openQueue(queued.url!, { supervise: false });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)));
    await web1?.stop({ graceful: false, wait: true });
    await web2?.stop({ graceful: false, wait: true });
    await queued?.close();
    await reference?.close();
  });

  it("each account's jobs run exactly once per tick, however many web servers ask for it", async () => {
    workers.push(await startWorker(queued.url!, "w1"), await startWorker(queued.url!, "w2"));
    const since = new Date(Date.now() - 1000);
    const asked = await Promise.all([enqueueTick(web1, 3600), enqueueTick(web2, 3600), enqueueTick(web1, 3600)]);
    expect(asked.filter((id) => id !== null)).toHaveLength(1);

    const jobs = await until("200 completed account jobs", allCompleted(queued, since));
    expect(jobs.map((j) => j.key)).toEqual(ids);
    expect(jobs.every((j) => j.retry_count === 0)).toBe(true);
    // Both workers took part.
    expect(new Set(jobs.map((j) => j.worker))).toEqual(new Set(["w1", "w2"]));

    await runJobs(reference.db, { now: T1 });
    const [got, want] = [await outcome(queued), await outcome(reference)];
    expect(got.lines.length).toBeGreaterThan(N);
    expect(got).toEqual(want);
    expect(got.accs.every((a) => new Date(a.jobs_run_until as string).getTime() === T1.getTime())).toBe(true);
  });

  it("a worker killed mid-job leaves its accounts to the other, and nothing is charged twice", async () => {
    await Promise.all(workers.splice(0).map((w) => stopWorker(w)));
    await queued.db.update(accounts).set({ testClockNow: T2 });
    const since = new Date(Date.now() - 1000);
    const w3 = await startWorker(queued.url!, "w3");
    workers.push(w3);

    // Hold every account row: w3's two runs stop mid-transaction at their first write to their account.
    const holder = postgres(queued.url!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const holding = holder.begin(async (tx) => {
      await tx`select id from accounts for update`;
      await released;
    });
    expect(await enqueueTick(web1, 1)).not.toBeNull();
    const stuck = await until("w3 mid-job on two accounts", async () => {
      const active = (await accountJobs(queued, since)).filter((j) => j.state === "active");
      const waiting = await query<{ n: number }>(queued.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      return active.length === 2 && waiting[0].n >= 2 && active.map((j) => j.key);
    });

    const w4 = await startWorker(queued.url!, "w4");
    workers.push(w4);
    await stopWorker(w3, "SIGKILL");
    release();
    await holding;
    await holder.end();

    const jobs = await until("200 completed account jobs after the kill", allCompleted(queued, since));
    expect(jobs.map((j) => j.key)).toEqual(ids);
    for (const key of stuck) {
      const j = jobs.find((x) => x.key === key)!;
      expect(j.worker).toBe("w4");
      expect(j.retry_count).toBeGreaterThanOrEqual(1);
    }
    expect(jobs.filter((j) => !stuck.includes(j.key)).every((j) => j.worker === "w4")).toBe(true);

    await runJobs(reference.db, { now: T2 });
    const [got, want] = [await outcome(queued), await outcome(reference)];
    expect(got).toEqual(want);
    expect(got.accs.every((a) => new Date(a.jobs_run_until as string).getTime() === T2.getTime())).toBe(true);
  });
});
