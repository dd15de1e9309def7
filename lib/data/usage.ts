import "server-only";
// Usage ingestion (docs/api.md#usage-ingestion): the API batch and the bulk import share one
// validator (lib/billing/usage-validate) and one rule for ids: idempotent per
// (account, record id) by content hash. All-or-nothing: a batch or file with a
// bad record writes nothing. Set-based SQL keeps it fast: one lookup of the
// batch's instances, one of its existing ids, one COPY of the new records.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { and, eq, sql } from "drizzle-orm";
import { getHandle, query, type DbHandle, type DbOrTx } from "@/db/client";
import { accounts, billableItems, instances } from "@/db/schema";
import { accountNow } from "@/lib/clock";
import { BadRequestError, ConflictError, NotFoundError } from "@/lib/errors";
import {
  USAGE_BATCH_MAX,
  checkUsageRecord,
  checkUsageShape,
  isUsageId,
  itemsByProduct,
  validateUsageRecord,
  type ShapedUsage,
  type UsageContext,
  type UsageInstance,
  type UsageIssue,
  type ValidUsage,
} from "@/lib/billing/usage-validate";
import { addStoredUsageToRollups, openRollupBuffer, storeUsage, textArray, type RollupRecord } from "@/lib/billing/usage-store";
import { requireRole, tenantOf, type Caller } from "./caller";

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export interface BatchIssue extends UsageIssue {
  index: number;
}

const MAX_REPORTED_ISSUES = 100;

/** Ingesting usage is for the provider's metering, which holds an admin key. */
export function assertCanIngest(caller: Caller): void {
  requireRole(caller, "admin");
}

const IMPORT_SLICE_LINES = 100_000;
/** Valid records the direct import holds ready beyond the slice being copied. */
const READ_AHEAD = 32_768;

function badBatch(issues: BatchIssue[]): BadRequestError {
  issues.sort((a, b) => a.index - b.index);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return new BadRequestError(`records[${first.index}]${first.field ? `.${first.field}` : ""}: ${first.message}${more}. Nothing was written.`, {
    issues: issues.slice(0, MAX_REPORTED_ISSUES),
    issueCount: issues.length,
  });
}

function recordsOf(body: unknown): unknown[] {
  const records = Array.isArray(body) ? body : (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) throw new BadRequestError('records: send {"records": [...]} or a JSON array of usage records.');
  if (records.length === 0) throw new BadRequestError("records: the batch is empty.");
  if (records.length > USAGE_BATCH_MAX)
    throw new BadRequestError(`records: at most ${USAGE_BATCH_MAX} records per batch, got ${records.length}. Split it, or use the bulk import.`);
  return records;
}

async function loadAccount(db: DbOrTx, accountId: string) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new NotFoundError(`Account ${accountId} not found.`);
  return account;
}

const instanceColumns = {
  id: instances.id,
  productId: instances.productId,
  createdAt: instances.createdAt,
  releasedAt: instances.releasedAt,
};

async function usageItems(db: DbOrTx) {
  return itemsByProduct(
    await db.select({ id: billableItems.id, productId: billableItems.productId, code: billableItems.code, rule: billableItems.rule }).from(billableItems),
  );
}

/** One INSERT of many rows (with their rollups); ids already present are skipped. Returns how many rows it inserted. */
async function insertUsage(db: DbOrTx, accountId: string, timeZone: string, rows: readonly ValidUsage[]): Promise<number> {
  if (!rows.length) return 0;
  const col = (f: (r: ValidUsage) => string | null) => textArray(rows.map(f));
  return storeUsage(
    db,
    accountId,
    timeZone,
    sql`select * from unnest(
          ${col((r) => r.id)}, ${col((r) => r.instanceId)}, ${col((r) => r.itemId)}, ${col((r) => r.quantity)}::numeric[],
          ${col((r) => r.startIso)}::timestamptz[], ${col((r) => r.endIso)}::timestamptz[],
          ${col((r) => r.attributesJson)}::jsonb[], ${col((r) => r.contentHash)})`,
  );
}

async function storedHashes(db: DbOrTx, accountId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await query<{ id: string; content_hash: string }>(
    db,
    // One primary-key probe per id, whatever the statistics say: a scalar subquery is never turned into a
    // join. As a join (or `id = any(…)`) the planner read all the account's records for each batch once it
    // held millions, and an ingest slowed as the account grew. OFFSET 0 keeps the probe from being repeated in the filter.
    sql`select id, content_hash from (
        select n.id, (select r.content_hash from usage_records r where r.account_id = ${accountId} and r.id = n.id) as content_hash
        from unnest(${textArray(ids)}) as n(id) offset 0) s
      where content_hash is not null`,
  );
  return new Map(rows.map((r) => [r.id, r.content_hash]));
}

const PROBE_ALL_MAX = 256;
const PROBE_SAMPLE = 64;

/**
 * The stored content hashes of a batch's ids, as far as the batch needs them. Most batches are new
 * records, and a probe per id cost the database a sixth of storing the batch: a batch of more than
 * PROBE_ALL_MAX ids first probes an even sample of them, and probes them all only when the sample
 * finds one stored (a re-sent batch). A stored id the sample missed is still caught: its key stops
 * the COPY, and the batch takes the path that sorts duplicates from conflicts.
 */
async function knownHashes(db: DbOrTx, accountId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length <= PROBE_ALL_MAX) return storedHashes(db, accountId, ids);
  const step = ids.length / PROBE_SAMPLE;
  const found = await storedHashes(db, accountId, Array.from({ length: PROBE_SAMPLE }, (_, i) => ids[Math.floor(i * step)]));
  return found.size ? storedHashes(db, accountId, ids) : found;
}

function conflict(records: { index: number; id: string }[]): ConflictError {
  const [first] = records;
  const more = records.length > 1 ? ` (and ${records.length - 1} more)` : "";
  return new ConflictError(
    `records[${first.index}].id: a record with id "${first.id}" was already ingested with different content${more}. Nothing was written.`,
    { records: records.slice(0, MAX_REPORTED_ISSUES) },
  );
}

/** A record's row for COPY into usage_records (USAGE_COLUMNS), built in one array. */
const rowOf = (account: string, r: ValidUsage) =>
  [account, r.id, r.instanceId, r.itemId, r.quantity, r.startIso, r.endIso, r.attributesJson, r.contentHash] as string[];

const USAGE_COLUMNS = ["account_id", "id", "instance_id", "item_id", "quantity", "start_at", "end_at", "attributes", "content_hash"];

// A stored id (or one repeated in the file) stopped the direct COPY, or a deadlock with a concurrent
// writer; 25P02: the COPY failed on PostgreSQL, whose driver drops the reason (db/client copyRowsIn).
// The staged path then sorts duplicates from conflicts, or meets the real error again.
const RETRY_STAGED = new Set(["23505", "40P01", "25P02"]);

function stoppedDirectCopy(e: unknown): boolean {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 3; x = x.cause as typeof x, depth++)
    if (typeof x.code === "string" && RETRY_STAGED.has(x.code)) return true;
  return false;
}

/**
 * `POST /api/v1/usage`: validate the whole batch, then store the new records in
 * one transaction. The stored content hashes of the batch's ids are looked up
 * first (with the instances; see knownHashes), so a re-sent record costs its validation and a
 * key lookup, not an insert attempt: same hash → a duplicate, another hash → a
 * 409 and nothing is written.
 */
export async function ingestUsage(caller: Caller, body: unknown, accountId?: string): Promise<IngestResult> {
  const account = tenantOf(caller, accountId);
  assertCanIngest(caller);
  const raw = recordsOf(body);

  // The look-ups go out before the records are checked, so the database works meanwhile. They take
  // every id that could be valid (a superset of the valid records' ids; the others refuse the batch anyway).
  const handle = await getHandle();
  const db = handle.db;
  const instanceSet = new Set<string>();
  const idSet = new Set<string>();
  for (const r of raw) {
    if (r === null || typeof r !== "object") continue;
    const { id, instanceId } = r as { id?: unknown; instanceId?: unknown };
    if (isUsageId(instanceId)) instanceSet.add(instanceId);
    if (isUsageId(id)) idSet.add(id);
  }
  const instanceIds = [...instanceSet];
  const lookups = Promise.all([
    loadAccount(db, account),
    usageItems(db),
    instanceIds.length
      ? db
          .select(instanceColumns)
          .from(instances)
          .where(and(eq(instances.accountId, account), sql`${instances.id} = any(${textArray(instanceIds)})`))
      : Promise.resolve([] as UsageInstance[]),
    knownHashes(db, account, [...idSet]),
  ]);
  lookups.catch(() => {}); // awaited below; this only keeps a failure from being reported before then

  const issues: BatchIssue[] = [];
  const shaped: (ShapedUsage | undefined)[] = raw.map((r, index) => {
    const res = checkUsageShape(r);
    for (const i of res.issues) issues.push({ index, ...i });
    return res.record;
  });
  const [acct, items, found, stored] = await lookups;
  const byId = new Map(found.map((i) => [i.id, i]));
  const ctx: UsageContext = { now: accountNow(acct), instance: (id) => byId.get(id), itemsByProduct: items };

  // In-batch ids: the same content counts once; other content is a bad batch.
  const firstById = new Map<string, { index: number; record: ValidUsage }>();
  const fresh: { index: number; record: ValidUsage }[] = [];
  shaped.forEach((s, index) => {
    if (!s) return;
    const res = checkUsageRecord(s, ctx);
    for (const i of res.issues) issues.push({ index, ...i });
    if (!res.record) return;
    const seen = firstById.get(res.record.id);
    if (!seen) {
      const entry = { index, record: res.record };
      firstById.set(res.record.id, entry);
      fresh.push(entry);
    } else if (seen.record.contentHash !== res.record.contentHash) {
      issues.push({ index, field: "id", message: `"${res.record.id}" is also the id of records[${seen.index}], with different content` });
    }
  });
  if (issues.length) throw badBatch(issues);
  const known = fresh.filter((f) => stored.has(f.record.id));
  const clash = known.filter((f) => stored.get(f.record.id) !== f.record.contentHash);
  if (clash.length) throw conflict(clash.map((f) => ({ index: f.index, id: f.record.id })));
  const news = known.length ? fresh.filter((f) => !stored.has(f.record.id)) : fresh;
  if (!news.length) return { accepted: 0, duplicates: raw.length };

  // Sorted by id, so concurrent batches with overlapping ids take their
  // index locks in the same order and wait for each other instead of deadlocking.
  const rows = news.map((f) => f.record).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  let accepted: number;
  try {
    // The looked-up ids are new: COPY them (about half the cost of INSERT … SELECT unnest) and add them to the rollups.
    accepted = await db.transaction(async (tx) => {
      await handle.copyRowsIn(tx, "usage_records", USAGE_COLUMNS, rows.map((r) => rowOf(account, r)));
      await addStoredUsageToRollups(tx, account, acct.timeZone, rows);
      return rows.length;
    });
  } catch (e) {
    if (!stoppedDirectCopy(e)) throw e;
    // A concurrent request stored some of the ids since the look-up: they are
    // skipped by ON CONFLICT, then their content is checked, and a mismatch rolls the whole batch back.
    accepted = await db.transaction(async (tx) => {
      const inserted = await insertUsage(tx, account, acct.timeZone, rows);
      if (inserted < news.length) {
        const now = await storedHashes(tx, account, news.map((f) => f.record.id));
        const late = news.filter((f) => now.get(f.record.id) !== f.record.contentHash);
        if (late.length) throw conflict(late.map((f) => ({ index: f.index, id: f.record.id })));
      }
      return inserted;
    });
  }
  return { accepted, duplicates: raw.length - accepted };
}

// ── Bulk import ──────────────────────────────────────────────────────────────

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
 * into usage_records in slices, each slice summed into pending rollups that are
 * added once at the end — the common case of a file of new records. If an id is already
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
  // Read ahead: the next records are parsed and checked while the database sums a slice into the rollups.
  const ahead = Readable.from(validRecords(source, job.ctx, scan, job.opts, job.seconds), { objectMode: true, highWaterMark: READ_AHEAD });
  const records: AsyncIterator<{ line: number; record: ValidUsage }> = ahead[Symbol.asyncIterator]();
  // Slices bound the records held for the rollups (and PGlite's COPY blob).
  const sliceSize = job.opts.sliceRecords ?? (handle.kind === "postgres" ? IMPORT_SLICE_LINES : PGLITE_CHUNK);
  try {
    const accepted = await handle.db.transaction(async (tx) => {
      const rollups = await openRollupBuffer(tx, account, job.timeZone);
      let n = 0;
      for (let done = false; !done; ) {
        const kept: RollupRecord[] = [];
        const slice = async function* () {
          for (let inSlice = 0; inSlice < sliceSize; inSlice++) {
            const next = await records.next();
            if (next.done) {
              done = true;
              return;
            }
            const { id, instanceId, itemId, quantity, startIso } = next.value.record;
            kept.push({ id, instanceId, itemId, quantity, startIso });
            yield rowOf(account, next.value.record);
          }
        };
        await handle.copyRowsIn(tx, "usage_records", USAGE_COLUMNS, slice());
        if (rollups) await rollups.add(kept);
        else await addStoredUsageToRollups(tx, account, job.timeZone, kept);
        n += kept.length;
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

/** The record schema the API validates with, for the OpenAPI document. */
export { usageRecordSchema, USAGE_BATCH_MAX } from "@/lib/billing/usage-validate";
