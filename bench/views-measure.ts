// The views benchmark's two halves, shared by `npm run bench:views` and its
// smoke test: (1) fill an account with generated usage (bench/generate.ts),
// checked against the bulk import's validator and COPYed straight into
// usage_records (the bench drops its indexes for the load and rebuilds them),
// then rated with runJobs; (2) time what each Bill Details tab's server
// component loads (the same data functions with the same inputs) and stream a
// full Billing Details CSV export, sampling the process RSS.
import { once } from "node:events";
import { finished } from "node:stream/promises";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { query, setHandle, type DbHandle } from "@/db/client";
import { billableItems, instances } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { usageContentHash } from "@/lib/billing/usage";
import { rebuildUsageRollups } from "@/lib/billing/usage-store";
import { itemsByProduct, validateUsageRecord, type UsageContext, type ValidUsage } from "@/lib/billing/usage-validate";
import { fixedClock, setSystemClock } from "@/lib/clock";
import { getConsoleShell } from "@/lib/data/account";
import { getForecast } from "@/lib/data/alerts";
import { instanceChoices } from "@/lib/data/instances";
import { tagChoices } from "@/lib/data/tags";
import { getCostAllocation } from "@/lib/data/views/allocation";
import { listBillLines } from "@/lib/data/bill-lines";
import { getBill, listBills } from "@/lib/data/bills";
import type { Caller } from "@/lib/data/caller";
import { getColumnPreference } from "@/lib/data/views/columns";
import { exportBillLines, type CsvExport } from "@/lib/data/views/exports";
import { filterChoices } from "@/lib/data/views/facets";
import { getOverview } from "@/lib/data/views/overview";
import { getSummary } from "@/lib/data/views/summary";
import { listUsage } from "@/lib/data/views/usage";
import { benchPeriod, generateUsage, type BenchRecord, type GenerateOptions } from "./generate";
import { setUpAccount } from "./accounts";

export interface LoadFigures {
  accountId: string;
  cycle: string;
  records: number;
  lines: number;
  instances: number;
  copySeconds: number;
  indexSeconds: number;
  ratingSeconds: number;
}

const USAGE_COLUMNS = ["account_id", "id", "instance_id", "item_id", "quantity", "start_at", "end_at", "attributes", "content_hash"];

/** Drops usage_records' primary key and indexes; answers the statements that rebuild them. */
async function dropUsageIndexes(handle: DbHandle): Promise<string[]> {
  const db = handle.db;
  const cons = await query<{ name: string; def: string }>(
    db,
    sql`select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'usage_records'::regclass and contype = 'p'`,
  );
  const idx = await query<{ name: string; def: string }>(
    db,
    sql`select indexname as name, indexdef as def from pg_indexes where tablename = 'usage_records' and indexname not in
        (select conname from pg_constraint where conrelid = 'usage_records'::regclass)`,
  );
  for (const i of idx) await db.execute(sql.raw(`drop index "${i.name}"`));
  for (const c of cons) await db.execute(sql.raw(`alter table usage_records drop constraint "${c.name}"`));
  return [...cons.map((c) => `alter table usage_records add constraint "${c.name}" ${c.def}`), ...idx.map((i) => i.def)];
}

/**
 * COPY over a connection of its own, writing 10,000 rows per chunk: DbHandle.copyRows
 * streams one chunk per row through two async generators, ~3× slower here.
 */
async function copyBatched(url: string, rows: AsyncIterable<string[]>): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const writable = await client.unsafe(`COPY usage_records (${USAGE_COLUMNS.join(",")}) FROM STDIN`).writable();
    let chunk: string[] = [];
    const write = async (s: string) => {
      if (!writable.write(s)) await once(writable, "drain");
    };
    for await (const row of rows) {
      chunk.push(row.map(copyEscape).join("\t"));
      if (chunk.length === 10_000) {
        await write(chunk.join("\n") + "\n");
        chunk = [];
      }
    }
    if (chunk.length) await write(chunk.join("\n") + "\n");
    writable.end();
    await finished(writable);
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** COPY text format: \N for null, backslash escapes for specials. */
function copyEscape(v: string | null): string {
  if (v === null) return "\\N";
  return v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

export async function loadViewsData(opts: {
  handle: DbHandle;
  /** The PostgreSQL server's URL: COPY over a connection of its own (faster); without it, DbHandle.copyRows. */
  url?: string;
  /** Drop usage_records' indexes for the load and rebuild them after (never on a shared database). */
  dropIndexes?: boolean;
  records: number;
  /** Aim at this many bill lines (more instances; bench/generate.ts). */
  lines?: number;
  seed?: number;
  tag?: string;
  log?: (s: string) => void;
}): Promise<LoadFigures> {
  const log = opts.log ?? (() => {});
  const { handle, records } = opts;
  const gen: GenerateOptions = { records, seed: opts.seed, lines: opts.lines };
  const { from, until } = benchPeriod(gen);
  const accountId = `bench-views-${opts.tag ?? `${process.pid}-${Date.now().toString(36)}`}`;
  setHandle(handle);
  setSystemClock(fixedClock(until));
  const [{ n: products }] = await query<{ n: number }>(handle.db, sql`select count(*)::int as n from products`);
  if (!Number(products)) await loadCatalog(handle.db, await readCatalogFile());
  await setUpAccount(accountId, gen); // time zone UTC, so the cycle is the period's month

  // The same validation as the API and the bulk import (itemId, quantity, content hash).
  const items = itemsByProduct(
    await handle.db.select({ id: billableItems.id, productId: billableItems.productId, code: billableItems.code, rule: billableItems.rule }).from(billableItems),
  );
  const insts = await handle.db
    .select({ id: instances.id, productId: instances.productId, createdAt: instances.createdAt, releasedAt: instances.releasedAt })
    .from(instances)
    .where(eq(instances.accountId, accountId));
  const byId = new Map(insts.map((i) => [i.id, i]));
  const ctx: UsageContext = { now: until, instance: (id) => byId.get(id), itemsByProduct: items };
  // Validating every record (checkUsageShape's zod parse, Decimal quantities) would cost
  // ~5× the COPY itself at 10M records: the validator resolves the first record of
  // each (product, item) and every 1,000th record is validated in full and compared.
  const fast = new Map<string, { itemId: string; network?: unknown }>();
  const productOf = new Map(insts.map((i) => [i.id, i.productId]));
  const valid = (raw: BenchRecord): ValidUsage => {
    const res = validateUsageRecord(raw, ctx);
    if (!res.record) throw new Error(`generated record ${raw.id} is invalid: ${JSON.stringify(res.issues)}`);
    return res.record;
  };
  let n = 0;
  const t0 = performance.now();
  async function* rows(): AsyncGenerator<string[]> {
    for (const raw of generateUsage(gen)) {
      const key = `${productOf.get(raw.instanceId)}|${raw.item}`;
      let known = fast.get(key);
      if (!known) {
        const v = valid(raw);
        known = { itemId: v.itemId, network: raw.attributes?.network === undefined ? v.attributes?.network : undefined };
        fast.set(key, known);
      }
      const attributes = known.network === undefined ? (raw.attributes ?? null) : { ...raw.attributes, network: known.network };
      const base = { instanceId: raw.instanceId, itemId: known.itemId, quantity: raw.quantity, startAt: new Date(raw.start), endAt: new Date(raw.end), attributes };
      const row = [accountId, raw.id, raw.instanceId, known.itemId, raw.quantity, raw.start, raw.end, attributes ? JSON.stringify(attributes) : null, usageContentHash(base)];
      if (++n % 1_000 === 1) {
        const v = valid(raw);
        const expected = [accountId, v.id, v.instanceId, v.itemId, v.quantity, v.startAt.toISOString(), v.endAt.toISOString(), v.attributes ? JSON.stringify(v.attributes) : null, v.contentHash];
        if (JSON.stringify(expected) !== JSON.stringify(row)) throw new Error(`fast path differs from the validator: ${JSON.stringify(row)} vs ${JSON.stringify(expected)}`);
      }
      if (n % 1_000_000 === 0) log(`  copy: ${n.toLocaleString("en-US")} records (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      yield row as string[];
    }
  }
  const rebuild = opts.dropIndexes ? await dropUsageIndexes(handle) : [];
  if (opts.url) await copyBatched(opts.url, rows());
  else await handle.copyRows("usage_records", USAGE_COLUMNS, rows());
  const copySeconds = (performance.now() - t0) / 1000;
  log(`  copy: ${n.toLocaleString("en-US")} records in ${copySeconds.toFixed(1)} s`);
  const t1 = performance.now();
  for (const stmt of rebuild) {
    await handle.db.transaction(async (tx) => {
      if (handle.kind === "postgres") await tx.execute(sql`set local maintenance_work_mem = '1GB'`);
      await tx.execute(sql.raw(stmt));
    });
  }
  await handle.db.execute(sql`analyze usage_records`);
  // COPY bypasses the writer that keeps the rollups: build them from what was loaded.
  const [{ tz }] = await query<{ tz: string }>(handle.db, sql`select time_zone as tz from accounts where id = ${accountId}`);
  await rebuildUsageRollups(handle.db, accountId, tz);
  // Vacuum sets the rollups' visibility maps (as autovacuum would after a large
  // insert) so totals are index-only counts.
  await handle.db.execute(sql`vacuum (analyze) usage_hourly, usage_daily`);
  const indexSeconds = (performance.now() - t1) / 1000;
  log(`  indexes rebuilt and analysed in ${indexSeconds.toFixed(1)} s`);

  const t2 = performance.now();
  const [jobs] = await runJobs(handle.db, { now: until, accountIds: [accountId] });
  const ratingSeconds = (performance.now() - t2) / 1000;
  await handle.db.execute(sql`analyze bill_lines`);
  log(`  rating: ${jobs.lines.toLocaleString("en-US")} lines, ${jobs.settled} settled in ${ratingSeconds.toFixed(1)} s`);
  const [{ lines }] = await query<{ lines: number }>(handle.db, sql`select count(*)::int as lines from bill_lines where account_id = ${accountId}`);
  return { accountId, cycle: from.toISOString().slice(0, 7), records: n, lines: Number(lines), instances: insts.length, copySeconds, indexSeconds, ratingSeconds };
}

export interface Timing {
  tab: string;
  view: string;
  runs: number;
  p50: number;
  p95: number;
  max: number;
  rows: number;
}

export type Exporter = (caller: Caller, input: { billingCycle: string }) => Promise<CsvExport>;

export interface ExportFigures {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  rssGrowthMb: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** What each tab's server component awaits (app/(console)/bill-details/*-tab.tsx, after the console frame's one read, getConsoleShell). */
export function tabViews(caller: Caller, cycle: string): { tab: string; view: string; load: () => Promise<number> }[] {
  const c = { billingCycle: cycle };
  const page = async <T>(load: () => Promise<T>) => {
    await getConsoleShell(caller);
    return load();
  };
  const details = (input: Record<string, string>) =>
    page(async () => {
      const [r] = await Promise.all([
        listBillLines(caller, { ...c, ...input, limit: "50" }), getColumnPreference(caller, "bill-details"), filterChoices(caller),
        instanceChoices(caller), tagChoices(caller, cycle),
      ]);
      return r.data.length;
    });
  const usage = (input: Record<string, string>) =>
    page(async () => {
      const [r] = await Promise.all([listUsage(caller, { ...c, ...input, limit: "50" }), filterChoices(caller)]);
      return r.data.length;
    });
  let billId: string | null = null;
  return [
    { tab: "Consumption by Bill", view: "first page (20)", load: () => page(async () => (await listBills(caller, { ...c, limit: "20" })).data.length) },
    { tab: "Consumption by Bill", view: "filtered: type=payg", load: () => page(async () => (await listBills(caller, { ...c, type: "payg", limit: "20" })).data.length) },
    {
      tab: "Consumption by Bill",
      view: "one bill opened (its first 100 lines)",
      load: () =>
        page(async () => {
          billId ??= String((await listBills(caller, { ...c, type: "payg", limit: "1" })).data[0]?.id);
          const b = await getBill(caller, billId, { limit: "100" });
          return (b as { lines?: { data: unknown[] } }).lines?.data.length ?? 1;
        }),
    },
    { tab: "Billing Details", view: "first page (50)", load: () => details({}) },
    { tab: "Billing Details", view: "filtered: product + region", load: () => details({ productId: "registry-storage", regionId: "cn-shanghai" }) },
    { tab: "Billing Details", view: "grouped by instance, monthly", load: () => details({ groupBy: "instanceId", granularity: "MONTHLY" }) },
    { tab: "Usage Records", view: "first page (50, by day)", load: () => usage({}) },
    { tab: "Usage Records", view: "filtered: product oss, one week", load: () => usage({ productId: "oss", from: `${cycle}-10`, to: `${cycle}-16` }) },
    { tab: "Usage Records", view: "grouped by hour", load: () => usage({ unit: "hour" }) },
    { tab: "Summary", view: "by product", load: () => page(async () => (await getSummary(caller, c)).data.length) },
    { tab: "Summary", view: "by instance", load: () => page(async () => (await getSummary(caller, { ...c, dimension: "instanceId" })).data.length) },
    {
      tab: "Overview",
      view: "money, spend, trend, costliest instances, allocation, forecast",
      // Seen in the cycle's last minute, so the cycle is the current one (the bench's clock is at its end).
      load: () =>
        page(async () => {
          const [y, m] = cycle.split("-").map(Number);
          const end = Date.UTC(y, m, 1);
          setSystemClock(fixedClock(new Date(end - 60_000)));
          try {
            // As app/(console)/overview/page.tsx: the overview, then the cost allocation and tag choices of its cycle, beside the forecast.
            const [o] = await Promise.all([
              getOverview(caller).then(async (o) => {
                await Promise.all([getCostAllocation(caller, { billingCycle: o.cycle, allocateBy: "resourceGroup" }), tagChoices(caller, o.cycle)]);
                return o;
              }),
              getForecast(caller),
            ]);
            return o.trend.rows.length + o.topInstances.length;
          } finally {
            setSystemClock(fixedClock(new Date(end)));
          }
        }),
    },
  ];
}

/** Each view `runs` times after one warm-up, or fewer when they exceed `budgetSeconds` (default 30). */
export async function measureTabs(opts: { caller: Caller; cycle: string; runs?: number; budgetSeconds?: number; log?: (s: string) => void }): Promise<Timing[]> {
  const runs = opts.runs ?? 20;
  const budget = (opts.budgetSeconds ?? 30) * 1000;
  const out: Timing[] = [];
  for (const v of tabViews(opts.caller, opts.cycle)) {
    const rows = await v.load(); // warm-up
    const ts: number[] = [];
    const started = performance.now();
    // Slow views (seconds per run) get fewer runs: at least 5 within the budget, at least 2 beyond it.
    const more = () => {
      const elapsed = performance.now() - started;
      return ts.length < runs && (ts.length < 2 || (ts.length < 5 && elapsed < 2 * budget) || elapsed < budget);
    };
    while (more()) {
      const t0 = performance.now();
      await v.load();
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    const t: Timing = { tab: v.tab, view: v.view, runs: ts.length, p50: pct(ts, 50), p95: pct(ts, 95), max: ts[ts.length - 1], rows };
    opts.log?.(`  ${t.tab} — ${t.view}: p50 ${t.p50.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms (${t.runs} runs, ${rows} rows)`);
    out.push(t);
  }
  return out;
}

/** A full GC, with or without --expose-gc (the flag can be turned on at run time). */
export function gcNow(): boolean {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as (() => void) | undefined;
  }
  gc?.();
  return !!gc;
}

/** An export of the cycle (the export route's body; by default the full Billing Details CSV), read as a client would. */
export async function measureExport(caller: Caller, cycle: string, exporter: Exporter = exportBillLines): Promise<ExportFigures> {
  gcNow();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  // rss() alone: memoryUsage() also walks the heap, which the raw baseline does not pay for.
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  let bytes = 0;
  let newlines = 0;
  try {
    const out = await exporter(caller, { billingCycle: cycle });
    const reader = out.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      // Counted as the raw baseline counts its rows (native indexOf), so the ratio compares like with like.
      for (let i = value.indexOf(10); i >= 0; i = value.indexOf(10, i + 1)) newlines++;
      sample();
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = Math.max(0, newlines - 1); // less the header
  return { rows, bytes, seconds, rowsPerSecond: rows / Math.max(seconds, 1e-6), rssGrowthMb: (peak - rss0) / 1024 / 1024 };
}

export function viewsCaller(accountId: string): Caller {
  return { kind: "user", accountId, userId: "bench-views", role: "admin", email: "bench@example.com", name: "Bench" };
}
