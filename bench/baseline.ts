// Raw PostgreSQL baselines, measured by the benchmarks themselves on the same
// server in the same run, so each step is reported as a ratio to what the
// database alone does with the same rows (fresh tables, no application code):
// COPY into a table with usage_records' keys and indexes, a plain GROUP BY of
// the records by account, instance, item and day, and COPY (SELECT …) TO
// STDOUT of the export's own statement.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { SQL } from "drizzle-orm";
import postgres from "postgres";
import { inlineStatement } from "@/db/copy-out";
import { resumeAfterCopy } from "@/db/client";
import type { BenchRecord } from "./generate";

export interface RawFigures {
  /** COPY into a fresh table LIKE usage_records INCLUDING ALL (same primary key and indexes). */
  copy: { rows: number; seconds: number; perSecond: number };
  /** SELECT … GROUP BY account, instance, item, day over the same rows, every group fetched. */
  groupBy: { rows: number; groups: number; seconds: number };
}

const tsv = (v: string | null) => (v === null ? "\\N" : v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n"));

/** The records as COPY text in a file (prepared before the clock starts: the baseline is the server's work). */
async function writeCopyFile(file: string, records: Iterable<BenchRecord>): Promise<number> {
  const out = createWriteStream(file);
  let n = 0;
  for (const r of records) {
    n++;
    const attrs = r.attributes ? JSON.stringify(r.attributes) : null;
    const hash = createHash("sha256").update(JSON.stringify(r)).digest("hex");
    const line = ["raw", r.id, r.instanceId, r.item, String(r.quantity), r.start, r.end, attrs, hash].map(tsv).join("\t") + "\n";
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return n;
}

export async function measureRawBaselines(url: string, records: Iterable<BenchRecord>, workDir: string, log: (s: string) => void): Promise<RawFigures> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: "UTC" } });
  const table = `bench_raw_usage_${process.pid}`;
  const file = path.join(workDir, `${table}.tsv`);
  try {
    const rows = await writeCopyFile(file, records);
    await client.unsafe(`drop table if exists ${table}`);
    await client.unsafe(`create table ${table} (like usage_records including all)`);
    const t0 = performance.now();
    const writable = await client
      .unsafe(`copy ${table} (account_id, id, instance_id, item_id, quantity, start_at, end_at, attributes, content_hash) from stdin`)
      .writable();
    await pipeline(createReadStream(file), writable);
    const copySeconds = (performance.now() - t0) / 1000;
    log(`  raw COPY: ${rows.toLocaleString("en-US")} rows in ${copySeconds.toFixed(2)} s`);
    await client.unsafe(`vacuum analyze ${table}`);
    const t1 = performance.now();
    const groups = await client.unsafe(
      `select account_id, instance_id, item_id, (start_at at time zone 'UTC')::date as day, sum(quantity)::text as quantity, count(*)::int as n
       from ${table} group by 1, 2, 3, 4`,
    );
    const groupSeconds = (performance.now() - t1) / 1000;
    log(`  raw GROUP BY: ${groups.length.toLocaleString("en-US")} groups in ${groupSeconds.toFixed(2)} s`);
    return {
      copy: { rows, seconds: copySeconds, perSecond: rows / Math.max(copySeconds, 1e-6) },
      groupBy: { rows, groups: groups.length, seconds: groupSeconds },
    };
  } finally {
    await client.unsafe(`drop table if exists ${table}`).catch(() => {});
    await client.end({ timeout: 5 });
    await rm(file, { force: true });
  }
}

/** COPY (statement) TO STDOUT, read to the end: rows/s of the server writing the same rows. */
export async function measureRawCopyOut(url: string, statement: SQL): Promise<{ rows: number; bytes: number; seconds: number; rowsPerSecond: number }> {
  const text = inlineStatement(statement);
  if (text === null) throw new Error("the export statement has parameters COPY cannot take");
  // The server as the app's connections set it (db/client.ts): without JIT, which would compile the FOCUS
  // statement's hundreds of expressions for seconds and make the baseline, not the export, slow.
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: "UTC", jit: "off" } });
  try {
    const t0 = performance.now();
    const readable = await client.unsafe(`copy (${text}) to stdout`).readable();
    let bytes = 0;
    let rows = 0;
    for await (const chunk of readable as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++;
    }
    resumeAfterCopy(readable);
    const seconds = (performance.now() - t0) / 1000;
    return { rows, bytes, seconds, rowsPerSecond: rows / Math.max(seconds, 1e-6) };
  } finally {
    await client.end({ timeout: 5 });
  }
}
