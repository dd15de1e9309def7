// Settlement of one bill line (docs/billing-rules.md#settlement-order), in this order:
//   1. resource plans offset QUANTITY; the pretax amount is deducted in
//      proportion: round(pretax × covered / quantity);
//   2. coupons: percent (or a fixed amount) off what is left, capped by the
//      coupon's remaining value and its usage limit (one use per line or order);
//   3. vouchers: cash-like, oldest expiry first;
//   4. the cash balance, only as far as it goes (never below zero);
//   5. the rest is outstanding.
// Invariant: pretax = plan + coupons + vouchers + balance + outstanding, exactly.
// Every deduction is rounded to cents (or already is), so the invariant holds
// in whole cents. Within each kind, instruments are used soonest-expiring first,
// ties by id, so the result never depends on the order they are passed in.
// Pure: the inputs are not mutated; updated copies are returned.
import type Decimal from "decimal.js";
import { dec, roundMoney, type DecimalInput } from "@/lib/money";

interface Validity {
  id: string;
  validFrom: Date;
  /** Exclusive. */
  validTo: Date;
}

/** A prepaid quantity pack for one product's billable item. */
export interface ResourcePlan extends Validity {
  product: string;
  item: string;
  remaining: Decimal;
}

/** A discount coupon: percent (or a fixed amount) off, up to its remaining value. */
export interface Coupon extends Validity {
  /** null: any product. */
  products: readonly string[] | null;
  /** e.g. 20 for 20 % off. */
  percentOff: Decimal;
  /** A fixed amount off each line or order instead of a percentage (null/absent: percent). */
  amountOff?: Decimal | null;
  remaining: Decimal;
  /** Lines or orders it may apply to (null/absent: no limit), and how many it has. */
  usageLimit?: number | null;
  timesUsed?: number;
}

/** A cash-like voucher. */
export interface Voucher extends Validity {
  products: readonly string[] | null;
  remaining: Decimal;
}

export interface SettleInput {
  pretax: DecimalInput;
  quantity: DecimalInput;
  product: string;
  item: string;
  /** When the line falls due: validity is checked at this instant. */
  at: Date;
  plans: readonly ResourcePlan[];
  coupons: readonly Coupon[];
  vouchers: readonly Voucher[];
  balance: DecimalInput;
  /** Overdraft allowed before the account is overdue (default 0). */
  creditLimit?: DecimalInput;
  /** The account's outstanding amount before this line (default 0). */
  outstandingBefore?: DecimalInput;
}

export interface Use {
  id: string;
  amount: Decimal;
}

export interface SettleResult {
  deductedByResourcePlan: Decimal;
  deductedByCoupons: Decimal;
  deductedByVouchers: Decimal;
  paidFromBalance: Decimal;
  outstanding: Decimal;
  /** Quantity covered by plans; plan uses carry quantities, not money. */
  coveredQuantity: Decimal;
  planUses: Use[];
  couponUses: Use[];
  voucherUses: Use[];
  plans: ResourcePlan[];
  coupons: Coupon[];
  vouchers: Voucher[];
  balance: Decimal;
  /** This line leaves outstanding money beyond the credit limit: the account becomes overdue. */
  overdue: boolean;
}

const usable = (v: Validity & { remaining: Decimal }, at: Date) => v.validFrom <= at && at < v.validTo && dec(v.remaining).gt(0);
const forProduct = (products: readonly string[] | null, product: string) => products === null || products.includes(product);
const cmpId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byExpiry = <T extends Validity>(xs: readonly T[]) => [...xs].sort((a, b) => a.validTo.getTime() - b.validTo.getTime() || cmpId(a.id, b.id));

function nonNegative(name: string, v: DecimalInput): Decimal {
  const d = dec(v);
  if (!d.isFinite() || d.lt(0)) throw new RangeError(`${name} must be ≥ 0`);
  return d;
}

export function settleLine(input: SettleInput): SettleResult {
  const pretax = nonNegative("pretax", input.pretax);
  // Refunds and credits are ledger entries, not settlements.
  if (pretax.decimalPlaces() > 2) throw new RangeError("pretax must be in whole cents (a rounded line)");
  const quantity = nonNegative("quantity", input.quantity);
  const at = input.at;
  let left = pretax;

  // 1. Resource plans, by quantity.
  let uncovered = quantity;
  const planUses: Use[] = [];
  const plans = input.plans.map((p) => ({ ...p, remaining: dec(p.remaining) }));
  for (const p of byExpiry(plans)) {
    if (uncovered.isZero()) break;
    if (p.product !== input.product || p.item !== input.item || !usable(p, at)) continue;
    const q = p.remaining.lt(uncovered) ? p.remaining : uncovered;
    p.remaining = p.remaining.minus(q);
    uncovered = uncovered.minus(q);
    planUses.push({ id: p.id, amount: q });
  }
  const coveredQuantity = quantity.minus(uncovered);
  // Fully covered → exactly pretax; otherwise the proportional share, rounded once.
  const byPlan = quantity.isZero() ? dec(0) : uncovered.isZero() ? pretax : roundMoney(pretax.times(coveredQuantity).div(quantity));
  left = left.minus(byPlan);

  // 2. Coupons: percent (or a fixed amount) off what is left, capped by what the coupon has left.
  const couponUses: Use[] = [];
  const coupons = input.coupons.map((c) => ({ ...c, remaining: dec(c.remaining), percentOff: dec(c.percentOff) }));
  for (const c of byExpiry(coupons)) {
    if (left.isZero()) break;
    if (!forProduct(c.products, input.product) || !usable(c, at)) continue;
    if (c.usageLimit != null && (c.timesUsed ?? 0) >= c.usageLimit) continue;
    const off = c.amountOff != null ? roundMoney(c.amountOff) : roundMoney(left.times(c.percentOff).div(100));
    const d = [off, c.remaining, left].reduce((a, b) => (b.lt(a) ? b : a));
    if (!d.gt(0)) continue;
    c.remaining = c.remaining.minus(d);
    c.timesUsed = (c.timesUsed ?? 0) + 1;
    left = left.minus(d);
    couponUses.push({ id: c.id, amount: d });
  }

  // 3. Vouchers: cash-like, the soonest to expire first.
  const voucherUses: Use[] = [];
  const vouchers = input.vouchers.map((v) => ({ ...v, remaining: dec(v.remaining) }));
  for (const v of byExpiry(vouchers)) {
    if (left.isZero()) break;
    if (!forProduct(v.products, input.product) || !usable(v, at)) continue;
    const d = v.remaining.lt(left) ? v.remaining : left;
    v.remaining = v.remaining.minus(d);
    left = left.minus(d);
    voucherUses.push({ id: v.id, amount: d });
  }

  // 4. Balance: only what it has.
  const balanceBefore = dec(input.balance);
  const paidFromBalance = balanceBefore.gt(0) ? (balanceBefore.lt(left) ? balanceBefore : left) : dec(0);
  left = left.minus(paidFromBalance);

  const sumUses = (us: Use[]) => us.reduce((s, u) => s.plus(u.amount), dec(0));
  const outstandingAfter = dec(input.outstandingBefore ?? 0).plus(left);
  return {
    deductedByResourcePlan: byPlan,
    deductedByCoupons: sumUses(couponUses),
    deductedByVouchers: sumUses(voucherUses),
    paidFromBalance,
    outstanding: left,
    coveredQuantity,
    planUses,
    couponUses,
    voucherUses,
    plans,
    coupons,
    vouchers,
    balance: balanceBefore.minus(paidFromBalance),
    overdue: left.gt(0) && outstandingAfter.gt(dec(input.creditLimit ?? 0)),
  };
}

export interface OutstandingLine {
  id: string;
  dueAt: Date;
  outstanding: Decimal;
}

/**
 * A top-up pays outstanding lines oldest first (by due instant, then id);
 * the last one reached may be paid in part. What is not needed stays as balance.
 */
export function settleOutstandingOldestFirst<T extends OutstandingLine>(
  lines: readonly T[],
  amount: DecimalInput,
): { lines: T[]; payments: Use[]; used: Decimal; left: Decimal } {
  let left = nonNegative("amount", amount);
  const payments: Use[] = [];
  const paid = new Map<string, Decimal>();
  if (new Set(lines.map((l) => l.id)).size !== lines.length) throw new RangeError("line ids must be unique");
  const oldestFirst = [...lines].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || cmpId(a.id, b.id));
  for (const l of oldestFirst) {
    if (left.isZero()) break;
    const owed = dec(l.outstanding);
    if (!owed.gt(0)) continue;
    const p = owed.lt(left) ? owed : left;
    left = left.minus(p);
    paid.set(l.id, p);
    payments.push({ id: l.id, amount: p });
  }
  return {
    lines: lines.map((l) => ({ ...l, outstanding: dec(l.outstanding).minus(paid.get(l.id) ?? 0) })),
    payments,
    used: dec(amount).minus(left),
    left,
  };
}
