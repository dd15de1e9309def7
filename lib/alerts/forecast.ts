// Cycle-end spend forecast, pure. One-off charges (subscriptions, refunds,
// adjustments) already in the cycle stay as they are; pay-as-you-go spend to
// date continues at the run rate of the last 7 days until the cycle ends.
import type Decimal from "decimal.js";
import { dec, roundMoney, toFixedString } from "@/lib/money";

export const RUN_RATE_DAYS = 7;
const DAY_MS = 86_400_000;

export const FORECAST_METHOD =
  "subscriptions and other one-off charges already billed this cycle + pay-as-you-go to date + " +
  `pay-as-you-go run rate of the last ${RUN_RATE_DAYS} days × days left in the cycle`;

/** The same, short enough for a card. */
export const FORECAST_METHOD_SHORT = `charges so far + pay-as-you-go run rate of the last ${RUN_RATE_DAYS} days × days left`;

export interface ForecastInput {
  now: Date;
  cycleEnd: Date;
  /** One-off charges of the cycle (subscription orders, refunds, adjustments). */
  oneOff: Decimal.Value;
  /** Pay-as-you-go (usage) charges of the cycle so far. */
  meteredToDate: Decimal.Value;
  /** Pay-as-you-go charges of the last RUN_RATE_DAYS whole days before today. */
  meteredLastDays: Decimal.Value;
}

export interface Forecast {
  amount: string;
  runRatePerDay: string;
  daysLeft: string;
  method: string;
}

export function forecastCycleEnd(i: ForecastInput): Forecast {
  const rate = dec(i.meteredLastDays).div(RUN_RATE_DAYS);
  const daysLeft = dec(Math.max(0, i.cycleEnd.getTime() - i.now.getTime())).div(DAY_MS);
  const amount = roundMoney(dec(i.oneOff).plus(i.meteredToDate).plus(rate.times(daysLeft)));
  return { amount: toFixedString(amount), runRatePerDay: toFixedString(rate), daysLeft: daysLeft.toFixed(2), method: FORECAST_METHOD };
}

/**
 * When `available` credit runs out at `runRatePerDay`, from `now`: null when
 * nothing burns it (a zero rate), `now` when none is left. Subscription
 * charges are paid when ordered, so only the pay-as-you-go rate burns credit.
 */
export function creditRunsOutAt(now: Date, available: Decimal.Value, runRatePerDay: Decimal.Value): Date | null {
  const rate = dec(runRatePerDay);
  if (rate.lte(0)) return null;
  const left = dec(available);
  if (left.lte(0)) return now;
  // A span of time, not an amount: milliseconds as a number.
  return new Date(now.getTime() + left.div(rate).times(DAY_MS).floor().toNumber());
}
