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

const SYMBOLS: Record<string, string> = { USD: "$", RUB: "₽", KZT: "₸" };

/** Display an amount in the account's currency, e.g. "$1,234.50" or "-₽12.00". */
export function formatMoney(v: DecimalInput, currency: string, dp = 2): string {
  const d = new D(v);
  const [int, frac] = d.abs().toFixed(dp, Decimal.ROUND_HALF_UP).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const symbol = SYMBOLS[currency];
  const body = frac ? `${grouped}.${frac}` : grouped;
  const sign = d.isNegative() && !d.isZero() ? "-" : "";
  return symbol ? `${sign}${symbol}${body}` : `${sign}${body} ${currency}`;
}

export function formatQuantity(v: DecimalInput): string {
  const d = new D(v);
  // Up to 6 decimals, trailing zeros dropped, thousands grouped.
  const [int, frac] = d.toDecimalPlaces(6).toFixed().split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${grouped}.${frac}` : grouped;
}
