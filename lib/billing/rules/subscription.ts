// Subscription money (docs/billing-rules.md#subscriptions): order amounts, upgrade/downgrade
// differences and unsubscribe refunds. Each figure is rounded once.
import type Decimal from "decimal.js";
import { TZDate } from "@date-fns/tz";
import { differenceInDays } from "date-fns";
import { dec, roundMoney, type DecimalInput } from "@/lib/money";
import { DEFAULT_TZ } from "../cycle";

/** Purchasable durations in months. */
export const DURATIONS: readonly number[] = [1, 2, 3, 6, 12];

export interface OrderAmount {
  /** monthly × months × instances, rounded once. */
  original: Decimal;
  /** original (unrounded) × discount rate, rounded once. */
  discount: Decimal;
  /** original − discount: a difference of rounded figures, so the line reconciles. */
  payable: Decimal;
}

export function orderAmount(input: { monthlyPrice: DecimalInput; months: number; instances: number; discountRate?: DecimalInput }): OrderAmount {
  const { months, instances } = input;
  if (!DURATIONS.includes(months)) throw new RangeError(`duration must be one of ${DURATIONS.join(", ")} months: ${months}`);
  if (!Number.isInteger(instances) || instances < 1) throw new RangeError(`instances must be a whole number ≥ 1: ${instances}`);
  const rate = dec(input.discountRate ?? 0);
  if (rate.lt(0) || rate.gt(1)) throw new RangeError("discount rate must be between 0 and 1");
  const exact = dec(input.monthlyPrice).times(months).times(instances);
  if (exact.lt(0)) throw new RangeError("monthly price must not be negative");
  const original = roundMoney(exact);
  const discount = roundMoney(exact.times(rate));
  return { original, discount, payable: original.minus(discount) };
}

function ms(d: Date): number {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new RangeError("invalid instant");
  return t;
}

export interface ChangeDifference {
  /** > 0: the customer pays (upgrade); < 0: refunded to balance (downgrade). */
  amount: Decimal;
  kind: "pay" | "refund" | "none";
  remainingSeconds: number;
  termSeconds: number;
}

/**
 * Upgrade/downgrade: the end date stays; the difference of the packages' values
 * over the remaining time, `(new − old) × remaining / term`, rounded once.
 * Values are what each package costs for the whole current term (after any
 * term discount; 0 for the free trial), so a refund never exceeds what was paid.
 */
export function changeDifference(input: { oldValue: DecimalInput; newValue: DecimalInput; termStart: Date; termEnd: Date; at: Date }): ChangeDifference {
  const start = ms(input.termStart);
  const end = ms(input.termEnd);
  const termSeconds = Math.floor((end - start) / 1000);
  if (termSeconds <= 0) throw new RangeError("term must end after it starts");
  // Whole seconds left, within the term (a change before the term starts covers it all).
  const remainingSeconds = Math.min(termSeconds, Math.max(0, Math.floor((end - ms(input.at)) / 1000)));
  const amount = roundMoney(dec(input.newValue).minus(input.oldValue).times(remainingSeconds).div(termSeconds));
  return { amount, kind: amount.isZero() ? "none" : amount.gt(0) ? "pay" : "refund", remainingSeconds, termSeconds };
}

export interface UnsubscribeRefund {
  refund: Decimal;
  unusedDays: number;
  termDays: number;
}

/**
 * Unsubscribe: cash paid × unused whole days / term days (vouchers and coupons
 * are not refunded: pass only the cash part). Days are counted in the account's
 * zone from the term's own start time; the day in progress counts as used.
 */
export function unsubscribeRefund(input: { cashPaid: DecimalInput; termStart: Date; termEnd: Date; at: Date; tz?: string }): UnsubscribeRefund {
  const tz = input.tz ?? DEFAULT_TZ;
  const local = (d: Date) => new TZDate(ms(d), tz);
  const cash = dec(input.cashPaid);
  if (cash.lt(0)) throw new RangeError("cash paid must not be negative");
  const termDays = differenceInDays(local(input.termEnd), local(input.termStart));
  if (termDays <= 0) throw new RangeError("term must last at least a day");
  const at = Math.max(ms(input.at), ms(input.termStart));
  const unusedDays = Math.max(0, Math.min(termDays, differenceInDays(local(input.termEnd), local(new Date(at)))));
  return { refund: roundMoney(cash.times(unusedDays).div(termDays)), unusedDays, termDays };
}
