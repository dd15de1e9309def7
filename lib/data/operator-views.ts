import "server-only";
// The operator API's view of an account's money instruments and adjustments:
// money as strings with exactly 2 decimals, instants as ISO strings.
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { billLines, coupons, vouchers, type Adjustment, type Coupon, type Voucher } from "@/db/schema";
import { dec, toFixedString } from "@/lib/money";
import { getAccount } from "./account";
import { getAccountSummary } from "./bills";
import type { Caller } from "./caller";
import { listAdjustments } from "./operator-adjustments";
import { requireOperator } from "./operator-keys";

const iso = (d: Date | null) => d?.toISOString() ?? null;
const money = (v: string | null) => (v === null ? null : toFixedString(v));

export function voucherView(v: Voucher) {
  return {
    id: v.id,
    code: v.code,
    faceValue: toFixedString(v.faceValue),
    remaining: toFixedString(v.remaining),
    used: toFixedString(dec(v.faceValue).minus(v.remaining).minus(v.revokedAmount ?? 0)),
    productIds: v.productIds,
    validFrom: v.validFrom.toISOString(),
    expiresAt: v.expiresAt.toISOString(),
    issuedBy: v.issuedBy,
    reason: v.reason,
    revokedAt: iso(v.revokedAt),
    revokedAmount: money(v.revokedAmount),
  };
}

export function couponView(c: Coupon) {
  return {
    id: c.id,
    code: c.code,
    percentOff: c.amountOff === null ? dec(c.discountPercent).toFixed() : null,
    amountOff: money(c.amountOff),
    maxValue: money(c.faceValue),
    remaining: toFixedString(c.remaining),
    usageLimit: c.usageLimit,
    timesUsed: c.timesUsed,
    productIds: c.productIds,
    validFrom: c.validFrom.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    issuedBy: c.issuedBy,
    reason: c.reason,
    revokedAt: iso(c.revokedAt),
    revokedAmount: money(c.revokedAmount),
  };
}

export function adjustmentView(a: Adjustment, inCycle: string | null) {
  return {
    id: a.id,
    kind: a.kind,
    amount: toFixedString(a.amount),
    billingCycle: a.targetCycle,
    productId: a.productId,
    billingMethod: a.billingMethod,
    lineId: a.lineId,
    inCycle,
    reason: a.reason,
    issuedBy: a.issuedBy,
    at: a.at.toISOString(),
  };
}

/** The cycle each adjustment's line landed in. */
async function lineCycles(accountId: string, rows: Adjustment[]): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  const db = await getDb();
  const lines = await db
    .select({ id: billLines.id, cycle: billLines.billingCycle })
    .from(billLines)
    .where(and(eq(billLines.accountId, accountId), eq(billLines.lineType, "adjustment")));
  return new Map(lines.map((l) => [l.id, l.cycle]));
}

export async function adjustmentViews(caller: Caller, accountId?: string) {
  const rows = await listAdjustments(caller, accountId);
  const cycles = await lineCycles(rows[0]?.accountId ?? "", rows);
  return rows.map((a) => adjustmentView(a, cycles.get(a.lineId) ?? null));
}

/** The operator's list: an unknown account is a 404, not an empty list. */
export async function operatorAdjustmentViews(caller: Caller, accountId: string) {
  requireOperator(caller);
  const account = await getAccount(caller, accountId);
  return adjustmentViews(caller, account.id);
}

/** One account as the operator sees it: its money, terms, instruments and adjustments. */
export async function operatorAccountView(caller: Caller, accountId: string) {
  requireOperator(caller);
  const s = await getAccountSummary(caller, accountId);
  const db = await getDb();
  const [vs, cs, adjustments] = await Promise.all([
    db.select().from(vouchers).where(eq(vouchers.accountId, s.accountId)).orderBy(vouchers.expiresAt, vouchers.id),
    db.select().from(coupons).where(eq(coupons.accountId, s.accountId)).orderBy(coupons.expiresAt, coupons.id),
    adjustmentViews(caller, s.accountId),
  ]);
  return {
    accountId: s.accountId,
    name: s.name,
    currency: s.currency,
    timeZone: s.timeZone,
    asOf: s.asOf,
    balance: s.balance,
    creditLimit: s.creditLimit,
    outstandingAmount: s.outstandingAmount,
    availableCredit: s.availableCredit,
    overdueSince: s.overdue?.since ?? null,
    vouchers: vs.map(voucherView),
    coupons: cs.map(couponView),
    adjustments,
  };
}
