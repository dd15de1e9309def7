// The billing jobs on a shared PostgreSQL queue (pg-boss), for more than one
// process: web servers only enqueue a tick; workers (`npm run worker`) turn a
// tick into one job per account and run them.
//
// - A tick is throttled to one per interval across every web server
//   (singletonKey + singletonSeconds: the queue's unique index refuses the rest).
// - An account job is keyed by the account (policy "short": at most one waiting
//   per account, so ticks piling up on a busy queue do not multiply the work).
// - Two runs of one account never overlap: each run takes a transaction-scoped
//   advisory lock on its account first; a run that finds it taken fails with
//   AccountBusyError and the queue retries it later.
// - A worker that dies mid-job loses its connection, so its transaction rolls
//   back and writes nothing; the queue expires the job (expireInSeconds) and
//   another worker runs it again. Runs are idempotent and always run up to the
//   account's "now", so a retry or a later tick catches everything up.
//
// The queue's tables live in their own schema (QUEUE_SCHEMA), which on a Citus
// cluster stays local to the coordinator (only public tables are distributed).
import PgBoss from "pg-boss";
import { asc, eq, sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { accounts } from "@/db/schema";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { analyzeUsageIfStale } from "@/lib/billing/usage-stats";
import { accountNow } from "@/lib/clock";
import { deliverPending } from "@/lib/webhooks/deliver";
import { runAccountJobs, type AccountJobResult } from "./run";

export const QUEUE_SCHEMA = "billing_queue";
export const TICK_QUEUE = "billing-tick";
export const ACCOUNT_QUEUE = "billing-account";
/** First key of the advisory lock a run holds on its account (the second is the account id's hash). */
export const ACCOUNT_LOCK_SPACE = 7_300_118;

export interface QueueOptions {
  /** Seconds a job may stay active before it counts as lost (its worker died) and is retried. */
  expireInSeconds?: number;
  /** Seconds before a failed (or busy) account job is tried again. */
  retryDelaySeconds?: number;
  /** How often a worker polls for jobs. */
  pollingIntervalSeconds?: number;
  /** How often the queue expires lost jobs (only in processes that supervise, i.e. workers). */
  maintenanceIntervalSeconds?: number;
  /** Web servers only enqueue: they leave maintenance to the workers. */
  supervise?: boolean;
  log?: (s: string) => void;
}

/** Queue settings from the environment (BILLING_QUEUE_*), for the web server and the worker alike. */
export function queueOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueOptions {
  const n = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return {
    expireInSeconds: n("BILLING_QUEUE_EXPIRE_SECONDS"),
    retryDelaySeconds: n("BILLING_QUEUE_RETRY_DELAY_SECONDS"),
    pollingIntervalSeconds: n("BILLING_QUEUE_POLL_SECONDS"),
    maintenanceIntervalSeconds: n("BILLING_QUEUE_MAINTENANCE_SECONDS"),
  };
}

/** Opens the queue (creating its schema and queues on first use; safe from several processes at once). */
export async function openQueue(url: string, opts: QueueOptions = {}): Promise<PgBoss> {
  const expireInSeconds = opts.expireInSeconds ?? 15 * 60;
  const boss = new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    max: 4,
    application_name: "billing-queue",
    supervise: opts.supervise ?? true,
    schedule: false,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 30,
    // Every account gets a job every tick (10,000 accounts each minute are 14 M jobs a day):
    // finished jobs move to the archive after an hour and leave it after a day.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterHours: 24,
    monitorStateIntervalSeconds: opts.maintenanceIntervalSeconds ?? 30,
  });
  boss.on("error", (e) => opts.log?.(`Job queue: ${(e as Error).message}`));
  await boss.start();
  const retryDelay = opts.retryDelaySeconds ?? 10;
  await boss.createQueue(TICK_QUEUE, { name: TICK_QUEUE, policy: "standard", retryLimit: 3, retryDelay, expireInSeconds });
  await boss.createQueue(ACCOUNT_QUEUE, { name: ACCOUNT_QUEUE, policy: "short", retryLimit: 10, retryDelay, expireInSeconds });
  // createQueue keeps an existing queue's settings: apply this process's.
  await boss.updateQueue(ACCOUNT_QUEUE, { name: ACCOUNT_QUEUE, policy: "short", retryLimit: 10, retryDelay, expireInSeconds });
  await boss.updateQueue(TICK_QUEUE, { name: TICK_QUEUE, policy: "standard", retryLimit: 3, retryDelay, expireInSeconds });
  return boss;
}

/**
 * Asks for a run of every account's jobs. However many web servers call this in
 * one interval, one tick is queued: the rest are refused (null).
 */
export async function enqueueTick(boss: PgBoss, intervalSeconds: number, opts: { accountIds?: string[] } = {}): Promise<string | null> {
  // The queue allows a throttle no longer than its archive delay (an hour).
  const slot = Math.min(3600, Math.max(1, Math.round(intervalSeconds)));
  return boss.send(TICK_QUEUE, { accountIds: opts.accountIds }, { singletonKey: "tick", singletonSeconds: slot });
}

/** An account's jobs are running elsewhere; the queue tries this one again later. */
export class AccountBusyError extends Error {
  constructor(readonly accountId: string) {
    super(`account ${accountId} is being worked on by another worker`);
    this.name = "AccountBusyError";
  }
}

export interface AccountJobOutput extends Partial<AccountJobResult> {
  accountId: string;
  worker: string;
  missing?: boolean;
}

/** One account's due work, in one transaction, never beside another run of the same account. */
export async function runQueuedAccount(db: Db, accountId: string, worker: string): Promise<AccountJobOutput> {
  return db.transaction(async (tx) => {
    const [lock] = await query<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${ACCOUNT_LOCK_SPACE}, hashtext(${accountId})) as ok`);
    if (!lock.ok) throw new AccountBusyError(accountId);
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, accountId));
    if (!account) return { accountId, worker, missing: true };
    const catalog = await catalogFromDb(tx);
    const r = await runAccountJobs(tx, account, catalog, accountNow(account));
    return { ...r, worker };
  });
}

/** A tick: one job per account (an account with one still waiting keeps that one), then webhook deliveries. `only` limits it to some accounts (tests). */
export async function fanOutTick(boss: PgBoss, db: Db, log: (s: string) => void, only?: string[]): Promise<number> {
  // Fresh planner statistics after a large load, before the accounts' rating reads its usage (as runJobs does).
  try {
    if (await analyzeUsageIfStale(db)) log("usage_records analyzed (its statistics were missing or stale).");
  } catch (e) {
    log(`Analyzing usage_records failed: ${(e as Error).message}`);
  }
  const all = (await db.select({ id: accounts.id }).from(accounts).orderBy(asc(accounts.id))).map((a) => a.id);
  const ids = only ? all.filter((id) => only.includes(id)) : all;
  for (let i = 0; i < ids.length; i += 1000) {
    await boss.insert(ids.slice(i, i + 1000).map((id) => ({ name: ACCOUNT_QUEUE, data: { accountId: id }, singletonKey: id })));
  }
  try {
    const d = await deliverPending(db, { accountIds: only });
    if (d.attempted) log(`Webhooks: ${d.succeeded} delivered, ${d.failed} failed of ${d.attempted}.`);
  } catch (e) {
    log(`Webhook deliveries failed: ${(e as Error).message}`);
  }
  return ids.length;
}

/** Account jobs a worker slot fetches at once (each still completed or failed on its own). */
export const ACCOUNT_BATCH = 16;

export interface WorkerOptions {
  /** Account jobs run at once in this process. */
  concurrency?: number;
  pollingIntervalSeconds?: number;
  /** Names this worker in job outputs and logs. */
  name?: string;
  log?: (s: string) => void;
}

/** Runs ticks and account jobs until the returned stop() is called. */
export async function startQueueWorker(boss: PgBoss, db: Db, opts: WorkerOptions = {}): Promise<{ stop(): Promise<void> }> {
  const log = opts.log ?? (() => {});
  const name = opts.name ?? `worker-${process.pid}`;
  const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 2;
  await boss.work<{ accountIds?: string[] }>(TICK_QUEUE, { pollingIntervalSeconds }, async ([job]) => {
    const n = await fanOutTick(boss, db, log, job.data.accountIds);
    log(`Billing tick: ${n} account job(s) queued.`);
  });
  // pg-boss waits out the polling interval after every fetch, even a full one: one job per fetch
  // would cap a worker slot at one account per interval. A slot fetches up to ACCOUNT_BATCH jobs and
  // settles each on its own (completed with its output, or failed for a retry), so one account's
  // failure never touches the others of its batch.
  for (let i = 0; i < Math.max(1, opts.concurrency ?? 2); i++) {
    await boss.work<{ accountId: string }>(ACCOUNT_QUEUE, { pollingIntervalSeconds, batchSize: ACCOUNT_BATCH }, async (jobs) => {
      for (const job of jobs) {
        const t0 = Date.now();
        try {
          const out = await runQueuedAccount(db, job.data.accountId, name);
          log(`${job.data.accountId}: ${out.lines ?? 0} lines rated, ${out.settled ?? 0} settled (${Date.now() - t0} ms)`);
          await boss.complete(ACCOUNT_QUEUE, job.id, out);
        } catch (e) {
          if (!(e instanceof AccountBusyError)) log(`${job.data.accountId}: FAILED, nothing written: ${(e as Error).message}`);
          await boss.fail(ACCOUNT_QUEUE, job.id, { message: (e as Error).message });
        }
      }
    });
  }
  return {
    async stop() {
      await boss.offWork(TICK_QUEUE);
      await boss.offWork(ACCOUNT_QUEUE);
    },
  };
}
