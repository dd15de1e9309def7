// Money and quantities are Decimal, never JS numbers. Lines are rounded once
// (2 dp, half-up) at the end of their calculation; totals sum rounded lines.
import Decimal from "decimal.js";

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type D = Decimal;
export type DecimalInput = Decimal.Value;

export const ZERO = new D(0);

export function dec(v: DecimalInput | null | undefined): Decimal {
  return new D(v ?? 0);
}

/** Round an amount once, to cents, half-up. */
export function roundMoney(v: DecimalInput): Decimal {
  return new D(v).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Unit prices and quantities keep up to 6 decimals. */
export function round6(v: DecimalInput): Decimal {
  return new D(v).toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
}

export function sum(values: Iterable<DecimalInput>): Decimal {
  let total = new D(0);
  for (const v of values) total = total.plus(v);
  return total;
}

export function min(a: DecimalInput, b: DecimalInput): Decimal {
  return D.min(new D(a), new D(b));
}

/** Plain decimal string with exactly `dp` places (for storage, CSV and the API). */
export function toFixedString(v: DecimalInput, dp = 2): string {
  return new D(v).toFixed(dp, Decimal.ROUND_HALF_UP);
}
