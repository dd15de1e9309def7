// The one way usage records are stored. The rollups behind the Usage Records
// tab (usage_hourly, usage_daily) are kept by this writer in the same
// statement: the rows the insert actually added (re-sent ids are skipped) are
// summed into both. No trigger — statement triggers with transition tables do
// not run on distributed (Citus) tables — and the same SQL runs on PGlite,
// PostgreSQL and Citus. Rollup rows are upserted in key order, so concurrent
// batches lock them in one order and cannot deadlock each other.
import { sql, type SQL } from "drizzle-orm";
import { query, type DbOrTx } from "@/db/client";

/** Columns `source` must yield, in this order. */
export const USAGE_SOURCE_COLUMNS = ["id", "instance_id", "item_id", "quantity", "start_at", "end_at", "attributes", "content_hash"] as const;

/**
 * Inserts one account's usage from `source` (a SELECT yielding USAGE_SOURCE_COLUMNS),
 * skipping ids already stored, and adds what it inserted to the rollups.
 * `timeZone` is the account's: usage_daily's days are the account's days. Returns how many rows were inserted.
 */
export async function storeUsage(db: DbOrTx, accountId: string, timeZone: string, source: SQL): Promise<number> {
  const [{ n }] = await query<{ n: number }>(
    db,
    sql`with ins as (
          insert into usage_records (account_id, id, instance_id, item_id, quantity, start_at, end_at, attributes, content_hash)
          select ${accountId}, s.* from (${source}) s
          on conflict (account_id, id) do nothing
          returning instance_id, item_id, quantity, start_at),
        hourly as (
          insert into usage_hourly as h (account_id, hour, instance_id, item_id, quantity, records)
          select ${accountId}, date_trunc('hour', start_at, 'UTC'), instance_id, item_id, sum(quantity), count(*)
          from ins group by 2, 3, 4 order by 2, 3, 4
          on conflict (account_id, hour, instance_id, item_id)
          do update set quantity = h.quantity + excluded.quantity, records = h.records + excluded.records
          returning 1),
        daily as (
          insert into usage_daily as d (account_id, day, instance_id, item_id, quantity, records)
          select ${accountId}, (start_at at time zone ${timeZone})::date, instance_id, item_id, sum(quantity), count(*)
          from ins group by 2, 3, 4 order by 2, 3, 4
          on conflict (account_id, day, instance_id, item_id)
          do update set quantity = d.quantity + excluded.quantity, records = d.records + excluded.records
          returning 1)
        select count(*)::int as n from ins`,
  );
  return Number(n);
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
  await db.execute(sql`insert into usage_daily (account_id, day, instance_id, item_id, quantity, records)
    select account_id, (start_at at time zone ${timeZone})::date, instance_id, item_id, sum(quantity), count(*)
    from usage_records where account_id = ${accountId} group by 1, 2, 3, 4`);
}
