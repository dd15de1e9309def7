// `npm run bench:engine [-- --records N] [--seed S] [--db pglite|postgres|both|citus] [--skip-api] [--close-accounts N] [--http [--http-port P]] [--append BENCHMARKS.md]`
// Generates N usage records (default 1,000,000) and measures API ingest (route
// handler in-process), bulk import, rating + settling, the Billing Details CSV
// and FOCUS exports and a month close over --close-accounts accounts × 10 instances
// (default 10,000; 0 skips it), on an in-memory PGlite and/or on a throw-away
// PostgreSQL 15 server it starts (scripts/pg-temp.sh). On PostgreSQL the raw
// baselines are measured on the same server in the same run (bench/baseline.ts)
// and every step is printed as a ratio next to its target. `--http`: API ingest
// also over real HTTP against `next start` (needs `npm run build`; port 3914).
// `--db citus`: on that server and on a throw-away 3-node Citus cluster
// (scripts/citus-temp.sh), side by side, in the same run.
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateDatabase, openDatabase, setHandle } from "@/db/client";
import { fmt, machineLine, runHeading, sh, startCitus, startPostgres, stopCitus, stopPostgres } from "./env";
import { BENCH_DEFAULTS } from "./generate";
import { runPipeline, type PipelineFigures } from "./pipeline";

// Each target is a ratio to a raw baseline measured on the same server in the same run (bench/baseline.ts).
export const TARGETS = { api: 0.4, dedup: 1.0, import: 0.6, rating: 4, export: 0.8, rssGrowthMb: 50, closeSeconds: 120, closeAccounts: 10_000 };

const x = (n: number) => `${n.toFixed(2)}×`;
const mark = (ok: boolean) => (ok ? "met" : "**missed**");

function table(f: PipelineFigures): string {
  const raw = f.raw;
  const copy = raw ? `COPY into a table with usage_records' keys and indexes: ${fmt(raw.copy.perSecond)} rows/s` : "—";
  const atLeast = (rate: number, target: number) => (raw ? `${x(rate / raw.copy.perSecond)} | ≥ ${x(target)}: ${mark(rate / raw.copy.perSecond >= target)}` : `— | ≥ ${x(target)}`);
  // The in-process figures show where the time goes; the ingest targets are for requests over HTTP.
  const ratioOnly = (rate: number) => (raw ? `${x(rate / raw.copy.perSecond)} | — (the target is over HTTP)` : "— | —");
  const rows = [
    `| step (${f.db}, ${fmt(f.records)} records) | time | rate | raw PostgreSQL, same run | ratio | target |`,
    "|---|---|---|---|---|---|",
  ];
  if (f.api.seconds) {
    rows.push(`| API ingest (in process), ${fmt(f.records / 10_000)} batches of 10,000 | ${f.api.seconds.toFixed(1)} s | ${fmt(f.api.perSecond)} records/s | ${copy} | ${ratioOnly(f.api.perSecond)} |`);
    rows.push(`| API re-send of the first batches, one at a time (${fmt(f.dedup.duplicates)} duplicates) | ${f.dedup.seconds.toFixed(2)} s | ${fmt(f.dedup.perSecond)} records/s | same COPY | ${ratioOnly(f.dedup.perSecond)} |`);
  } else rows.push("| API ingest | skipped (--skip-api) | | | | |");
  if (typeof f.http === "string") rows.push(`| API ingest over HTTP | ${f.http} | | | | |`);
  else if (f.http) {
    rows.push(`| API ingest over HTTP (\`next start\`, 2 keep-alive clients, 10,000 per request) | ${f.http.seconds.toFixed(1)} s | ${fmt(f.http.perSecond)} records/s | same COPY | ${atLeast(f.http.perSecond, TARGETS.api)} |`);
    rows.push(`| API re-send over HTTP (${fmt(f.http.dedup.records)} duplicates) | ${f.http.dedup.seconds.toFixed(2)} s | ${fmt(f.http.dedup.perSecond)} records/s | same COPY | ${atLeast(f.http.dedup.perSecond, TARGETS.dedup)} |`);
  }
  rows.push(`| bulk import (NDJSON, import-usage) | ${f.import.seconds.toFixed(1)} s | ${fmt(f.import.perSecond)} records/s | same COPY | ${atLeast(f.import.perSecond, TARGETS.import)} |`);
  const rr = raw ? f.rating.seconds / raw.groupBy.seconds : NaN;
  rows.push(
    `| rating + settling (runJobs, ${fmt(f.rating.lines)} lines) | ${f.rating.seconds.toFixed(2)} s | ${fmt(f.records / f.rating.seconds)} records/s | ${raw ? `GROUP BY account, instance, item, day (${fmt(raw.groupBy.groups)} groups): ${raw.groupBy.seconds.toFixed(2)} s` : "—"} | ${raw ? `${x(rr)} the time` : "—"} | ≤ ${x(TARGETS.rating)}${raw ? `: ${mark(rr <= TARGETS.rating)}` : ""} |`,
  );
  // The same rows either way: the ratio of the times is the ratio of the rates (a voucher's Credit row is a second line in one COPY row).
  const exportRow = (name: string, e: PipelineFigures["export"], copyOut: { seconds: number } | undefined) => {
    const er = copyOut ? copyOut.seconds / e.seconds : NaN;
    return `| ${name} (${fmt(e.rows)} rows, RSS +${e.rssGrowthMb.toFixed(1)} MB) | ${e.seconds.toFixed(2)} s | ${fmt(e.rowsPerSecond)} rows/s | ${copyOut ? `COPY (same SELECT) TO STDOUT: ${fmt(e.rows / copyOut.seconds)} rows/s` : "—"} | ${copyOut ? x(er) : "—"} | ≥ ${x(TARGETS.export)}${copyOut ? `: ${mark(er >= TARGETS.export)}` : ""}; RSS ≤ ${TARGETS.rssGrowthMb} MB: ${mark(e.rssGrowthMb <= TARGETS.rssGrowthMb)} |`;
  };
  rows.push(exportRow("Billing Details CSV export", f.export, raw?.copyOut));
  rows.push(exportRow("FOCUS 1.2 export", f.focus, raw?.focusCopyOut));
  const c = f.close;
  if (c) {
    const projected = (c.seconds * TARGETS.closeAccounts) / c.accounts;
    const verdict =
      c.accounts === TARGETS.closeAccounts
        ? mark(c.seconds <= TARGETS.closeSeconds)
        : `${c.accounts > TARGETS.closeAccounts ? "" : "not measured at size; "}linear projection to ${fmt(TARGETS.closeAccounts)} accounts: ${projected.toFixed(0)} s`;
    rows.push(
      `| month close: ${fmt(c.accounts)} accounts × 10 instances, ${fmt(c.records)} records (${fmt(c.lines)} lines; set-up ${c.setupSeconds.toFixed(1)} s, untimed) | ${c.seconds.toFixed(1)} s | ${(c.accounts / c.seconds).toFixed(0)} accounts/s | — | — | ≤ ${TARGETS.closeSeconds} s at ${fmt(TARGETS.closeAccounts)} accounts: ${verdict} |`,
    );
  }
  return rows.join("\n");
}

/** The cluster next to the single server of the same run (on one machine the three nodes share its cores). */
function sideBySide(pg: PipelineFigures, citus: PipelineFigures): string {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  return [
    `| step (${fmt(pg.records)} records) | PostgreSQL 15 | Citus, coordinator + 2 workers | Citus / PostgreSQL |`,
    "|---|---|---|---|",
    ...(pg.api.seconds && citus.api.seconds
      ? [`| API ingest (records/s) | ${fmt(pg.api.perSecond)} | ${fmt(citus.api.perSecond)} | ${ratio(citus.api.perSecond, pg.api.perSecond)} |`]
      : []),
    `| bulk import (records/s) | ${fmt(pg.import.perSecond)} | ${fmt(citus.import.perSecond)} | ${ratio(citus.import.perSecond, pg.import.perSecond)} |`,
    `| rating + settling (s) | ${pg.rating.seconds.toFixed(1)} | ${citus.rating.seconds.toFixed(1)} | ${ratio(citus.rating.seconds, pg.rating.seconds)} |`,
  ].join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: {
      records: { type: "string" },
      seed: { type: "string" },
      db: { type: "string" },
      append: { type: "string" },
      "skip-api": { type: "boolean" },
      "close-accounts": { type: "string" },
      http: { type: "boolean" },
      "http-port": { type: "string" },
    },
    strict: true,
  });
  const records = values.records ? Number(values.records.replace(/[_,]/g, "")) : BENCH_DEFAULTS.records;
  const seed = values.seed ? Number(values.seed) : BENCH_DEFAULTS.seed;
  const which = values.db ?? "both";
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a whole number ≥ 1, got ${values.records}`);
  const closeAccounts = values["close-accounts"] ? Number(values["close-accounts"].replace(/[_,]/g, "")) : TARGETS.closeAccounts;
  if (!Number.isInteger(closeAccounts) || closeAccounts < 0) throw new Error(`--close-accounts must be a whole number ≥ 0, got ${values["close-accounts"]}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);
  if (!["pglite", "postgres", "both", "citus"].includes(which)) throw new Error(`--db must be pglite, postgres, both or citus, got ${which}`);

  const header = [
    runHeading(),
    "",
    `\`npm run bench:engine -- --records ${records} --seed ${seed} --db ${which} --close-accounts ${closeAccounts}${values["skip-api"] ? " --skip-api" : ""}${values.http ? " --http" : ""}\``,
    "",
    machineLine(),
  ].join("\n");
  console.log(header);
  const blocks: string[] = [header];
  const workDir = mkdtempSync(path.join(os.tmpdir(), "bench-engine-"));
  try {
    const all: PipelineFigures[] = [];
    for (const kind of which === "both" ? ["pglite", "postgres"] : which === "citus" ? ["postgres", "citus"] : [which]) {
      console.log(`\n▶ ${kind}: ${fmt(records)} records, seed ${seed}`);
      const pg = kind === "postgres" ? startPostgres() : kind === "citus" ? startCitus() : null;
      const handle = await openDatabase(pg ? { url: pg.url } : { dataDir: "memory://" });
      try {
        await migrateDatabase(handle);
        const figures = await runPipeline({ handle, records, seed, workDir, skipApi: values["skip-api"], url: pg?.url, closeAccounts, httpPort: values.http ? Number(values["http-port"] ?? 3914) : undefined, log: (s) => console.log(s) });
        if (kind === "citus") figures.db = "citus (3 nodes)";
        all.push(figures);
        const block = `${table(figures)}\n\nLoad after ${kind}: ${sh("uptime").replace(/^.*load average/, "load average")}`;
        console.log(`\n${block}`);
        blocks.push(block);
      } finally {
        setHandle(null);
        await handle.close();
        if (pg) (kind === "citus" ? stopCitus : stopPostgres)(pg.dir);
      }
    }
    if (which === "citus") {
      const block = sideBySide(all[0], all[1]);
      console.log(`\n${block}`);
      blocks.push(block);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (values.append) {
    appendFileSync(values.append, `\n${blocks.join("\n\n")}\n`);
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
