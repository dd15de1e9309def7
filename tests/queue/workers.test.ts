// The billing jobs on the shared queue, with real worker processes
// (scripts/worker.ts) on a PostgreSQL server or a Citus cluster: 200 accounts,
// two workers. Each account's jobs run exactly once per tick; a worker killed
// mid-job leaves its accounts to the other and nothing is charged twice — the
// bill lines and the ledger equal those of one in-process run over a copy of
// the same 200 accounts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import postgres from "postgres";
import type PgBoss from "pg-boss";
import { inArray, sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, type DbHandle } from "@/db/client";
import { hasCitus } from "@/db/citus";
import { accounts, instances, ledgerEntries } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { ACCOUNT_BATCH, ACCOUNT_LOCK_SPACE, ACCOUNT_QUEUE, AccountBusyError, QUEUE_SCHEMA, enqueueTick, openQueue, runQueuedAccount } from "@/lib/jobs/queue";
import { runJobs } from "@/lib/jobs/run";

const N = 200;
const ROOT = path.resolve(import.meta.dirname, "../..");
// This run's accounts (the database is shared with other test files): the queued ones and their copies.
const P = `qt${process.pid}${Date.now().toString(36)}`;
const numbered = (kind: string) => Array.from({ length: N }, (_, i) => `${P}-${kind}-${String(i).padStart(3, "0")}`);
const ids = numbered("q");
const copies = numbered("r");
const T1 = new Date("2026-03-05T00:00:00Z");
const T2 = new Date("2026-03-08T00:00:00Z");

/** 200 accounts with a test clock and a pay-as-you-go Cloud Phone; every fifth has no money (it goes overdue). */
async function seed(h: DbHandle, ids: string[]) {
  await h.db.insert(accounts).values(ids.map((id) => ({ id, name: id, currency: "USD" as const, creditLimit: "0", testClockNow: T1 })));
  const topUps = ids.flatMap((id, i) => (i % 5 === 0 ? [] : [{ accountId: id, id: `led_${id}`, entryType: "top_up" as const, amount: String(20 + i), currency: "USD" as const, at: new Date("2026-01-01T00:00:00Z") }]));
  if (topUps.length) await h.db.insert(ledgerEntries).values(topUps);
  const created = new Date("2026-03-01T00:00:00Z");
  await h.db.insert(instances).values(
    ids.map((id, i) => ({
      accountId: id, id: "cp", productId: "cloud-phone", name: "cp", spec: "acp.std.large", regionId: "cn-hangzhou", instanceCount: 1 + (i % 4),
      billingMethod: "payg" as const, createdAt: created, billingAnchorAt: created, statusSince: created,
    })),
  );
}

/** What billing wrote to one set of accounts (`kind`): bill lines and ledger entries, without generated ids, accounts by number. */
async function outcome(h: DbHandle, kind: string) {
  const like = `${P}-${kind}-%`;
  const n = (col: string) => sql.raw(`right(${col}, 3)`);
  const lines = await query(
    h.db,
    sql`select ${n("account_id")} as account, bill_date::text, line_type, product_id, instance_id, usage_quantity::text, pretax_amount::text, paid_from_balance::text, outstanding_amount::text
        from bill_lines where account_id like ${like} order by account_id, bill_date, instance_id, billable_item_id, pretax_amount`,
  );
  const ledger = await query(
    h.db,
    sql`select ${n("account_id")} as account, entry_type, amount::text, at from ledger_entries where account_id like ${like} order by account_id, at, entry_type, amount`,
  );
  const accs = await query(h.db, sql`select ${n("id")} as account, overdue_since, jobs_run_until from accounts where id like ${like} order by id`);
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
      // A slot runs its batch of ACCOUNT_BATCH jobs one after another, all active from the fetch: the
      // expiry must outlast a whole batch on a loaded machine, or its tail is retried (retry_count > 0).
      BILLING_QUEUE_EXPIRE_SECONDS: "20",
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
        where name = ${ACCOUNT_QUEUE} and singleton_key like ${`${P}-q-%`} and created_on >= ${since.toISOString()}::timestamptz order by singleton_key`,
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
  let h: DbHandle;
  let web1: PgBoss;
  let web2: PgBoss;
  const workers: Worker[] = [];
  const url = () => h.url!;

  beforeAll(async () => {
    const dbUrl = process.env.DATABASE_URL;
    if (!dbUrl) throw new Error("the queue tests need a PostgreSQL server: set DATABASE_URL (npm test starts one)");
    h = await openDatabase({ url: dbUrl });
    await migrateDatabase(h);
    await loadCatalog(h.db, await readCatalogFile());
    await seed(h, ids);
    await seed(h, copies);
    // Two web servers enqueue on the same queue.
    web1 = await openQueue(dbUrl, { supervise: false });
    web2 = await openQueue(dbUrl, { supervise: false });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)));
    await web1?.stop({ graceful: false, wait: true });
    await web2?.stop({ graceful: false, wait: true });
    await h?.close();
  });

  it("each account's jobs run exactly once per tick, however many web servers ask for it", async () => {
    workers.push(await startWorker(url(), "w1"), await startWorker(url(), "w2"));
    const since = new Date(Date.now() - 1000);
    const asked = await Promise.all([enqueueTick(web1, 3600, { accountIds: ids }), enqueueTick(web2, 3600, { accountIds: ids }), enqueueTick(web1, 3600, { accountIds: ids })]);
    expect(asked.filter((id) => id !== null)).toHaveLength(1);

    const jobs = await until("200 completed account jobs", allCompleted(h, since));
    expect(jobs.map((j) => j.key)).toEqual(ids);
    expect(jobs.every((j) => j.retry_count === 0)).toBe(true);
    // Both workers took part.
    expect(new Set(jobs.map((j) => j.worker))).toEqual(new Set(["w1", "w2"]));

    await runJobs(h.db, { now: T1, accountIds: copies });
    const [got, want] = [await outcome(h, "q"), await outcome(h, "r")];
    expect(got.lines.length).toBeGreaterThan(N);
    expect(got).toEqual(want);
    expect(got.accs.every((a) => new Date(a.jobs_run_until as string).getTime() === T1.getTime())).toBe(true);
    // On a Citus cluster the queue's tables stay local to the coordinator; the accounts are distributed.
    if (await hasCitus(h.db)) {
      const placed = await query<{ t: string }>(h.db, sql`select logicalrelid::text as t from pg_dist_partition where logicalrelid::text in ('accounts', ${`${QUEUE_SCHEMA}.job`})`);
      expect(placed.map((r) => r.t)).toEqual(["accounts"]);
    }
  });

  it("a run never starts beside another run of the same account: it is refused as busy, to be retried", async () => {
    const [id] = numbered("b");
    await seed(h, [id]);
    process.env.BILLING_TEST_CLOCK = "1"; // the account's own clock, as the workers run it
    const holder = postgres(url(), { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const other = holder.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${ACCOUNT_LOCK_SPACE}, hashtext(${id}))`;
      held();
      await released;
    });
    await holding;
    await expect(runQueuedAccount(h.db, id, "t")).rejects.toBeInstanceOf(AccountBusyError);
    release();
    await other;
    await holder.end();
    await expect(runQueuedAccount(h.db, id, "t")).resolves.toMatchObject({ accountId: id, worker: "t" });
    delete process.env.BILLING_TEST_CLOCK;
  });

  it("a worker killed mid-job leaves its accounts to the other, and nothing is charged twice", async () => {
    await Promise.all(workers.splice(0).map((w) => stopWorker(w)));
    await h.db.update(accounts).set({ testClockNow: T2 }).where(inArray(accounts.id, ids));
    const since = new Date(Date.now() - 1000);
    const w3 = await startWorker(url(), "w3");
    workers.push(w3);

    // Hold every account row: w3's two runs (one per slot) stop mid-transaction at their first write to
    // their account; the rest of each slot's batch waits behind them, fetched and held by w3.
    const holder = postgres(url(), { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const holding = holder.begin(async (tx) => {
      // One row at a time: on Citus each is a single-shard query.
      for (const id of ids) await tx`select id from accounts where id = ${id} for update`;
      await released;
    });
    expect(await enqueueTick(web1, 1, { accountIds: ids })).not.toBeNull();
    const stuck = await until("w3 holding two batches of account jobs", async () => {
      const active = (await accountJobs(h, since)).filter((j) => j.state === "active");
      return active.length === Math.min(ids.length, 2 * ACCOUNT_BATCH) && active.map((j) => j.key);
    });
    // Started: within moments each reaches a write to its account and waits there.
    await new Promise((r) => setTimeout(r, 1500));

    const w4 = await startWorker(url(), "w4");
    workers.push(w4);
    await stopWorker(w3, "SIGKILL");
    release();
    await holding;
    await holder.end();

    const jobs = await until("200 completed account jobs after the kill", allCompleted(h, since));
    expect(jobs.map((j) => j.key)).toEqual(ids);
    for (const key of stuck) {
      const j = jobs.find((x) => x.key === key)!;
      expect(j.worker).toBe("w4");
      expect(j.retry_count).toBeGreaterThanOrEqual(1);
    }
    expect(jobs.filter((j) => !stuck.includes(j.key)).every((j) => j.worker === "w4")).toBe(true);

    await runJobs(h.db, { now: T2, accountIds: copies });
    const [got, want] = [await outcome(h, "q"), await outcome(h, "r")];
    expect(got).toEqual(want);
    expect(got.accs.every((a) => new Date(a.jobs_run_until as string).getTime() === T2.getTime())).toBe(true);
  });
});
