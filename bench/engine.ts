// `npm run bench:engine [-- --records N] [--seed S] [--db pglite|postgres|both|citus] [--skip-api] [--append BENCHMARKS.md]`
// Generates N usage records (default 1,000,000) and prints records/s for API
// ingest (route handler in-process), bulk import and rating, on an in-memory
// PGlite and on a throw-away PostgreSQL 15 server it starts (scripts/pg-temp.sh);
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
    options: { records: { type: "string" }, seed: { type: "string" }, db: { type: "string" }, append: { type: "string" }, "skip-api": { type: "boolean" } },
    strict: true,
  });
  const records = values.records ? Number(values.records.replace(/[_,]/g, "")) : BENCH_DEFAULTS.records;
  const seed = values.seed ? Number(values.seed) : BENCH_DEFAULTS.seed;
  const which = values.db ?? "both";
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a whole number ≥ 1, got ${values.records}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);
  if (!["pglite", "postgres", "both", "citus"].includes(which)) throw new Error(`--db must be pglite, postgres, both or citus, got ${which}`);

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
    const all: PipelineFigures[] = [];
    for (const kind of which === "both" ? ["pglite", "postgres"] : which === "citus" ? ["postgres", "citus"] : [which]) {
      console.log(`\n▶ ${kind}: ${fmt(records)} records, seed ${seed}`);
      const pg = kind === "postgres" ? startPostgres() : kind === "citus" ? startCitus() : null;
      const handle = await openDatabase(pg ? { url: pg.url } : { dataDir: "memory://" });
      try {
        await migrateDatabase(handle);
        const figures = await runPipeline({ handle, records, seed, workDir, skipApi: values["skip-api"], log: (s) => console.log(s) });
        if (kind === "citus") figures.db = "citus (3 nodes)";
        all.push(figures);
        const block = `${table(figures, kind === "postgres")}\n\nLoad after ${kind}: ${sh("uptime").replace(/^.*load average/, "load average")}`;
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
