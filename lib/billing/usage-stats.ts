// Planner statistics for usage_records after a large load. Right after a bulk
// import the planner has none for the new rows (autovacuum analyzes on its own
// schedule, a minute or more later): it expects a few hundred rows for an
// account that holds a million and plans the rating's daily aggregation as a
// sort spilled to disk instead of a (parallel) hash aggregate — measured about
// 3× slower. So the billing jobs analyze first when the table was never
// analyzed, or has changed by at least 10 % since (autovacuum's default scale
// factor) and by at least 10,000 rows; otherwise this costs one catalog read.
import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";

export const STALE_ROWS = 10_000;

/** `tuples`: pg_class.reltuples (-1: never analyzed); `changed`: rows written since the last analysis. */
export function statsStale({ tuples, changed }: { tuples: number; changed: number }): boolean {
  return tuples < 0 || (changed >= STALE_ROWS && changed >= 0.1 * tuples);
}

/** Runs ANALYZE on usage_records when its statistics are missing or stale; answers whether it did. Outside any transaction. */
export async function analyzeUsageIfStale(db: Db): Promise<boolean> {
  // The table name goes as a parameter: this reads the server's statistics, no tenant rows.
  // reltuples is -1 until the table is first analyzed (or vacuumed). On a Citus cluster the
  // rows live in the workers' shards, each analyzed by its own autovacuum, and the
  // coordinator's table is an empty shell: nothing to analyze there.
  const [s] = await query<{ tuples: number; changed: string | null }>(
    db,
    sql`select c.reltuples::float8 as tuples, s.n_mod_since_analyze::text as changed
        from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
        where c.oid = to_regclass(${"usage_records"}) and not exists (select 1 from pg_extension where extname = 'citus')`,
  );
  if (!s || !statsStale({ tuples: Number(s.tuples), changed: Number(s.changed ?? 0) })) return false;
  // Only the columns the tenant queries filter, join and group on: half the time of every column (the jsonb attributes cost most).
  await db.execute(sql`analyze usage_records (account_id, instance_id, item_id, start_at)`);
  return true;
}
