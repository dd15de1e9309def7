// Display formatting for the console, through Intl for the user's locale.
// Money stays Decimal until here and is handed to Intl as its exact decimal
// string (Intl.NumberFormat formats a numeric string without a float, so
// amounts beyond 2^53 cents keep every digit). CSV and the API never use
// these: they carry plain dot decimals.
import Decimal from "decimal.js";
import { D, type DecimalInput } from "./money";

/** BCP 47 tag for Intl: the console's locales as written in their main region. */
const INTL_LOCALE: Record<string, string> = { en: "en-US", ru: "ru-RU" };
const intlLocale = (locale: string) => INTL_LOCALE[locale] ?? locale;

// Intl's formatters are costly to build; a page formats hundreds of cells.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

// The TS lib types format(number | bigint); the spec (and Node ≥ 19) take a decimal string exactly.
type ExactFormat = (value: string) => string;
const exact = (f: Intl.NumberFormat): ExactFormat => f.format as unknown as ExactFormat;

/** The exact string Intl receives: rounded half-up by Decimal, never "-0.00". */
function exactString(v: DecimalInput, dp: number): string {
  const d = new D(v).toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);
  return (d.isZero() ? d.abs() : d).toFixed(dp);
}

/** "$1,234.50", "1 234,50 ₽", "-1 234,50 ₸": the account's currency in the user's locale. */
export function formatMoney(v: DecimalInput, currency: string, locale = "en", dp = 2): string {
  const f = cached(`m|${locale}|${currency}|${dp}`, () =>
    new Intl.NumberFormat(intlLocale(locale), {
      style: "currency",
      currency,
      currencyDisplay: "narrowSymbol", // ₸ and ₽ rather than "KZT" / "RUB" in either language
      minimumFractionDigits: dp,
      maximumFractionDigits: dp,
    }),
  );
  return exact(f)(exactString(v, dp));
}

/** Quantities and unit prices: up to 6 decimals, trailing zeros dropped, grouped for the locale. */
export function formatQuantity(v: DecimalInput, locale = "en"): string {
  const f = cached(`q|${locale}`, () => new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 6 }));
  return exact(f)(new D(v).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed());
}

/** Unit prices as the catalog keeps them: exactly 6 decimals, grouped for the locale. */
export function formatRate(v: DecimalInput, locale = "en"): string {
  const f = cached(`r|${locale}`, () => new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: 6, maximumFractionDigits: 6 }));
  return exact(f)(exactString(v, 6));
}

/** An amount without its currency (in a formula that names it once): 2 decimals, grouped for the locale. */
export function formatAmount(v: DecimalInput, locale = "en"): string {
  const f = cached(`a|${locale}`, () => new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  return exact(f)(exactString(v, 2));
}

/** Counts (rows, lines, instances). */
export function formatCount(n: number, locale = "en"): string {
  return cached(`n|${locale}`, () => new Intl.NumberFormat(intlLocale(locale))).format(n);
}

/** A share given as an exact decimal string ("0.25" → "25%" / "25 %"). */
export function formatPercent(share: string, locale = "en"): string {
  const f = cached(`p|${locale}`, () => new Intl.NumberFormat(intlLocale(locale), { style: "percent", maximumFractionDigits: 4 }));
  return exact(f)(share);
}

/** A moment on the account's clock: "11/30/2026, 14:05" / "30.11.2026, 14:05". */
export function formatInstant(at: Date | null | undefined, timeZone: string, locale = "en"): string {
  if (!at) return "—";
  const f = cached(`t|${locale}|${timeZone}`, () =>
    new Intl.DateTimeFormat(intlLocale(locale), {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }),
  );
  return f.format(at);
}

/** The time of day on the account's clock: "14:05" in either language. */
export function formatTime(at: Date, timeZone: string, locale = "en"): string {
  const f = cached(`h|${locale}|${timeZone}`, () =>
    new Intl.DateTimeFormat(intlLocale(locale), { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
  );
  return f.format(at);
}

/** A calendar day "YYYY-MM-DD" (already in the account's zone) shown for the locale. */
export function formatDay(day: string, locale = "en"): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const f = cached(`d|${locale}`, () => new Intl.DateTimeFormat(intlLocale(locale), { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" }));
  return f.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}
