import "server-only";
// The bulk import (`npm run ops -- import-usage`): the API's validation and dedup
// (./usage), streamed from a file of any size, all or nothing.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { getHandle, query, type DbHandle } from "@/db/client";
import { instances } from "@/db/schema";
import { accountNow } from "@/lib/clock";
import { BadRequestError, ConflictError } from "@/lib/errors";
import { validateUsageRecord, type UsageContext, type UsageIssue, type ValidUsage } from "@/lib/billing/usage-validate";
import { addStoredUsageToRollups, openRollupBuffer, storeUsage, type RollupRecord } from "@/lib/billing/usage-store";
import { tenantOf, type Caller } from "./caller";
import {
  USAGE_COLUMNS,
  assertCanIngest,
  instanceColumns,
  loadAccount,
  rowOf,
  stoppedDirectCopy,
  usageItems,
  type IngestResult,
} from "./usage";

const IMPORT_SLICE_LINES = 100_000;
/** Valid records the direct import holds ready beyond the slice being copied. */
const READ_AHEAD = 32_768;

/** One record read from a file: the parsed object, or why it could not be parsed. */
export interface SourceRecord {
  line: number;
  raw?: unknown;
  error?: UsageIssue;
}

export interface ImportProgress {
  read: number;
  seconds: number;
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  progressEvery?: number;
  /** Records per COPY of the direct path (default 100,000 on PostgreSQL, 20,000 on PGlite). */
  sliceRecords?: number;
}

export interface ImportResult extends IngestResult {
  read: number;
  seconds: number;
}

const MAX_FILE_ISSUES = 20;
const PGLITE_CHUNK = 20_000; // PGlite takes COPY input as one blob: bound the memory
const STAGING_COLUMNS = ["line", "id", "instance_id", "item_id", "quantity", "start_at", "end_at", "attributes", "content_hash"];

function fileIssue(issues: { line: number; field: string; message: string }[], total: number): BadRequestError {
  const list = issues.map((i) => `line ${i.line}${i.field ? `, ${i.field}` : ""}: ${i.message}`);
  const more = total > issues.length ? `; … ${total - issues.length} more` : "";
  return new BadRequestError(`${list.join("; ")}${more}. Nothing was imported.`, { issues, issueCount: total });
}

async function copyStaging(handle: DbHandle, table: string, rows: AsyncIterable<string[]>): Promise<void> {
  if (handle.kind === "postgres") {
    await handle.copyRows(table, STAGING_COLUMNS, rows); // one streaming COPY, constant memory
    return;
  }
  let chunk: string[][] = [];
  for await (const row of rows) {
    chunk.push(row);
    if (chunk.length >= PGLITE_CHUNK) {
      await handle.copyRows(table, STAGING_COLUMNS, chunk);
      chunk = [];
    }
  }
  if (chunk.length) await handle.copyRows(table, STAGING_COLUMNS, chunk);
}

/** Lines read so far and the problems found: a bad line stops staging but not reading. */
interface Scan {
  read: number;
  issues: { line: number; field: string; message: string }[];
  issueCount: number;
}

/** The source's valid records, validated one by one; after the first problem, reads on to report more but yields nothing. */
async function* validRecords(
  source: AsyncIterable<SourceRecord>,
  ctx: UsageContext,
  scan: Scan,
  opts: ImportOptions,
  seconds: () => number,
): AsyncGenerator<{ line: number; record: ValidUsage }> {
  const every = opts.progressEvery ?? 100_000;
  for await (const s of source) {
    scan.read++;
    if (opts.onProgress && scan.read % every === 0) opts.onProgress({ read: scan.read, seconds: seconds() });
    const res = s.error ? { issues: [s.error] } : validateUsageRecord(s.raw, ctx);
    if (res.issues.length) {
      scan.issueCount += res.issues.length;
      for (const i of res.issues) if (scan.issues.length < MAX_FILE_ISSUES) scan.issues.push({ line: s.line, ...i });
      continue;
    }
    if (scan.issueCount) continue;
    yield { line: s.line, record: (res as { record: ValidUsage }).record };
  }
}

function endOfScan(scan: Scan): void {
  if (scan.issueCount) throw fileIssue(scan.issues, scan.issueCount);
  if (scan.read === 0) throw new BadRequestError("The file holds no usage records.");
}

/**
 * Bulk import (the operator CLI): the same validation and dedup as the API,
 * streamed. First, in one transaction, the valid records are COPYed straight
 * into usage_records in slices, and added to the rollups once at the end (see
 * openRollupBuffer) — the common case of a file of new records. If an id is already
 * stored or repeated in the file, the key stops that COPY, the transaction rolls
 * back, and the file is read again (`source` is then a function that reopens
 * it) through a staging table that sorts duplicates from conflicts. Any bad
 * line → nothing imported. A plain iterable (it cannot be read twice) takes the staged path.
 */
export async function importUsage(
  caller: Caller,
  accountId: string,
  source: AsyncIterable<SourceRecord> | (() => AsyncIterable<SourceRecord>),
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const account = tenantOf(caller, accountId);
  assertCanIngest(caller);
  const handle = await getHandle();
  const db = handle.db;
  const acct = await loadAccount(db, account);
  const [items, all] = await Promise.all([usageItems(db), db.select(instanceColumns).from(instances).where(eq(instances.accountId, account))]);
  // An account's instances are few next to its usage: holding them keeps validation in memory.
  const byId = new Map(all.map((i) => [i.id, i]));
  const ctx: UsageContext = { now: accountNow(acct), instance: (id) => byId.get(id), itemsByProduct: items };
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const job = { handle, account, timeZone: acct.timeZone, ctx, opts, seconds };

  if (typeof source !== "function") return importStaged(job, source);
  return (await importDirect(job, source())) ?? importStaged(job, source());
}

interface ImportJob {
  handle: DbHandle;
  account: string;
  timeZone: string;
  ctx: UsageContext;
  opts: ImportOptions;
  seconds: () => number;
}

/** COPY straight into usage_records in one transaction; null when a key clash sends the file to the staged path. */
async function importDirect(job: ImportJob, source: AsyncIterable<SourceRecord>): Promise<ImportResult | null> {
  const { handle, account } = job;
  const scan: Scan = { read: 0, issues: [], issueCount: 0 };
  // Read ahead: the next records are parsed and checked while the database takes a slice.
  const ahead = Readable.from(validRecords(source, job.ctx, scan, job.opts, job.seconds), { objectMode: true, highWaterMark: READ_AHEAD });
  const records: AsyncIterator<{ line: number; record: ValidUsage }> = ahead[Symbol.asyncIterator]();
  // Slices bound the records held for the rollups on Citus (and PGlite's COPY blob).
  const sliceSize = job.opts.sliceRecords ?? (handle.kind === "postgres" ? IMPORT_SLICE_LINES : PGLITE_CHUNK);
  try {
    const accepted = await handle.db.transaction(async (tx) => {
      const rollups = await openRollupBuffer(tx, account, job.timeZone);
      let n = 0;
      for (let done = false; !done; ) {
        // On Citus each slice's records are added to the rollups by id; elsewhere the buffer reads them back at the end.
        const kept: RollupRecord[] = [];
        let copied = 0;
        const slice = async function* () {
          for (; copied < sliceSize; copied++) {
            const next = await records.next();
            if (next.done) {
              done = true;
              return;
            }
            const { id, instanceId, itemId, quantity, startIso } = next.value.record;
            if (rollups) rollups.note(startIso);
            else kept.push({ id, instanceId, itemId, quantity, startIso });
            yield rowOf(account, next.value.record);
          }
        };
        await handle.copyRowsIn(tx, "usage_records", USAGE_COLUMNS, slice());
        if (!rollups) await addStoredUsageToRollups(tx, account, job.timeZone, kept);
        n += copied;
      }
      endOfScan(scan); // rolls back what the slices wrote
      await rollups?.flush();
      return n;
    });
    return { read: scan.read, accepted, duplicates: scan.read - accepted, seconds: job.seconds() };
  } catch (e) {
    if (stoppedDirectCopy(e)) return null;
    throw e;
  } finally {
    await records.return?.(undefined);
  }
}

/**
 * Valid rows are COPYed into a staging table; then one transaction checks ids
 * repeated with other content, inserts with ON CONFLICT DO NOTHING and
 * re-checks conflicts with stored records.
 */
async function importStaged(job: ImportJob, source: AsyncIterable<SourceRecord>): Promise<ImportResult> {
  const { handle, account } = job;
  const db = handle.db;
  const scan: Scan = { read: 0, issues: [], issueCount: 0 };
  async function* rows(): AsyncGenerator<string[]> {
    for await (const { line, record } of validRecords(source, job.ctx, scan, job.opts, job.seconds)) yield [String(line), ...rowOf(account, record).slice(1)];
  }

  const table = `usage_import_${randomBytes(6).toString("hex")}`;
  const staging = sql.identifier(table);
  // A real (unlogged) table, not a temporary one: COPY may run on another pooled connection.
  await db.execute(sql`create unlogged table ${staging} (
    line bigint not null, id text not null, instance_id text not null, item_id text not null, quantity numeric not null,
    start_at timestamptz not null, end_at timestamptz not null, attributes jsonb, content_hash text not null)`);
  try {
    await copyStaging(handle, table, rows());
    endOfScan(scan);
    const read = scan.read;
    const accepted = await db.transaction(async (tx) => {
      // Insert first: when every staged row is new (the common case) that is the only statement.
      // Otherwise ids repeated in the file or already stored must carry the same content,
      // or the whole import rolls back.
      // In slices of the file, so the ids each slice inserted (which the rollups add) stay a bounded list.
      const [{ last }] = await query<{ last: string }>(tx, sql`select coalesce(max(line), 0)::text as last from ${staging}`);
      let n = 0;
      for (let from = 0; from < Number(last); from += IMPORT_SLICE_LINES) {
        n += await storeUsage(
          tx,
          account,
          job.timeZone,
          sql`select id, instance_id, item_id, quantity, start_at, end_at, attributes, content_hash from ${staging}
              where line > ${from} and line <= ${from + IMPORT_SLICE_LINES}`,
        );
      }
      if (Number(n) < read) {
        const repeated = await query<{ id: string; lines: string[] }>(
          tx,
          sql`select id, array_agg(line::text order by line) as lines from ${staging}
              group by id having count(distinct content_hash) > 1 order by min(line) limit ${MAX_FILE_ISSUES}`,
        );
        if (repeated.length) {
          const list = repeated.map((r) => {
            const lines = (Array.isArray(r.lines) ? r.lines : String(r.lines).replace(/[{}]/g, "").split(",")).map(Number);
            return { line: lines[1], field: "id", message: `"${r.id}" is also the id of line ${lines[0]}, with different content` };
          });
          throw fileIssue(list, list.length);
        }
        const clash = await query<{ line: string; id: string }>(
          tx,
          sql`select s.line::text as line, s.id from ${staging} s
              join usage_records u on u.account_id = ${account} and u.id = s.id
              where u.content_hash <> s.content_hash order by s.line limit ${MAX_FILE_ISSUES}`,
        );
        if (clash.length) {
          const first = clash[0];
          throw new ConflictError(
            `line ${first.line}, id: a record with id "${first.id}" was already ingested with different content${clash.length > 1 ? ` (and ${clash.length - 1} more)` : ""}. Nothing was imported.`,
            { lines: clash.map((c) => ({ line: Number(c.line), id: c.id })) },
          );
        }
      }
      return Number(n);
    });
    return { read, accepted, duplicates: read - accepted, seconds: job.seconds() };
  } finally {
    await db.execute(sql`drop table if exists ${staging}`);
  }
}
