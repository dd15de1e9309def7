// Both usage rollups of one account as plain rows, as kept and as rebuilt from
// its records: tests compare the two (they must be equal, hours included).
import { sql } from "drizzle-orm";
import { query, type DbHandle, type DbOrTx } from "@/db/client";
import { rebuildUsageRollups } from "@/lib/billing/usage-store";

export const rollupRows = (db: DbOrTx, accountId: string) =>
  query(
    db,
    sql`select 'hourly' as t, hour::text as at, instance_id, item_id, quantity::text, records::text, null as hours from usage_hourly where account_id = ${accountId}
        union all
        select 'daily', day::text, instance_id, item_id, quantity::text, records::text, hours::text from usage_daily where account_id = ${accountId}
        order by 1, 2, 3, 4`,
  );

/** The rollups rebuilt from the stored records, in a transaction rolled back: the kept ones stay as they are. */
export const rebuiltRollupRows = (handle: DbHandle, accountId: string, timeZone: string) =>
  handle.db
    .transaction(async (tx) => {
      await rebuildUsageRollups(tx, accountId, timeZone);
      throw { rows: await rollupRows(tx, accountId) };
    })
    .catch((e: { rows: unknown[] }) => e.rows);
