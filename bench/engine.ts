// `npm run bench:engine [-- --records N] [--seed S] [--db pglite|postgres|both] [--skip-api] [--append BENCHMARKS.md]`
// Generates N usage records (default 1,000,000) and prints records/s for API
// ingest (route handler in-process), bulk import and rating, on an in-memory
// PGlite and on a throw-away PostgreSQL 15 server it starts (scripts/pg-temp.sh).
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateDatabase, openDatabase, setHandle } from "@/db/client";
import { fmt, machineLine, runHeading, sh, startPostgres, stopPostgres } from "./env";
import { BENCH_DEFAULTS } from "./generate";
import { runPipeline, type PipelineFigures } from "./pipeline";

const TARGETS = { api: 50_000, import: 150_000, ratingSeconds: 15 };

function verdict(ok: boolean, missBy: string) {
  return ok ? "met" : `missed by ${missBy}`;
}

function table(f: PipelineFigures, pg: boolean): string {
  const t = (ok: boolean, by: string) => (pg ? verdict(ok, by) : "(targets are for PostgreSQL)");
  return [
    `| step (${f.db}, ${fmt(f.records)} records) | time | rate | target |`,
    "|---|---|---|---|",
    ...(f.api.seconds
      ? [
          `| API ingest, ${fmt(f.records / 10_000)} batches of 10,000 | ${f.api.seconds.toFixed(1)} s | ${fmt(f.api.perSecond)} records/s | ≥ 50,000/s: ${t(f.api.perSecond >= TARGETS.api, `${fmt(TARGETS.api - f.api.perSecond)}/s (${((1 - f.api.perSecond / TARGETS.api) * 100).toFixed(0)} %)`)} |`,
          `| API re-send of one batch (dedup, ${fmt(f.dedup.duplicates)} duplicates) | ${f.dedup.seconds.toFixed(2)} s | ${fmt(f.dedup.perSecond)} records/s | ≥ 50,000/s: ${t(f.dedup.perSecond >= TARGETS.api, `${fmt(TARGETS.api - f.dedup.perSecond)}/s`)} |`,
        ]
      : ["| API ingest | skipped (--skip-api) | | |"]),
    `| bulk import (NDJSON, import-usage) | ${f.import.seconds.toFixed(1)} s | ${fmt(f.import.perSecond)} records/s | ≥ 150,000/s: ${t(f.import.perSecond >= TARGETS.import, `${fmt(TARGETS.import - f.import.perSecond)}/s (${((1 - f.import.perSecond / TARGETS.import) * 100).toFixed(0)} %)`)} |`,
    `| rating + settling (runJobs, ${fmt(f.rating.lines)} lines) | ${f.rating.seconds.toFixed(1)} s | ${fmt(f.records / f.rating.seconds)} records/s | ≤ 15 s: ${t(f.rating.seconds <= TARGETS.ratingSeconds, `${(f.rating.seconds - TARGETS.ratingSeconds).toFixed(1)} s`)} |`,
  ].join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: { records: { type: "string" }, seed: { type: "string" }, db: { type: "string" }, append: { type: "string" }, "skip-api": { type: "boolean" } },
    strict: true,
  });
  const records = values.records ? Number(values.records.replace(/[_,]/g, "")) : BENCH_DEFAULTS.records;
  const seed = values.seed ? Number(values.seed) : BENCH_DEFAULTS.seed;
  const which = values.db ?? "both";
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a whole number ≥ 1, got ${values.records}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);
  if (!["pglite", "postgres", "both"].includes(which)) throw new Error(`--db must be pglite, postgres or both, got ${which}`);

  const header = [
    runHeading(),
    "",
    `\`npm run bench:engine -- --records ${records} --seed ${seed} --db ${which}${values["skip-api"] ? " --skip-api" : ""}\``,
    "",
    machineLine(),
  ].join("\n");
  console.log(header);
  const blocks: string[] = [header];
  const workDir = mkdtempSync(path.join(os.tmpdir(), "bench-engine-"));
  try {
    for (const kind of which === "both" ? ["pglite", "postgres"] : [which]) {
      console.log(`\n▶ ${kind}: ${fmt(records)} records, seed ${seed}`);
      const pg = kind === "postgres" ? startPostgres() : null;
      const handle = await openDatabase(pg ? { url: pg.url } : { dataDir: "memory://" });
      try {
        await migrateDatabase(handle);
        const figures = await runPipeline({ handle, records, seed, workDir, skipApi: values["skip-api"], log: (s) => console.log(s) });
        const block = `${table(figures, kind === "postgres")}\n\nLoad after ${kind}: ${sh("uptime").replace(/^.*load average/, "load average")}`;
        console.log(`\n${block}`);
        blocks.push(block);
      } finally {
        setHandle(null);
        await handle.close();
        if (pg) stopPostgres(pg.dir);
      }
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
