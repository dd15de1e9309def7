import "server-only";
// Usage ingestion (docs/api.md#usage-ingestion): the API batch and the bulk import (./usage-import) share one
// validator (lib/billing/usage-validate) and one rule for ids: idempotent per
// (account, record id) by content hash. All-or-nothing: a batch or file with a
// bad record writes nothing. Set-based SQL keeps it fast: one look-up of the
// batch's instances and stored ids (see ingestUsage), one COPY of the new records.
import { and, eq, sql, type SQL } from "drizzle-orm";
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
  type ShapedUsage,
  type UsageContext,
  type UsageInstance,
  type UsageIssue,
  type ValidUsage,
} from "@/lib/billing/usage-validate";
import { addStoredUsageToRollups, storeUsage, textArray } from "@/lib/billing/usage-store";
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

export async function loadAccount(db: DbOrTx, accountId: string) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new NotFoundError(`Account ${accountId} not found.`);
  return account;
}

export const instanceColumns = {
  id: instances.id,
  productId: instances.productId,
  createdAt: instances.createdAt,
  releasedAt: instances.releasedAt,
};

export async function usageItems(db: DbOrTx) {
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

async function storedHashes(db: DbOrTx, accountId: string, ids: readonly string[], citus: boolean): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await query<{ id: string; content_hash: string }>(db, storedHashesQuery(accountId, ids, citus));
  return new Map(rows.map((r) => [r.id, r.content_hash]));
}

/** The stored content hashes of `ids`: rows (id, content_hash) of the ones stored. */
export function storedHashesQuery(accountId: string, ids: readonly string[], citus: boolean): SQL {
  // The account as the planner should see it. Statistics taken before an account's first records say
  // it has none, and the planner then probed through (account_id, start_at), reading all the account's
  // records for each id: an ingest that slowed with every batch (10,000 records: 0.33 s, 1.5 s by the
  // sixth batch). Hidden in a subquery, the account is sized as an average one, and the primary key is
  // the only fit. Citus must see the value itself to send the statement to the account's shard.
  const account = citus ? sql`${accountId}` : sql`(select ${accountId}::text)`;
  // One primary-key probe per id, whatever the statistics say: a scalar subquery is never turned into a
  // join. As a join (or `id = any(…)`) the planner read all the account's records for each batch once it
  // held millions, and an ingest slowed as the account grew. OFFSET 0 keeps the probe from being repeated in the filter.
  return sql`select id, content_hash from (
      select n.id, (select r.content_hash from usage_records r where r.account_id = ${account} and r.id = n.id) as content_hash
      from unnest(${textArray(ids)}) as n(id) offset 0) s
    where content_hash is not null`;
}

const PROBE_ALL_MAX = 256;
const PROBE_SAMPLE = 64;

/** An even sample of a large batch's ids (see ingestUsage). */
const sampleOf = (ids: readonly string[]) => Array.from({ length: PROBE_SAMPLE }, (_, i) => ids[Math.floor((i * ids.length) / PROBE_SAMPLE)]);

function conflict(records: { index: number; id: string }[]): ConflictError {
  const [first] = records;
  const more = records.length > 1 ? ` (and ${records.length - 1} more)` : "";
  return new ConflictError(
    `records[${first.index}].id: a record with id "${first.id}" was already ingested with different content${more}. Nothing was written.`,
    { records: records.slice(0, MAX_REPORTED_ISSUES) },
  );
}

/** A record's row for COPY into usage_records (USAGE_COLUMNS), built in one array. */
export const rowOf = (account: string, r: ValidUsage) =>
  [account, r.id, r.instanceId, r.itemId, r.quantity, r.startIso, r.endIso, r.attributesJson, r.contentHash] as string[];

export const USAGE_COLUMNS = ["account_id", "id", "instance_id", "item_id", "quantity", "start_at", "end_at", "attributes", "content_hash"];

// A stored id (or one repeated in the file) stopped the direct COPY, or a deadlock with a concurrent
// writer; 25P02: the COPY failed on PostgreSQL, whose driver drops the reason (db/client copyRowsIn).
// The staged path then sorts duplicates from conflicts, or meets the real error again.
const RETRY_STAGED = new Set(["23505", "40P01", "25P02"]);

export function stoppedDirectCopy(e: unknown): boolean {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 3; x = x.cause as typeof x, depth++)
    if (typeof x.code === "string" && RETRY_STAGED.has(x.code)) return true;
  return false;
}

/**
 * `POST /api/v1/usage`: all or nothing, idempotent per record id by content hash.
 * The stored content hashes of the batch's ids are looked up first (with the
 * account, the catalog's items and the batch's instances), so a re-sent record
 * costs its validation and a key probe, not an insert attempt: same hash → a
 * duplicate, another hash → a 409 and nothing is written.
 *
 * Most batches are new records, and a probe per id cost the database a sixth of
 * storing them: a batch of more than PROBE_ALL_MAX ids probes an even sample
 * first. When the sample finds one stored (a re-sent batch), every id is probed
 * and the batch is checked whole before anything is written. When it finds none,
 * the records are checked in id order while they are COPYed — the database stores
 * the first ones while the rest are checked — and any problem rolls it all back
 * with the same answer. A stored id the sample missed stops the COPY by its key,
 * and the batch is checked whole against every stored hash.
 */
export async function ingestUsage(caller: Caller, body: unknown, accountId?: string): Promise<IngestResult> {
  const account = tenantOf(caller, accountId);
  assertCanIngest(caller);
  const raw = recordsOf(body);
  const handle = await getHandle();
  const db = handle.db;
  const citus = await handle.isCitus();

  // The look-ups go out before the records are checked, so the database works meanwhile. They take
  // every id that could be valid (a superset of the valid records' ids; the others refuse the batch anyway).
  const instanceSet = new Set<string>();
  const idSet = new Set<string>();
  for (const r of raw) {
    if (r === null || typeof r !== "object") continue;
    const { id, instanceId } = r as { id?: unknown; instanceId?: unknown };
    if (isUsageId(instanceId)) instanceSet.add(instanceId);
    if (isUsageId(id)) idSet.add(id);
  }
  const ids = [...idSet];
  const instanceIds = [...instanceSet];
  const large = ids.length > PROBE_ALL_MAX;
  const lookups = Promise.all([
    loadAccount(db, account),
    usageItems(db),
    instanceIds.length
      ? db
          .select(instanceColumns)
          .from(instances)
          .where(and(eq(instances.accountId, account), sql`${instances.id} = any(${textArray(instanceIds)})`))
      : Promise.resolve([] as UsageInstance[]),
    storedHashes(db, account, large ? sampleOf(ids) : ids, citus),
  ]);
  lookups.catch(() => {}); // awaited below; this only keeps a failure from being reported before then
  const prepared = ([acct, items, found, stored]: Awaited<typeof lookups>) => {
    const instanceById = new Map(found.map((i) => [i.id, i]));
    const ctx: UsageContext = { now: accountNow(acct), instance: (id) => instanceById.get(id), itemsByProduct: items };
    const batch: Batch = { handle, account, timeZone: acct.timeZone, raw, ids, citus };
    return { batch, ctx, stored };
  };
  if (large) {
    const { batch, ctx, stored: sample } = prepared(await lookups);
    if (!sample.size) return ingestWhileChecking(batch, ctx);
    const stored = storedHashes(db, account, ids, citus);
    stored.catch(() => {});
    // The query goes out on a later turn of the event loop: let it leave before the records are checked.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const checked = checkAll(shapeAll(raw), ctx); // while every id is probed
    return storeChecked(batch, newOf(checked, await stored));
  }
  const shaped = shapeAll(raw);
  const { batch, ctx, stored } = prepared(await lookups);
  return storeChecked(batch, newOf(checkAll(shaped, ctx), stored));
}

interface Batch {
  handle: DbHandle;
  account: string;
  /** The account's time zone (usage_daily's days). */
  timeZone: string;
  raw: unknown[];
  /** The distinct ids that could be valid. */
  ids: string[];
  /** A Citus coordinator (see storedHashesQuery). */
  citus: boolean;
}

/** Each record's shape checked (instants parsed, quantity normalised), with the problems found. */
function shapeAll(raw: unknown[]): { shaped: (ShapedUsage | undefined)[]; issues: BatchIssue[] } {
  const issues: BatchIssue[] = [];
  const shaped = raw.map((r, index) => {
    const res = checkUsageShape(r);
    for (const i of res.issues) issues.push({ index, ...i });
    return res.record;
  });
  return { shaped, issues };
}

/**
 * Checks records against the account and each other, in the order given: an id seen before with the
 * same content counts once, with other content it is a problem (of the later record).
 */
function recordChecker(ctx: UsageContext, issues: BatchIssue[]) {
  const firstById = new Map<string, { index: number; record: ValidUsage }>();
  /** The record if it is valid and its id's first. */
  return (s: ShapedUsage, index: number): ValidUsage | undefined => {
    const res = checkUsageRecord(s, ctx);
    for (const i of res.issues) issues.push({ index, ...i });
    if (!res.record) return undefined;
    const seen = firstById.get(res.record.id);
    if (!seen) {
      firstById.set(res.record.id, { index, record: res.record });
      return res.record;
    }
    if (seen.record.contentHash !== res.record.contentHash)
      issues.push({ index, field: "id", message: `"${res.record.id}" is also the id of records[${seen.index}], with different content` });
    return undefined;
  };
}

/** The whole batch checked: its valid records (each id's first), or the 400 it gets. */
function checkAll({ shaped, issues }: ReturnType<typeof shapeAll>, ctx: UsageContext): { index: number; record: ValidUsage }[] {
  const check = recordChecker(ctx, issues);
  const fresh: { index: number; record: ValidUsage }[] = [];
  shaped.forEach((s, index) => {
    const record = s && check(s, index);
    if (record) fresh.push({ index, record });
  });
  if (issues.length) throw badBatch(issues);
  return fresh;
}

/** The checked records that are not stored yet, or the 409 when one's id is stored with other content. */
function newOf(fresh: { index: number; record: ValidUsage }[], stored: Map<string, string>): { index: number; record: ValidUsage }[] {
  const clash = fresh.filter((f) => stored.has(f.record.id) && stored.get(f.record.id) !== f.record.contentHash);
  if (clash.length) throw conflict(clash.map((f) => ({ index: f.index, id: f.record.id })));
  return stored.size ? fresh.filter((f) => !stored.has(f.record.id)) : fresh;
}

const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/** Stores checked new records in one transaction. */
async function storeChecked(batch: Batch, news: { index: number; record: ValidUsage }[]): Promise<IngestResult> {
  const { handle, account, timeZone, raw } = batch;
  if (!news.length) return { accepted: 0, duplicates: raw.length };
  // Sorted by id, so concurrent batches with overlapping ids take their
  // index locks in the same order and wait for each other instead of deadlocking.
  const rows = news.map((f) => f.record).sort(byId);
  let accepted: number;
  try {
    // The looked-up ids are new: COPY them (about half the cost of INSERT … SELECT unnest) and add them to the rollups.
    accepted = await handle.db.transaction(async (tx) => {
      await handle.copyRowsIn(tx, "usage_records", USAGE_COLUMNS, rows.map((r) => rowOf(account, r)));
      await addStoredUsageToRollups(tx, account, timeZone, rows);
      return rows.length;
    });
  } catch (e) {
    if (!stoppedDirectCopy(e)) throw e;
    // A concurrent request stored some of the ids since the look-up: they are
    // skipped by ON CONFLICT, then their content is checked, and a mismatch rolls the whole batch back.
    accepted = await handle.db.transaction(async (tx) => {
      const inserted = await insertUsage(tx, account, timeZone, rows);
      if (inserted < news.length) {
        const now = await storedHashes(tx, account, news.map((f) => f.record.id), batch.citus);
        const late = news.filter((f) => now.get(f.record.id) !== f.record.contentHash);
        if (late.length) throw conflict(late.map((f) => ({ index: f.index, id: f.record.id })));
      }
      return inserted;
    });
  }
  return { accepted, duplicates: raw.length - accepted };
}

/**
 * A batch whose sampled ids are not stored: its records are checked in id order (equal ids in the
 * batch's order, so the first is the earliest, as checkAll has it) and COPYed as they pass, while
 * the database stores the ones before. The first problem stops the rows; the rest are still checked,
 * so the 400 names every problem, and the transaction rolls back.
 */
async function ingestWhileChecking(batch: Batch, ctx: UsageContext): Promise<IngestResult> {
  const { handle, account, timeZone, raw } = batch;
  const keyOf = (r: unknown) => {
    const id = r !== null && typeof r === "object" ? (r as { id?: unknown }).id : undefined;
    return typeof id === "string" ? id : "";
  };
  const order = raw.map((r, index) => ({ id: keyOf(r), index })).sort((x, y) => byId(x, y) || x.index - y.index);
  const issues: BatchIssue[] = [];
  const check = recordChecker(ctx, issues);
  const kept: ValidUsage[] = [];
  function* rows() {
    for (const { index } of order) {
      const res = checkUsageShape(raw[index]);
      for (const i of res.issues) issues.push({ index, ...i });
      const record = res.record && check(res.record, index);
      if (record && !issues.length) {
        kept.push(record);
        yield rowOf(account, record);
      }
    }
  }
  try {
    return await handle.db.transaction(async (tx) => {
      await handle.copyRowsIn(tx, "usage_records", USAGE_COLUMNS, rows());
      if (issues.length) throw badBatch(issues); // rolls back what the COPY stored
      if (kept.length) await addStoredUsageToRollups(tx, account, timeZone, kept);
      return { accepted: kept.length, duplicates: raw.length - kept.length };
    });
  } catch (e) {
    if (!stoppedDirectCopy(e)) throw e;
    // A stored id the sample missed (or a concurrent batch's): the whole batch against every stored hash.
    return storeChecked(batch, newOf(checkAll(shapeAll(raw), ctx), await storedHashes(handle.db, account, batch.ids, batch.citus)));
  }
}

/** The record schema the API validates with, for the OpenAPI document. */
export { usageRecordSchema, USAGE_BATCH_MAX } from "@/lib/billing/usage-validate";
