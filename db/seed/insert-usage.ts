import type { DbOrTx } from "@/db/client";
import { usageRecords } from "@/db/schema";
import { usageContentHash, type UsageRow } from "@/lib/billing/usage";

/** Insert usage rows in batches; rows already present (same id) are left alone. */
export async function insertUsageRows(db: DbOrTx, rows: UsageRow[], batch = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    await db
      .insert(usageRecords)
      .values(rows.slice(i, i + batch).map((r) => ({ ...r, contentHash: usageContentHash(r) })))
      .onConflictDoNothing();
  }
}
