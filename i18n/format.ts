// The console's formatters bound to the request's (or the browser's) locale.
import { useLocale } from "next-intl";
import { formatAmount, formatCount, formatDay, formatInstant, formatMoney, formatPercent, formatQuantity, formatRate, formatTime } from "@/lib/format";
import type { DecimalInput } from "@/lib/money";

export function formatterFor(locale: string) {
  return {
    locale,
    money: (v: DecimalInput, currency: string) => formatMoney(v, currency, locale),
    quantity: (v: DecimalInput) => formatQuantity(v, locale),
    amount: (v: DecimalInput) => formatAmount(v, locale),
    rate: (v: DecimalInput) => formatRate(v, locale),
    count: (n: number) => formatCount(n, locale),
    instant: (at: Date | null | undefined, timeZone: string) => formatInstant(at, timeZone, locale),
    time: (at: Date, timeZone: string) => formatTime(at, timeZone, locale),
    day: (day: string) => formatDay(day, locale),
    percent: (share: string) => formatPercent(share, locale),
  };
}
export type Formatter = ReturnType<typeof formatterFor>;

/** In components (server or client) that are not async. */
export function useFormat(): Formatter {
  return formatterFor(useLocale());
}
