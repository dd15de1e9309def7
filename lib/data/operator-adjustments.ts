import "server-only";
// Manual adjustments of a closed cycle by an operator, and the list the
// account's own users see on their Account page.
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { adjustments, BILLING_METHODS } from "@/db/schema";
import { newId } from "@/lib/ids";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { writeAdjustment } from "@/lib/billing/adjustments";
import { writeAudit } from "@/lib/lifecycle/audit";
import { runAccountJobs } from "@/lib/jobs/run";
import { actorOf, tenantOf, type Caller } from "./caller";
import { amount, asOperator, reason } from "./operator-money";
import { parseInput } from "./validate";

export const adjustmentInput = z.strictObject({
  kind: z.enum(["credit", "debit"]),
  amount: amount.describe("Positive, at most 2 decimals; the kind says which way"),
  billingCycle: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a closed billing cycle, YYYY-MM"),
  productId: z.string().min(1).max(100),
  billingMethod: z.enum(BILLING_METHODS).optional(),
  reason,
});

/**
 * A credit or debit to a closed cycle: an adjustment line in the open cycle,
 * the ledger (a credit at once; a debit as settlement pays it), the audit log.
 * The billing jobs then run for the account up to its now, so the debit is
 * settled, and overdue starts or ends, exactly as for any other line.
 */
export async function adjustAccount(caller: Caller, accountId: string, input: unknown) {
  const data = parseInput(adjustmentInput, input);
  const db = await getDb();
  const catalog = await catalogFromDb(db);
  return asOperator(caller, accountId, async (tx, account, now, by) => {
    const r = await writeAdjustment(tx, account, { ...data, id: newId("adj"), issuedBy: by }, now);
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: `operator.adjustment.${data.kind}`,
      targetType: "adjustment",
      targetId: r.adjustment.id,
      amounts: { amount: r.adjustment.amount },
      details: { reason: data.reason, correctsCycle: data.billingCycle, productId: data.productId, billingMethod: r.adjustment.billingMethod, lineId: r.lineId, inCycle: r.billingCycle },
    });
    await runAccountJobs(tx, account, catalog, now);
    return { ...r.adjustment, inCycle: r.billingCycle };
  });
}

/** Newest first; the account's own users see these (the operator names one account). */
export async function listAdjustments(caller: Caller, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  return db.select().from(adjustments).where(eq(adjustments.accountId, id)).orderBy(desc(adjustments.at), desc(adjustments.id)).limit(200);
}
