// The one way usage records are stored. The rollups behind the Usage Records
// tab (usage_hourly, usage_daily) are kept by this writer in the caller's
// transaction: the records the insert actually added (re-sent ids are skipped)
// are summed into both with INSERT … ON CONFLICT DO UPDATE — read back from
// usage_records by id, or passed as values by a caller that COPYed them. No trigger — statement triggers with transition tables do
// not run on distributed tables. On Citus both rollup statements run inside the
// account's shard (the tables are co-located). Rollup rows are upserted in key
// order, so concurrent batches lock them in one order and cannot deadlock. A long
// transaction of many slices (the bulk import) adds them once at its end (openRollupBuffer).
import { sql, type SQL } from "drizzle-orm";
import { query, type DbOrTx } from "@/db/client";
import { hasCitus } from "@/db/citus";

// Columns travel as one text parameter each, split in SQL by string_to_array:
// whatever the batch size it is a handful of parameters, and splitting on a
// separator is much cheaper for PostgreSQL than parsing quoted array literals
// (measured: ~30% of a 10,000-row insert). The separator (ASCII record
// separator) cannot occur in the values: ids refuse control characters,
// JSON.stringify escapes them, and the other columns are generated.
const SEP = "\x1e";

// What an upsert adds to a rollup row that exists (the tables aliased h and d).
const ADD_TO_HOUR = sql`on conflict (account_id, hour, instance_id, item_id)
  do update set quantity = h.quantity + excluded.quantity, records = h.records + excluded.records`;
const ADD_TO_DAY = sql`on conflict (account_id, day, instance_id, item_id)
  do update set quantity = d.quantity + excluded.quantity, records = d.records + excluded.records, hours = d.hours + excluded.hours`;

/** A text[] of the values; '' stands for NULL (no stored value is empty). */
export function textArray(values: readonly (string | null)[]): SQL {
  return sql`string_to_array(${values.map((v) => v ?? "").join(SEP)}, ${SEP}, '')`;
}

/** Columns `source` must yield, in this order. */
export const USAGE_SOURCE_COLUMNS = ["id", "instance_id", "item_id", "quantity", "start_at", "end_at", "attributes", "content_hash"] as const;

/**
 * Inserts one account's usage from `source` (a SELECT yielding USAGE_SOURCE_COLUMNS),
 * skipping ids already stored, and adds what it inserted to the rollups.
 * `timeZone` is the account's: usage_daily's days are the account's days.
 * Call it inside a transaction. Returns how many rows were inserted.
 */
export async function storeUsage(db: DbOrTx, accountId: string, timeZone: string, source: SQL): Promise<number> {
  // The inserted ids come back as one separated string (cheaper than a row each).
  const [{ ids }] = await query<{ ids: string | null }>(
    db,
    sql`with ins as (
          insert into usage_records (account_id, id, instance_id, item_id, quantity, start_at, end_at, attributes, content_hash)
          select ${accountId}, s.* from (${source}) s
          on conflict (account_id, id) do nothing
          returning id)
        select string_agg(id, ${SEP}) as ids from ins`,
  );
  if (ids === null) return 0;
  await addToRollups(db, accountId, timeZone, ids);
  return ids.split(SEP).length;
}

/** What the rollups need of a record. */
export interface RollupRecord {
  id: string;
  instanceId: string;
  itemId: string;
  quantity: string;
  /** The start instant as toISOString() writes it. */
  startIso: string;
}

/**
 * Adds records the caller stored itself (a COPY in its transaction) to both
 * rollups: each must be new, and once. On PostgreSQL and PGlite they travel as
 * values (nothing is read back); on Citus by id (see addToRollups).
 */
export async function addStoredUsageToRollups(db: DbOrTx, accountId: string, timeZone: string, records: readonly RollupRecord[]): Promise<void> {
  if (records.length) await addToRollups(db, accountId, timeZone, records.map((r) => r.id).join(SEP), records);
}

/**
 * The UTC hour `h` lies wholly inside one local day of `timeZone`: it starts at
 * 23:00 local or earlier (always, where offsets are whole hours; one conversion).
 */
const hourInsideDay = (h: SQL, timeZone: string) => sql`(${h} at time zone ${timeZone})::time <= time '23:00'`;

/**
 * Adds the account's records with these ids (SEP-joined), or the given values
 * of those records, to both rollups. Two ways, the same rollups: PostgreSQL and PGlite run one statement of
 * data-modifying CTEs (the records read once, one round trip: faster ingest
 * of large batches); Citus pulls such a statement through the
 * coordinator, so there two plain INSERT … SELECT statements each go whole to
 * the account's shard.
 */
async function addToRollups(db: DbOrTx, accountId: string, timeZone: string, ids: string, values?: readonly RollupRecord[]): Promise<void> {
  // The planner overestimates the one statement's CTEs (~10× on 100k records): with JIT it spent ~0.45 s
  // compiling it, more than the statement saves. The app's connections run without JIT (db/client.ts).
  if (await hasCitus(db)) return addToRollupsCitus(db, accountId, timeZone, ids);
  // Joining the ids back to usage_records is planned as a scan of the account's records once it holds
  // millions (the batch's ids are a guess to the planner): the caller's values, when it has them, cost nothing to find.
  const source = values
    ? valuesSource(values)
    : sql`(select r.start_at, r.instance_id, r.item_id, r.quantity
        from unnest(string_to_array(${ids}, ${SEP})) as n(id) join usage_records r on r.account_id = ${accountId} and r.id = n.id) r`;
  await addToRollupsOneStatement(db, accountId, timeZone, recordRows(source, timeZone));
}

/** Raw records as the rollups' source rows: one record each, its UTC hour and its day in `timeZone`. */
const recordRows = (records: SQL, timeZone: string) => sql`(select date_trunc('hour', r.start_at, 'UTC') as hour,
    (r.start_at at time zone ${timeZone})::date as day, r.instance_id, r.item_id, r.quantity, 1 as records from ${records}) s`;

/**
 * Adds `source` — rows of (hour, day, instance_id, item_id, quantity, records), where several rows may
 * share a key — to both rollups in one statement; returns the records it added. usage_daily.hours
 * counts the hourly rows the upsert created: a row it inserted has no xmax, one it updated carries
 * the updater's (a concurrent batch's insert of the same hour is seen as an update here).
 */
async function addToRollupsOneStatement(db: DbOrTx, accountId: string, timeZone: string, source: SQL): Promise<number> {
  const [{ n }] = await query<{ n: number }>(db, sql`with src as (
      select s.hour, s.day, s.instance_id collate "C" as instance_id, s.item_id collate "C" as item_id, s.quantity, s.records from ${source}),
    batch as (
      select hour, instance_id, item_id, sum(quantity) as quantity, sum(records) as records
      from src group by 1, 2, 3),
    hourly as (
      insert into usage_hourly as h (account_id, hour, instance_id, item_id, quantity, records)
      select ${accountId}, hour, instance_id, item_id, quantity, records from batch order by 2, 3, 4
      ${ADD_TO_HOUR}
      returning hour, instance_id, item_id, xmax = 0 as inserted),
    -- A union, not a join: the planner cannot size CTEs and would nest loops.
    daily as (
      select day, instance_id, item_id, quantity, records, 0 as hours from src
      union all
      select (hour at time zone ${timeZone})::date, instance_id, item_id, 0, 0, 1
      from hourly where inserted and ${hourInsideDay(sql`hour`, timeZone)}),
    days as (
      insert into usage_daily as d (account_id, day, instance_id, item_id, quantity, records, hours)
      select ${accountId}, day, instance_id, item_id, sum(quantity), sum(records), sum(hours)
      from daily group by 2, 3, 4 order by 2, 3, 4
      ${ADD_TO_DAY})
    select coalesce(sum(records), 0)::int as n from src`);
  return Number(n);
}

/** What a long transaction adds its stored records' rollups through (see openRollupBuffer). */
export interface RollupBuffer {
  /** Notes one record this transaction stored (new, once): its start as toISOString() writes it. */
  note(startIso: string): void;
  /** Adds every noted record to the rollups, once per key. Call it last, in the same transaction. */
  flush(): Promise<void>;
}

/**
 * For a transaction that COPYs many slices of records (the bulk import): nothing is sent per slice;
 * at the end the records this transaction wrote are read back from usage_records (its own rows:
 * `xmin` is its transaction id, within the noted time range), grouped once, and added to the
 * rollups. Summing each slice on the way — into the rollups, or into a temporary table — cost the
 * database more than the COPY of the records (1M records: 7.8 s against 12.3 s).
 * When the account has no hourly rows in the import's hours (a new account, a new month) they are
 * inserted, not upserted: a plain insert costs about half. A concurrent writer that adds one of
 * those rows meanwhile makes the insert fail on the key (23505), and the caller retries as it does
 * for a clashing id. The read-back must find every noted record, or the transaction fails (a
 * savepoint would give its rows another `xmin`). Null on Citus, where the statement would run
 * through the coordinator: the caller adds each slice with addStoredUsageToRollups.
 */
export async function openRollupBuffer(db: DbOrTx, accountId: string, timeZone: string): Promise<RollupBuffer | null> {
  if (await hasCitus(db)) return null;
  let count = 0;
  let first = "";
  let last = "";
  return {
    note(startIso) {
      if (!count || startIso < first) first = startIso;
      if (!count || startIso > last) last = startIso;
      count++;
    },
    async flush() {
      if (!count) return;
      const own = sql`usage_records r where r.account_id = ${accountId}
        and r.start_at >= ${first}::timestamptz and r.start_at <= ${last}::timestamptz and r.xmin = pg_current_xact_id()::xid`;
      // The planner has no statistics for the rows this transaction just wrote. Unhelped, it sorted a
      // million rows to group them, or walked them in time order through the index, reading a heap
      // page per row (1M records after 2M others: 2.5 s, 442,000 page reads): a bitmap scan reads each
      // page once, and hash aggregates group in memory.
      const [[{ taken }]] = await Promise.all([
        query<{ taken: boolean }>(
          db,
          sql`select exists (select 1 from usage_hourly where account_id = ${accountId}
            and hour >= date_trunc('hour', ${first}::timestamptz, 'UTC') and hour <= ${last}::timestamptz) as taken`,
        ),
        db.execute(sql`set local work_mem = '128MB'`),
        db.execute(sql`set local enable_sort = off`),
        db.execute(sql`set local enable_indexscan = off`),
      ]);
      const found = taken
        ? await addToRollupsOneStatement(db, accountId, timeZone, recordRows(sql`(select r.start_at, r.instance_id, r.item_id, r.quantity from ${own}) r`, timeZone))
        : await insertNewHours(db, accountId, timeZone, own);
      await Promise.all([db.execute(sql`set local enable_sort = on`), db.execute(sql`set local enable_indexscan = on`)]);
      if (found !== count) throw new Error(`the rollups found ${found} of the ${count} records this transaction stored`);
    },
  };
}

/**
 * Adds the records of `own` (a FROM clause naming them r) to both rollups, where the account has
 * no hourly row in their hours yet: each hourly row is new (a plain insert), so a day's `hours`
 * grows by its distinct hours; the day rows may exist (other hours of the day) and are upserted.
 */
async function insertNewHours(db: DbOrTx, accountId: string, timeZone: string, own: SQL): Promise<number> {
  const [{ n }] = await query<{ n: number }>(
    db,
    sql`with g as (
        select date_trunc('hour', r.start_at, 'UTC') as hour, (r.start_at at time zone ${timeZone})::date as day,
          r.instance_id collate "C" as instance_id, r.item_id collate "C" as item_id, sum(r.quantity) as quantity, count(*) as records
        from ${own} group by 1, 2, 3, 4),
      hourly as (
        insert into usage_hourly (account_id, hour, instance_id, item_id, quantity, records)
        select ${accountId}, hour, instance_id, item_id, sum(quantity), sum(records) from g group by 2, 3, 4 order by 2, 3, 4),
      days as (
        insert into usage_daily as d (account_id, day, instance_id, item_id, quantity, records, hours)
        select ${accountId}, day, instance_id, item_id, sum(quantity), sum(records), count(*) filter (where ${hourInsideDay(sql`hour`, timeZone)})
        from g group by 2, 3, 4 order by 2, 3, 4
        ${ADD_TO_DAY})
      select coalesce(sum(records), 0)::int as n from g`,
  );
  return Number(n);
}

/** The records' values as rows of (start_at, instance_id, item_id, quantity), aliased r. */
const valuesSource = (values: readonly RollupRecord[]) =>
  sql`(select u.s::timestamptz as start_at, u.i as instance_id, u.t as item_id, u.q::numeric as quantity
    from unnest(${textArray(values.map((r) => r.startIso))}, ${textArray(values.map((r) => r.instanceId))},
      ${textArray(values.map((r) => r.itemId))}, ${textArray(values.map((r) => r.quantity))}) as u(s, i, t, q)) r`;

/**
 * usage_daily.hours counts the hourly rows the first statement created: after
 * it, a row this transaction holds is new exactly when its records are this
 * batch's (a row that existed already had some). A scalar subquery per group
 * keeps that a primary-key probe, never a scan of the account's hourly rows.
 */
async function addToRollupsCitus(db: DbOrTx, accountId: string, timeZone: string, ids: string): Promise<void> {
  const rows = sql`unnest(string_to_array(${ids}, ${SEP})) as n(id) join usage_records r on r.account_id = ${accountId} and r.id = n.id`;
  await db.execute(sql`insert into usage_hourly as h (account_id, hour, instance_id, item_id, quantity, records)
    select r.account_id, date_trunc('hour', r.start_at, 'UTC'), r.instance_id, r.item_id, sum(r.quantity), count(*)
    from ${rows}
    group by 1, 2, 3, 4 order by 1, 2, 3, 4
    ${ADD_TO_HOUR}`);
  await db.execute(sql`insert into usage_daily as d (account_id, day, instance_id, item_id, quantity, records, hours)
    select account_id, day, instance_id, item_id, sum(quantity), sum(records),
      count(*) filter (where ${hourInsideDay(sql`hour`, timeZone)} and records = (select h.records from usage_hourly h
        where h.account_id = ${accountId} and h.hour = g.hour and h.instance_id = g.instance_id and h.item_id = g.item_id))
    from (select r.account_id, (r.start_at at time zone ${timeZone})::date as day, r.instance_id, r.item_id,
            date_trunc('hour', r.start_at, 'UTC') as hour, sum(r.quantity) as quantity, count(*) as records
          from ${rows} group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5) g
    group by 1, 2, 3, 4 order by 1, 2, 3, 4
    ${ADD_TO_DAY}`);
}

/**
 * Rebuilds one account's rollups from its stored records — after a bulk COPY
 * that bypassed storeUsage, or to repair. Both sides filter on the account,
 * so on Citus this runs inside the account's shard.
 */
export async function rebuildUsageRollups(db: DbOrTx, accountId: string, timeZone: string): Promise<void> {
  await db.execute(sql`delete from usage_hourly where account_id = ${accountId}`);
  await db.execute(sql`delete from usage_daily where account_id = ${accountId}`);
  await db.execute(sql`insert into usage_hourly (account_id, hour, instance_id, item_id, quantity, records)
    select account_id, date_trunc('hour', start_at, 'UTC'), instance_id, item_id, sum(quantity), count(*)
    from usage_records where account_id = ${accountId} group by 1, 2, 3, 4`);
  const hour = sql`date_trunc('hour', start_at, 'UTC')`;
  await db.execute(sql`insert into usage_daily (account_id, day, instance_id, item_id, quantity, records, hours)
    select account_id, (start_at at time zone ${timeZone})::date, instance_id, item_id, sum(quantity), count(*),
      count(distinct ${hour}) filter (where ${hourInsideDay(hour, timeZone)})
    from usage_records where account_id = ${accountId} group by 1, 2, 3, 4`);
}
