// The jobs recompute the extended suspension quota from the last cycle's
// pay-as-you-go spend (formula in quota.ts); same cycle, same value.
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { accounts, billLines, type Account } from "@/db/schema";
import { cycleOf, shiftCycle } from "@/lib/billing/cycle";
import { dec, toFixedString } from "@/lib/money";
import { suspensionQuota } from "@/lib/billing/overdue-quota";

export async function refreshSuspensionQuota(tx: Tx, account: Account, now: Date): Promise<string> {
  const last = shiftCycle(cycleOf(now, account.timeZone), -1);
  const [row] = await tx
    .select({ spent: sql<string>`coalesce(sum(${billLines.pretaxAmount}), 0)` })
    .from(billLines)
    .where(and(eq(billLines.accountId, account.id), eq(billLines.billingCycle, last), eq(billLines.billingMethod, "payg")));
  const quota = toFixedString(suspensionQuota([row.spent]));
  // Same cycle, same value: most runs have nothing to write.
  if (!dec(account.suspensionQuota).equals(quota)) await tx.update(accounts).set({ suspensionQuota: quota }).where(eq(accounts.id, account.id));
  return quota;
}
