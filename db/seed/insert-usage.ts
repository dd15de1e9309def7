import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts } from "@/db/schema";
import { eq } from "drizzle-orm";
import { usageContentHash, type UsageRow } from "@/lib/billing/usage";
import { storeUsage } from "@/lib/billing/usage-store";

/** Insert usage rows (with their rollups) in batches, per account; rows already present (same id) are left alone. */
export async function insertUsageRows(db: DbOrTx, rows: UsageRow[], batch = 1000): Promise<void> {
  const zones = new Map<string, string>();
  for (let i = 0; i < rows.length; i += batch) {
    const byAccount = new Map<string, UsageRow[]>();
    for (const r of rows.slice(i, i + batch)) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
    for (const [accountId, part] of byAccount) {
      if (!zones.has(accountId)) {
        const [a] = await db.select({ tz: accounts.timeZone }).from(accounts).where(eq(accounts.id, accountId));
        zones.set(accountId, a.tz);
      }
      const values = sql.join(
        part.map(
          (r) =>
            sql`(${r.id}, ${r.instanceId}, ${r.itemId}, ${r.quantity}::numeric, ${r.startAt.toISOString()}::timestamptz, ${r.endAt.toISOString()}::timestamptz, ${r.attributes ? JSON.stringify(r.attributes) : null}::jsonb, ${usageContentHash(r)})`,
        ),
        sql`, `,
      );
      await storeUsage(db, accountId, zones.get(accountId)!, sql`select * from (values ${values}) v`);
    }
  }
}
