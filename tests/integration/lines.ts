// Tests that place bill lines directly (rather than rating usage) still write
// them the way lib/billing does: through keepLineTotals, so the kept totals the
// views read match the lines.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { billLines } from "@/db/schema";
import { keepLineTotals } from "@/lib/billing/line-totals";

type LineInsert = typeof billLines.$inferInsert;

export async function insertBillLines(db: DbOrTx, rows: LineInsert[]) {
  const byAccount = new Map<string, LineInsert[]>();
  for (const r of rows) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
  for (const [accountId, lines] of byAccount) {
    await keepLineTotals(db, accountId, lines.map((l) => l.id), () => db.insert(billLines).values(lines));
  }
}

export async function deleteBillLines(db: DbOrTx, accountId: string) {
  const ids = (await db.select({ id: billLines.id }).from(billLines).where(eq(billLines.accountId, accountId))).map((r) => r.id);
  await keepLineTotals(db, accountId, ids, () => db.delete(billLines).where(eq(billLines.accountId, accountId)));
}
