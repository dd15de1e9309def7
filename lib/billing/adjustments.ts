// Manual adjustments (docs/operator-tools.md): a credit or debit that corrects
// a closed cycle. A closed cycle's bills are final, so the correction is an
// adjustment line in the cycle open at `at`, never an edit of the closed bill.
// A debit is a charge like any other: due at `at`, settled by settleDueLines
// in the settlement order. A credit goes to the balance through the ledger
// (applyCredit), which pays what is outstanding oldest first.
import { and, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { adjustments, billLines, type Account, type BillingMethod } from "@/db/schema";
import { keepLineTotals } from "./line-totals";
import { BadRequestError, ConflictError, NotFoundError } from "@/lib/errors";
import { toFixedString } from "@/lib/money";
import { billIdOf, cycleBounds, cycleOf, dayOf } from "./cycle";
import { applyCredit } from "./settlement";

export interface AdjustmentInput {
  id: string;
  kind: "credit" | "debit";
  amount: string;
  billingCycle: string;
  productId: string;
  billingMethod?: BillingMethod;
  reason: string;
  issuedBy: string;
}

/** Which bill of the closed cycle the adjustment corrects: the product's, by billing method. */
async function closedBillOf(tx: Tx, account: Account, input: AdjustmentInput, at: Date): Promise<BillingMethod> {
  const { end } = cycleBounds(input.billingCycle, account.timeZone);
  if (end > at) throw new ConflictError(`Cycle ${input.billingCycle} is still open (it closes at ${end.toISOString()}); adjustments correct closed cycles only.`);
  const methods = await tx
    .selectDistinct({ method: billLines.billingMethod })
    .from(billLines)
    .where(and(eq(billLines.accountId, account.id), eq(billLines.billingCycle, input.billingCycle), eq(billLines.productId, input.productId)));
  const found = methods.map((m) => m.method).sort();
  if (input.billingMethod) {
    if (!found.includes(input.billingMethod)) throw new NotFoundError(`Account ${account.id} has no ${input.billingMethod} bill for ${input.productId} in ${input.billingCycle}.`);
    return input.billingMethod;
  }
  if (!found.length) throw new NotFoundError(`Account ${account.id} has no bill for ${input.productId} in ${input.billingCycle}.`);
  if (found.length > 1) throw new BadRequestError(`billingMethod: ${input.productId} has ${found.join(" and ")} bills in ${input.billingCycle}; name one`);
  return found[0];
}

export async function writeAdjustment(tx: Tx, account: Account, input: AdjustmentInput, at: Date) {
  const method = await closedBillOf(tx, account, input, at);
  const cycle = cycleOf(at, account.timeZone);
  const signed = toFixedString(input.kind === "credit" ? `-${input.amount}` : input.amount);
  const lineId = `adj|${input.id}`;
  const credit = input.kind === "credit";
  await keepLineTotals(tx, account.id, [lineId], () => tx.insert(billLines).values({
    accountId: account.id,
    id: lineId,
    billId: billIdOf(cycle, input.productId, method),
    billingCycle: cycle,
    billDate: dayOf(at, account.timeZone),
    lineType: "adjustment",
    productId: input.productId,
    productDetail: `${credit ? "Credit" : "Debit"} for ${input.billingCycle}: ${input.reason}`,
    instanceId: "",
    instanceName: "",
    regionId: "",
    billingMethod: method,
    billableItemId: "",
    usageQuantity: "0",
    usageUnit: "",
    unitPrice: "0",
    priceUnit: "",
    originalAmount: signed,
    pretaxAmount: signed,
    // A credit is paid out at once through the ledger (below); a debit waits for settlement.
    paidFromBalance: credit ? signed : "0",
    currency: account.currency,
    dueAt: at,
    settledAt: credit ? at : null,
    ratedAt: at,
  }));
  const [row] = await tx
    .insert(adjustments)
    .values({ accountId: account.id, id: input.id, kind: input.kind, amount: toFixedString(input.amount), targetCycle: input.billingCycle, productId: input.productId, billingMethod: method, lineId, reason: input.reason, issuedBy: input.issuedBy, at })
    .returning();
  const settled = credit
    ? await applyCredit(tx, account.id, { amount: input.amount, at, reference: { type: "adjustment", id: input.id }, memo: `Credit for ${input.billingCycle}: ${input.reason}` })
    : null;
  return { adjustment: row, lineId, billingCycle: cycle, settled };
}
