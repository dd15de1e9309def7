import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { accounts } from "@/db/schema";
import { accountNow } from "@/lib/clock";
import { NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { applyTopUp } from "@/lib/billing/settlement";
import { clearOverdueIfPaidDown } from "@/lib/overdue/transitions";
import { loadInstruments } from "@/lib/billing/instruments";
import { requireRole, tenantOf, type Caller } from "./caller";
import { parseInput } from "./validate";

export const topUpInput = z.object({
  amount: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,2})?$/, "must be a positive amount with at most 2 decimals")
    .refine((s) => !/^0+(\.0+)?$/.test(s), "must be more than zero"),
  idempotencyKey: z.string().min(1).max(120).optional(),
  at: z.date().optional(),
});

/** Admins and finance top up; the ledger is credited and what is owed is paid oldest first. */
export async function topUp(caller: Caller, input: z.input<typeof topUpInput>, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin", "finance");
  const data = parseInput(topUpInput, input);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, id));
    if (!account) throw new NotFoundError(`Account ${id} not found.`);
    const at = data.at ?? accountNow(account);
    const r = await applyTopUp(tx, id, { amount: data.amount, at, idempotencyKey: data.idempotencyKey ?? newId("topup") });
    // Paid down to within the credit limit: overdue ends and resources come back.
    await clearOverdueIfPaidDown(tx, id, at);
    const { balance } = await loadInstruments(tx, id);
    return { ...r, balance: balance.toFixed(2) };
  });
}
