// The engine benchmark's pipeline on one database, shared by `npm run
// bench:engine` and its smoke test: (a) API ingest in batches of 10,000, plus a
// re-send of the first batches for dedup, through `opts.post` (the smoke test passes the
// POST /api/v1/usage route handler; the bench its steps, see apiSteps); (b) the bulk import CLI's code path over an NDJSON
// file; (c) rating: runJobs over the account that holds every record.
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { sql, type SQL } from "drizzle-orm";
import { query, setHandle, type DbHandle } from "@/db/client";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, setSystemClock } from "@/lib/clock";
import { apiKeyCaller, OPERATOR, type Caller } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import { assertCanIngest, ingestUsage } from "@/lib/data/usage";
import { importUsageCommand } from "@/lib/ops/import-usage";
import { billLinesExportSql, exportBillLines, exportFocus, focusExportSql } from "@/lib/data/views/exports";
import { benchPeriod, generateUsage, type BenchRecord, type GenerateOptions } from "./generate";
import { measureRawBaselines, measureRawCopyOut, type RawFigures } from "./baseline";
import { measureExport, viewsCaller, type Exporter, type ExportFigures } from "./views-measure";
import { cpuTimes, runMonthClose, type MonthCloseFigures } from "./month-close";
import { measureHttpIngest, type HttpFigures } from "./http-ingest";
import { API_BATCH, setUpAccount } from "./accounts";

export { API_BATCH, setUpAccount };

export interface PipelineFigures {
  db: DbHandle["kind"] | "citus (3 nodes)";
  records: number;
  api: { records: number; seconds: number; perSecond: number };
  dedup: { records: number; seconds: number; perSecond: number; duplicates: number };
  import: { records: number; seconds: number; perSecond: number };
  rating: { records: number; seconds: number; lines: number };
  /** Billing Details CSV of the import account's cycle (the export route's body). */
  export: ExportFigures;
  /** FOCUS 1.2 CSV of the same cycle (the export route's body with format=focus). */
  focus: ExportFigures;
  /** PostgreSQL only (opts.url): the raw baselines of the same run, COPY TO STDOUT of each export's own statement. */
  raw?: RawFigures & { copyOut: CopyOutFigures; focusCopyOut: CopyOutFigures };
  close?: MonthCloseFigures;
  /** Over HTTP against `next start` (opts.httpPort), or why it was skipped. */
  http?: HttpFigures | string;
}

/** Sends one POST /api/v1/usage request, answers its Response. */
export type PostUsage = (req: Request) => Promise<Response>;

/**
 * What the route handler does for a request with an API key (lib/api/handler's
 * apiRoute + app/api/v1/usage/route.ts): authenticate, read the JSON body,
 * ingest, answer JSON. Used where the route module cannot be imported: under
 * tsx, next-auth (pulled in by apiRoute's session fallback) fails to load.
 */
export const apiSteps: PostUsage = async (req) => {
  const caller = await apiKeyCaller(req.headers.get("authorization"));
  assertCanIngest(caller);
  return Response.json(await ingestUsage(caller, JSON.parse(await req.text())));
};

type CopyOutFigures = Awaited<ReturnType<typeof measureRawCopyOut>>;

/**
 * An export and COPY (its statement) TO STDOUT back to back. The first read of lines just written sets
 * their hint bits (writes), so one untimed read goes first, and neither pays it. Each is taken three
 * times, alternating, and the median kept: one read of 17,050 rows is a quarter of a second, which one
 * pause on this machine moves by a third. RSS growth: the largest of the three.
 */
async function measureExportVsCopy(
  label: string,
  url: string | undefined,
  caller: Caller,
  cycle: string,
  exporter: Exporter,
  statement: SQL,
  log: (line: string) => void,
): Promise<{ exported: ExportFigures; copyOut?: CopyOutFigures }> {
  if (url) await measureRawCopyOut(url, statement);
  const exports: ExportFigures[] = [];
  const copyOuts: CopyOutFigures[] = [];
  for (let i = 0; i < 3; i++) {
    exports.push(await measureExport(caller, cycle, exporter));
    if (url) copyOuts.push(await measureRawCopyOut(url, statement));
  }
  const median = <T extends { seconds: number }>(runs: T[]) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
  const exported = { ...median(exports), rssGrowthMb: Math.max(...exports.map((e) => e.rssGrowthMb)) };
  log(`  ${label}: ${exported.rows} rows in ${exports.map((e) => e.seconds.toFixed(2)).join(", ")} s (median ${exported.seconds.toFixed(2)} s), RSS +${exported.rssGrowthMb.toFixed(1)} MB at most`);
  const copyOut = copyOuts.length ? median(copyOuts) : undefined;
  if (copyOut) log(`  ${label}, raw COPY TO STDOUT: ${copyOut.rows} rows in ${copyOuts.map((c) => c.seconds.toFixed(2)).join(", ")} s (median ${copyOut.seconds.toFixed(2)} s)`);
  return { exported, copyOut };
}

export interface PipelineOptions extends GenerateOptions {
  handle: DbHandle;
  /** Leave out the API step (to iterate on import or rating). */
  skipApi?: boolean;
  /** How API requests are served (default apiSteps). */
  post?: PostUsage;
  /** Folder for the NDJSON file of the import step. */
  workDir: string;
  /** Suffix for the account ids, so runs sharing a database never collide. */
  tag?: string;
  log?: (line: string) => void;
  /** The PostgreSQL server's URL: measure the raw baselines on it (fresh tables). */
  url?: string;
  /** Month close: this many accounts × 10 instances (0 or unset: skipped). */
  closeAccounts?: number;
  /** Also ingest over HTTP against `next start` on this port (PostgreSQL only: the server needs opts.url). */
  httpPort?: number;
}

/** The first batches are sent again, one after the other (all duplicates), as the HTTP step re-sends as many. */
const RESENT_BATCHES = 4;

const rate = (n: number, s: number) => Math.round(n / Math.max(s, 1e-6));


async function api(post: PostUsage, body: string, key: string) {
  const res = await post(
    new Request("http://bench/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body }),
  );
  const json = (await res.json()) as { accepted: number; duplicates: number; error?: { message: string } };
  if (res.status !== 200) throw new Error(`POST /api/v1/usage answered ${res.status}: ${json.error?.message}`);
  return json;
}

/**
 * Waits (untimed) until no autovacuum worker runs, at most 2 minutes, and logs what it waited for: the
 * bulk loads of the step before start autovacuum on usage_records, which would share the two cores with
 * the next timed step. A server fed over a month has long caught up; the raw baselines wait the same way.
 */
async function awaitAutovacuum(handle: DbHandle, before: string, log: (s: string) => void): Promise<void> {
  const t0 = performance.now();
  let seen = "";
  for (let tables = await autovacuumTables(handle); tables && performance.now() - t0 < 120_000; tables = await autovacuumTables(handle)) {
    seen ||= tables;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (seen) log(`  waited ${((performance.now() - t0) / 1000).toFixed(1)} s before ${before} for autovacuum (${seen})`);
}

/** Samples autovacuum every 250 ms while a step runs; stop() names the tables it was seen working on. */
function watchAutovacuum(handle: DbHandle): { stop: () => Promise<string> } {
  const seen = new Set<string>();
  let on = true;
  const loop = (async () => {
    while (on) {
      for (const t of (await autovacuumTables(handle)).split("; ")) if (t) seen.add(t);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      on = false;
      await loop;
      return [...seen].join("; ") || "none";
    },
  };
}

/** The tables autovacuum is working on now (PostgreSQL), for the log: it shares the machine with the step. */
async function autovacuumTables(handle: DbHandle): Promise<string> {
  if (handle.kind !== "postgres") return "";
  const rows = await query<{ q: string }>(handle.db, sql`select query as q from pg_stat_activity where backend_type = 'autovacuum worker'`);
  return rows.map((r) => r.q.replace(/^autovacuum: /, "")).join("; ");
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineFigures> {
  const log = opts.log ?? (() => {});
  const gen: GenerateOptions = { records: opts.records, seed: opts.seed, from: opts.from, days: opts.days };
  const records = opts.records ?? 1_000_000;
  const tag = opts.tag ?? `${process.pid}-${Date.now().toString(36)}`;
  const { handle } = opts;
  const post = opts.post ?? apiSteps;
  setHandle(handle);
  setSystemClock(fixedClock(benchPeriod(gen).until));
  const [{ n: products }] = await query<{ n: number }>(handle.db, sql`select count(*)::int as n from products`);
  if (!Number(products)) await loadCatalog(handle.db, await readCatalogFile());

  const apiAccount = `bench-api-${tag}`;
  const importAccount = `bench-import-${tag}`;
  await setUpAccount(apiAccount, gen);
  await setUpAccount(importAccount, gen);
  const key = (await createApiKey(OPERATOR, { accountId: apiAccount, name: "bench", role: "admin" })).key;

  // (a) API ingest: the handler's time only; serialising a batch is the client's work.
  let apiSeconds = 0;
  let accepted = 0;
  const firstBodies: string[] = [];
  let batch: BenchRecord[] = [];
  const flush = async () => {
    const body = JSON.stringify({ records: batch });
    if (firstBodies.length < RESENT_BATCHES) firstBodies.push(body);
    const t0 = performance.now();
    accepted += (await api(post, body, key)).accepted;
    apiSeconds += (performance.now() - t0) / 1000;
    batch = [];
    if ((accepted / API_BATCH) % 10 === 0) log(`  api: ${accepted.toLocaleString("en-US")} records (${rate(accepted, apiSeconds).toLocaleString("en-US")} records/s)`);
  };
  let again = { accepted: 0, duplicates: 0 };
  let dedupSeconds = 0;
  if (!opts.skipApi) {
    for (const r of generateUsage(gen)) {
      batch.push(r);
      if (batch.length === API_BATCH) await flush();
    }
    if (batch.length) await flush();
    if (accepted !== records) throw new Error(`API ingest accepted ${accepted} of ${records} records`);
    const t0 = performance.now();
    for (const body of firstBodies) {
      const answer = await api(post, body, key);
      again = { accepted: again.accepted + answer.accepted, duplicates: again.duplicates + answer.duplicates };
    }
    dedupSeconds = (performance.now() - t0) / 1000;
    log(`  api re-send: ${again.accepted + again.duplicates} records, ${again.duplicates} duplicates in ${dedupSeconds.toFixed(2)} s`);
  }
  const dedupRecords = again.accepted + again.duplicates;

  // (a') The same over real HTTP, into a third account.
  const http = opts.httpPort && opts.url ? await measureHttpIngest({ dbUrl: opts.url, port: opts.httpPort, gen, tag, log, beforeResend: () => awaitAutovacuum(handle, "the HTTP re-send", log) }) : undefined;

  // (b) Bulk import through the CLI command, from an NDJSON file.
  const file = path.join(opts.workDir, `bench-${tag}.ndjson`);
  const out = createWriteStream(file);
  for (const r of generateUsage(gen)) if (!out.write(JSON.stringify(r) + "\n")) await once(out, "drain");
  out.end();
  await once(out, "finish");
  await awaitAutovacuum(handle, "the import", log);
  const importVacuum = watchAutovacuum(handle);
  const t1 = performance.now();
  await importUsageCommand.run({ values: { account: importAccount, "progress-every": "250000" }, positionals: [file], log: (s) => log(`  import:${s}`) });
  const importSeconds = (performance.now() - t1) / 1000;
  log(`  import: autovacuum during the import: ${await importVacuum.stop()}`);
  await rm(file, { force: true });

  // (c) Rating (and settling) the account that holds every record.
  await awaitAutovacuum(handle, "rating", log);
  const cpu0 = await cpuTimes(handle);
  const ratingVacuum = watchAutovacuum(handle);
  const t2 = performance.now();
  const [jobs] = await runJobs(handle.db, { now: benchPeriod(gen).until, accountIds: [importAccount] });
  const ratingSeconds = (performance.now() - t2) / 1000;
  const vacuuming = await ratingVacuum.stop();
  const cpu1 = await cpuTimes(handle);
  const serverCpu = cpu0.server !== null && cpu1.server !== null ? `, server ${((cpu1.server - cpu0.server) / 1000).toFixed(2)} s` : "";
  log(`  rating: ${jobs.lines} lines, ${jobs.settled} settled in ${ratingSeconds.toFixed(2)} s (CPU: Node ${((cpu1.node - cpu0.node) / 1000).toFixed(2)} s${serverCpu}; autovacuum during the rating: ${vacuuming})`);

  // (d) The Billing Details CSV and FOCUS exports of the import account's cycle, each next to COPY (its
  // statement) TO STDOUT: both read the lines' pages in the same state.
  const cycle = benchPeriod(gen).from.toISOString().slice(0, 7);
  const caller = viewsCaller(importAccount);
  const csv = await measureExportVsCopy("export", opts.url, caller, cycle, exportBillLines, (await billLinesExportSql(caller, { billingCycle: cycle })).statement, log);
  const focus = await measureExportVsCopy("FOCUS export", opts.url, caller, cycle, exportFocus, (await focusExportSql(caller, { billingCycle: cycle })).statement, log);

  // (e) The raw baselines on the same server: fresh tables, the same rows, no application code.
  let raw: PipelineFigures["raw"];
  if (opts.url && csv.copyOut && focus.copyOut) {
    await awaitAutovacuum(handle, "the raw baselines", log);
    const base = await measureRawBaselines(opts.url, generateUsage(gen), opts.workDir, log);
    raw = { ...base, copyOut: csv.copyOut, focusCopyOut: focus.copyOut };
  }

  // (f) Month close over many small accounts.
  const close = opts.closeAccounts ? await runMonthClose(handle, { accounts: opts.closeAccounts, gen, tag, log }) : undefined;

  return {
    db: handle.kind,
    records,
    api: { records, seconds: apiSeconds, perSecond: rate(records, apiSeconds) },
    dedup: { records: dedupRecords, seconds: dedupSeconds, perSecond: rate(dedupRecords, dedupSeconds), duplicates: again.duplicates },
    import: { records, seconds: importSeconds, perSecond: rate(records, importSeconds) },
    rating: { records, seconds: ratingSeconds, lines: jobs.lines },
    export: csv.exported,
    focus: focus.exported,
    raw,
    close,
    http,
  };
}
