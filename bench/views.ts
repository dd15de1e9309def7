// `npm run bench:views [-- --records N] [--lines L] [--seed S] [--runs R] [--append BENCHMARKS.md]`
// Starts a throw-away PostgreSQL 15 server (scripts/pg-temp.sh), fills one
// account with N generated usage records (default 10,000,000) and the bill lines
// rated from them — with --lines, over enough instances (bench/generate.ts) that
// rating makes about L lines (a line per instance, item and day the records
// reach; 1,000,000 → 12,904 instances) — then times each Bill Details tab's server-side loading (first
// page, a filtered page, a grouped page; p50/p95 over R runs, default 20) and a
// full Billing Details CSV export and a full FOCUS export (rows/s, peak RSS growth, from a baseline
// taken after a full GC), each next to the raw `COPY (same SELECT) TO STDOUT` of the same run.
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { migrateDatabase, openDatabase, setHandle } from "@/db/client";
import { fmt, loadAverage, machineLine, runHeading, startPostgres, stopPostgres } from "./env";
import { BENCH_DEFAULTS } from "./generate";
import { measureRawCopyOut } from "./baseline";
import { billLinesExportSql, exportFocus, focusExportSql } from "@/lib/data/views/exports";
import { loadViewsData, measureExport, measureTabs, viewsCaller, type ExportFigures, type LoadFigures, type Timing } from "./views-measure";

const TARGETS = { p95Ms: 300, exportRowsPerSecond: 100_000, rssGrowthMb: 50 };

export function viewsTables(load: LoadFigures, tabs: Timing[], exp: ExportFigures, focus: ExportFigures): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  return [
    `Data: ${fmt(load.records)} usage records over ${fmt(load.instances)} instances in one account and cycle ${load.cycle}, rated into ${fmt(load.lines)} bill lines. Load: COPY ${load.copySeconds.toFixed(0)} s (${fmt(load.records / load.copySeconds)} records/s, generated + validated in process), indexes ${load.indexSeconds.toFixed(0)} s, rating ${load.ratingSeconds.toFixed(0)} s.`,
    "",
    "| tab | view | runs | rows | p50 | p95 | max | p95 ≤ 300 ms |",
    "|---|---|---|---|---|---|---|---|",
    ...tabs.map(
      (t) =>
        `| ${t.tab} | ${t.view} | ${t.runs} | ${t.rows} | ${ms(t.p50)} | ${ms(t.p95)} | ${ms(t.max)} | ${t.p95 <= TARGETS.p95Ms ? "met" : `missed by ${ms(t.p95 - TARGETS.p95Ms)} (${(t.p95 / TARGETS.p95Ms).toFixed(1)}×)`} |`,
    ),
    "",
    "| export | rows | size | time | rows/s (≥ 100,000) | peak RSS growth (≤ 50 MB) |",
    "|---|---|---|---|---|---|",
    exportRow("Billing Details CSV, whole cycle, default columns", exp),
    exportRow("FOCUS 1.2, whole cycle", focus),
  ].join("\n");
}

function exportRow(name: string, e: ExportFigures): string {
  return `| ${name} | ${fmt(e.rows)} | ${(e.bytes / 1e6).toFixed(1)} MB | ${e.seconds.toFixed(2)} s | ${fmt(e.rowsPerSecond)}: ${e.rowsPerSecond >= TARGETS.exportRowsPerSecond ? "met" : `missed by ${fmt(TARGETS.exportRowsPerSecond - e.rowsPerSecond)}/s`} | ${e.rssGrowthMb.toFixed(1)} MB: ${e.rssGrowthMb <= TARGETS.rssGrowthMb ? "met" : `missed by ${(e.rssGrowthMb - TARGETS.rssGrowthMb).toFixed(1)} MB`} |`;
}

/** An export's rows over the time of COPY (its statement) TO STDOUT: the same rows (a voucher's Credit row is a second line in one COPY row). */
function rawLine(name: string, e: ExportFigures, raw: { seconds: number }): string {
  const ratio = raw.seconds / e.seconds;
  return `${name}: raw baseline, same run: \`COPY (same SELECT) TO STDOUT\` ${fmt(e.rows / raw.seconds)} rows/s; the export is ${ratio.toFixed(2)}× that (target ≥ 0.80×: ${ratio >= 0.8 ? "met" : "**missed**"}).`;
}

async function main() {
  const { values } = parseArgs({
    options: { records: { type: "string" }, lines: { type: "string" }, seed: { type: "string" }, runs: { type: "string" }, append: { type: "string" } },
    strict: true,
  });
  const records = values.records ? Number(values.records.replace(/[_,]/g, "")) : 10_000_000;
  const seed = values.seed ? Number(values.seed) : BENCH_DEFAULTS.seed;
  const runs = values.runs ? Number(values.runs) : 20;
  const lines = values.lines ? Number(values.lines.replace(/[_,]/g, "")) : undefined;
  if (lines !== undefined && (!Number.isInteger(lines) || lines < 1)) throw new Error(`--lines must be a whole number ≥ 1, got ${values.lines}`);
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a whole number ≥ 1, got ${values.records}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, got ${values.runs}`);

  const header = [
    runHeading(),
    "",
    `\`npm run bench:views -- --records ${records}${lines ? ` --lines ${lines}` : ""} --seed ${seed} --runs ${runs}\` (PostgreSQL 15, scripts/pg-temp.sh)`,
    "",
    machineLine(),
  ].join("\n");
  console.log(header);
  const pg = startPostgres();
  const handle = await openDatabase({ url: pg.url });
  let block: string;
  try {
    await migrateDatabase(handle);
    console.log(`\n▶ loading ${fmt(records)} records, seed ${seed}`);
    const load = await loadViewsData({ handle, url: pg.url, dropIndexes: true, records, lines, seed, log: (s) => console.log(s) });
    if (lines && load.lines < lines) console.log(`  note: ${fmt(load.lines)} lines, short of ${fmt(lines)}: more --records reach more (instance, item, day) cells`);
    console.log(`Load after loading: ${loadAverage()}\n▶ tabs`);
    const caller = viewsCaller(load.accountId);
    const tabs = await measureTabs({ caller, cycle: load.cycle, runs, log: (s) => console.log(s) });
    console.log("▶ export");
    const exp = await measureExport(caller, load.cycle);
    // The raw baseline of the same run: the server writing the export's own statement with COPY.
    const raw = await measureRawCopyOut(pg.url, (await billLinesExportSql(caller, { billingCycle: load.cycle })).statement);
    console.log("▶ FOCUS export");
    const focus = await measureExport(caller, load.cycle, exportFocus);
    const focusRaw = await measureRawCopyOut(pg.url, (await focusExportSql(caller, { billingCycle: load.cycle })).statement);
    const rawLines = `${rawLine("Billing Details CSV", exp, raw)}\n\n${rawLine("FOCUS 1.2", focus, focusRaw)}`;
    block = `${viewsTables(load, tabs, exp, focus)}\n\n${rawLines}\n\nLoad after: ${loadAverage()}`;
    console.log(`\n${block}`);
  } finally {
    setHandle(null);
    await handle.close();
    stopPostgres(pg.dir);
  }
  if (values.append) {
    appendFileSync(values.append, `\n${header}\n\n${block}\n`);
    console.log(`\nAppended to ${values.append}.`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
