import "server-only";
// Exports read through a server-side cursor (DECLARE … FETCH n) inside one
// read-only transaction: one consistent snapshot, one query plan, and only a
// batch of rows in memory at a time — on PostgreSQL and PGlite alike, without
// reaching past drizzle for a driver-specific cursor API.
import { sql, type SQL } from "drizzle-orm";
import { getDb, query } from "@/db/client";

export const EXPORT_BATCH = 5000;

export async function forEachBatch<T>(q: SQL, onBatch: (rows: T[]) => Promise<void>, batchSize = EXPORT_BATCH): Promise<void> {
  const db = await getDb();
  await db.transaction(
    async (tx) => {
      await tx.execute(sql`DECLARE export_rows NO SCROLL CURSOR FOR ${q}`);
      for (;;) {
        const rows = await query<T>(tx, sql.raw(`FETCH FORWARD ${Math.trunc(batchSize)} FROM export_rows`));
        if (rows.length) await onBatch(rows);
        if (rows.length < batchSize) break;
      }
      await tx.execute(sql`CLOSE export_rows`);
    },
    { accessMode: "read only" },
  );
}
