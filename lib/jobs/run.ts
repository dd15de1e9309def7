// The billing jobs: rate everything up to `now`, settle what has fallen due,
// react to overdue, close finished cycles. One transaction per account; the
// same `now` twice changes nothing. They drive lifecycle, overdue, alerts and
// billing, so they sit above all four (docs/architecture.md).
import { asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { accounts, instances, products, type Account } from "@/db/schema";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { cycleOf, shiftCycle } from "@/lib/billing/cycle";
import type { Catalog } from "@/lib/billing/catalog";
import { rateAccount } from "@/lib/billing/engine";
import { hasQuotaPackages, refreshPackageQuotas } from "@/lib/billing/quota";
import { deferLineTotals } from "@/lib/billing/line-totals";
import { settleDueLines } from "@/lib/billing/settlement";
import { analyzeUsageIfStale } from "@/lib/billing/usage-stats";
import { dueForRenewal, renewAtExpiry } from "@/lib/lifecycle/auto-renew";
import { expireUnpaidOrders } from "@/lib/lifecycle/orders";
import { advanceTimelines, clearOverdueIfPaidDown, onAccountOverdue, onPaygStopped, type PolicyInstance } from "@/lib/overdue/transitions";
import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { NotFoundError } from "@/lib/errors";
import { knowEndpoints } from "@/lib/webhooks/outbox";
import { probeAccount, type AccountProbe } from "./probe";
import { progressReporter } from "./progress";

export interface AccountJobResult {
  accountId: string;
  lines: number;
  settled: number;
  overdueAt: Date | null;
}

export async function runAccountJobs(tx: Tx, account: Account, catalog: Catalog, now: Date): Promise<AccountJobResult> {
  // What the account has, read once (./probe.ts): a step with nothing to act on is skipped.
  const known = await probeAccount(tx, account.id);
  if (!known) throw new NotFoundError(`Account ${account.id} not found.`);
  return runProbedJobs(tx, known, catalog, now);
}

/** Accounts with at most this many instances (released ones too) reuse their statements' plans. */
const PLAN_ONCE_MAX_INSTANCES = 25;

async function runProbedJobs(tx: Tx, known: AccountProbe, catalog: Catalog, now: Date): Promise<AccountJobResult> {
  const { account } = known;
  let lines = 0;
  let settled = 0;
  let overdueAt: Date | null = null;
  knowEndpoints(tx, account.id, known.endpoints);
  // The instances as read; null once a step may have changed them (read again when next needed).
  let insts: PolicyInstance[] | null = known.instances;
  const current = async () => (insts ??= await policyInstances(tx, account.id));
  let instruments = known.instruments;
  let periods = known.periods;
  // The account row as read, while no step has written it.
  let fresh: Account | null = known.account;
  // A small account's statements cost less to run than to plan (at a month close planning was a third
  // of the server's time per account), so their plans are reused; a large account's best plan depends
  // on its size, so its statements stay planned per execution (db/client.ts). Sent now, awaited below.
  const planOnce = known.instances.length <= PLAN_ONCE_MAX_INSTANCES ? tx.execute(sql`set local plan_cache_mode = auto`) : null;
  planOnce?.catch(() => {});

  // Lifecycle: subscriptions that reached their end date renew (auto-renewal, funds permitting) or expire.
  if (known.instances.some((i) => dueForRenewal(i, now))) {
    await renewAtExpiry(tx, account.id, catalog, now);
    // A renewal places and pays an order: instances, instruments and the account may all have moved.
    insts = null;
    fresh = null;
    instruments = true;
  }
  // Unpaid orders are not held open: 24 hours after placing they expire.
  if (known.unpaidOrders) await expireUnpaidOrders(tx, account.id, now);
  // Packages whose quota metered usage has used up: their retention timeline starts at that instant.
  if (hasQuotaPackages(catalog, await current())) {
    await refreshPackageQuotas(tx, account.id, catalog, now);
    insts = null;
  }
  // Releases already due from states entered in earlier runs come first, so nothing is rated past them.
  if ((await advanceTimelines(tx, account.id, now, await current())).length) insts = null;
  // Overdue stops billing at its instant, which changes what is rated: go
  // round until settlement finds nothing new (at most once per overdue start).
  for (let round = 0; round < 6; round++) {
    const acct = fresh ?? (await selectAccount(tx, account.id));
    fresh = null;
    // The run's mark: only the alerts read it before the end (as the previous run's), so without
    // alert rules it goes out with the first rating's reads rather than in a round trip of its own.
    const mark = round === 0 && !known.alertRules ? tx.update(accounts).set({ jobsRunUntil: now }).where(eq(accounts.id, account.id)) : null;
    // Rating and settling write the same lines: their kept totals are added once, after both.
    const [, , r] = await Promise.all([mark, round === 0 ? planOnce : null, deferLineTotals(tx, account.id, async () => {
      const rated = await rateAccount(tx, acct, catalog, now, { instances: insts ?? undefined, periods });
      lines = rated.lines;
      if (rated.periods) periods = true;
      // The extended suspension quota comes from last cycle's rated lines (on a first run they exist
      // only now); recomputed once per run, with settlement's reads and writes.
      const quotaCycle = round === 0 ? shiftCycle(cycleOf(now, acct.timeZone), -1) : undefined;
      return settleDueLines(tx, account.id, now, { periods, instruments, quotaCycle });
    })]);
    settled += r.settled;
    if (!r.overdueAt && !r.paygStopAt) break;
    insts = null;
    if (r.overdueAt) {
      overdueAt = r.overdueAt;
      await onAccountOverdue(tx, account.id, r.overdueAt);
    }
    if (r.paygStopAt) await onPaygStopped(tx, account.id, r.paygStopAt);
  }
  // Outstanding paid down within the credit limit by other means: no longer overdue (only an overdue account can be).
  if ((known.account.overdueSince || overdueAt) && (await clearOverdueIfPaidDown(tx, account.id, now))) insts = null;
  // ── overdue timelines (lib/overdue) for states entered in this run: releases after restriction, overdue or retention ──
  if ((await advanceTimelines(tx, account.id, now, await current())).some((t) => t.to === "released")) {
    // A release ends billing at its instant: rate again so nothing runs past it.
    const acct = await selectAccount(tx, account.id);
    const r = await deferLineTotals(tx, account.id, async () => {
      const rated = await rateAccount(tx, acct, catalog, now, { periods });
      lines = rated.lines;
      if (rated.periods) periods = true;
      return settleDueLines(tx, account.id, now, { periods, instruments });
    });
    settled += r.settled;
    if (r.overdueAt) await onAccountOverdue(tx, account.id, (overdueAt = r.overdueAt));
    if (r.paygStopAt) await onPaygStopped(tx, account.id, r.paygStopAt);
  }
  if (known.alertRules) {
    await evaluateAlerts(tx, await selectAccount(tx, account.id), now);
    await tx.update(accounts).set({ jobsRunUntil: now }).where(eq(accounts.id, account.id));
  }
  return { accountId: account.id, lines, settled, overdueAt };
}

async function selectAccount(tx: Tx, id: string): Promise<Account> {
  const [a] = await tx.select().from(accounts).where(eq(accounts.id, id));
  return a;
}

async function policyInstances(tx: Tx, accountId: string): Promise<PolicyInstance[]> {
  const rows = await tx
    .select({ instance: instances, overduePolicy: products.overduePolicy })
    .from(instances)
    .innerJoin(products, eq(products.id, instances.productId))
    .where(eq(instances.accountId, accountId));
  return rows.map((r) => ({ ...r.instance, overduePolicy: r.overduePolicy }));
}

/**
 * Runs every account's jobs, each in its own transaction. `concurrency` accounts
 * at a time (default 1): accounts share no rows, so on PostgreSQL several
 * transactions overlap one account's JavaScript with another's queries
 * (PGlite has one connection: keep 1). Results are in account order.
 */
export async function runJobs(
  db: Db,
  opts: {
    now: Date | ((a: Account) => Date);
    accountIds?: string[];
    log?: (s: string) => void;
    concurrency?: number;
    /** A progress line (done / total, rate, time left) every `progressEveryMs` (default 5 s) and at the end. */
    progress?: (line: string) => void;
    progressEveryMs?: number;
  },
): Promise<AccountJobResult[]> {
  const catalog = await catalogFromDb(db);
  // After a large load, fresh planner statistics before any account's rating reads its usage.
  await analyzeUsageIfStale(db);
  // The account ids first (the one cross-account read), then each account by its id in its own
  // transaction (the probe reads and locks it): on Citus every query of an account's run stays on
  // that account's shard, and no serial pass reads every account before the first one runs.
  const ids = opts.accountIds
    ? [...new Set(opts.accountIds)].sort()
    : (await db.select({ id: accounts.id }).from(accounts).orderBy(asc(accounts.id))).map((a) => a.id);
  const results: (AccountJobResult | null | undefined)[] = new Array(ids.length);
  const failures: { accountId: string; error: unknown }[] = [];
  let next = 0;
  let done = 0;
  const tick = opts.progress ? progressReporter(ids.length, opts.progress, opts.progressEveryMs) : () => {};
  const nowFor = (a: Account) => (typeof opts.now === "function" ? opts.now(a) : opts.now);
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i];
      const t0 = Date.now();
      let r: AccountJobResult | null;
      try {
        r = await db.transaction(async (tx) => {
          const known = await probeAccount(tx, id);
          // Gone since it was listed (or never there): nothing to run.
          return known ? runProbedJobs(tx, known, catalog, nowFor(known.account)) : null;
        });
      } catch (error) {
        // One account's failure (its transaction rolled back) must not stop the others' billing.
        failures.push({ accountId: id, error });
        opts.log?.(`[${++done}/${ids.length}] ${id}: FAILED, nothing written: ${(error as Error).message}`);
        tick(false);
        continue;
      }
      results[i] = r;
      if (r) {
        opts.log?.(
          `[${++done}/${ids.length}] ${id}: ${r.lines} lines rated, ${r.settled} settled` +
            `${r.overdueAt ? `, overdue since ${r.overdueAt.toISOString()}` : ""} (${Date.now() - t0} ms)`,
        );
      } else {
        opts.log?.(`[${++done}/${ids.length}] ${id}: no such account`);
      }
      tick(true);
    }
  };
  const workers = Math.max(1, Math.min(Math.trunc(opts.concurrency ?? 1), ids.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const ok = results.filter((r): r is AccountJobResult => !!r);
  if (failures.length === 1 && ids.length === 1) throw failures[0].error;
  if (failures.length) throw new JobsFailedError(failures, ok);
  return ok;
}

/**
 * Accounts run at a time: one on PGlite's single connection; on PostgreSQL 8
 * transactions of the pool (DB_POOL_SIZE, default 10), two connections left for
 * whatever else the process serves. An account is ~18 round trips, each a wait
 * for the server: with 4 in flight a quiet month close left Node idle a third of
 * the time; more in flight overlaps more of those waits (CPU per account is the same).
 */
export function jobsConcurrency(kind: "pglite" | "postgres", poolSize = Number(process.env.DB_POOL_SIZE ?? 10)): number {
  if (kind === "pglite") return 1;
  return Math.max(1, Math.min(8, (Number.isFinite(poolSize) ? poolSize : 10) - 2));
}

/** Some accounts' jobs failed (each rolled back); the others' ran and are in `results`. */
export class JobsFailedError extends Error {
  constructor(
    readonly failures: { accountId: string; error: unknown }[],
    readonly results: AccountJobResult[],
  ) {
    super(
      `Jobs failed for ${failures.length} account(s), ran for ${results.length}: ` +
        failures.map((f) => `${f.accountId}: ${(f.error as Error).message}`).join("; "),
    );
    this.name = "JobsFailedError";
  }
}
