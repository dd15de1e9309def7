// Pay-as-you-go instance groups billed in 4-hour periods (docs/billing-rules.md#cloud-phone-periods).
//
// Periods are aligned to `anchorAt` (creation, or reactivation after overdue:
// the caller passes a new anchor per active stretch). Each period is charged
// when it falls due:
//   - a period that ends before any stop: in full (4 h), due at its end;
//   - the period in which the group is released: in full, due at the release;
//   - the period in which the account goes overdue or the group is switched to
//     subscription: only the elapsed whole seconds, due at that instant.
// A period not yet due at `until` is not charged yet, so rating later only
// appends periods: earlier ones never change (rating is idempotent and final).
import type Decimal from "decimal.js";
import { dec, round6, roundMoney, sum } from "@/lib/money";
import type { Instance } from "@/db/schema";
import { DEFAULT_TZ, cycleOf, dayOf, type Cycle, type Day } from "../cycle";
import { defineRule, type RuleOutput } from "./contract";

export const PERIOD_HOURS = 4;
export const PERIOD_SECONDS = PERIOD_HOURS * 3600;
const PERIOD_MS = PERIOD_SECONDS * 1000;

export type PeriodReason = "ended" | "released" | "overdue" | "switched";

export interface PhonePeriodInput {
  anchorAt: Date;
  hourlyPrice: Decimal;
  /** Instances in the group (priced per instance). */
  instances: number;
  /** Rate up to this instant (the job's `now`). */
  until: Date;
  releasedAt?: Date | null;
  overdueAt?: Date | null;
  switchedAt?: Date | null;
}

export interface PhonePeriod {
  /** 0-based index of the period since the anchor. */
  index: number;
  start: Date;
  /** The period's nominal end, or the stop instant for an overdue/switch partial period. */
  end: Date;
  /** When the charge falls due (period end, or the release/overdue/switch instant). */
  dueAt: Date;
  reason: PeriodReason;
  chargedSeconds: number;
  /** Hours per instance (chargedSeconds / 3600), kept to 6 dp for display. */
  quantityHours: Decimal;
  instances: number;
  /** hourly × chargedSeconds / 3600 × instances, rounded once to cents. */
  amount: Decimal;
}

function ms(d: Date): number {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new RangeError("invalid instant");
  return t;
}

/** The earliest stop, if any. Release wins a tie: it charges the period in full. */
function firstStop(input: PhonePeriodInput): { at: number; reason: PeriodReason } | null {
  const stops: { at: number; reason: PeriodReason }[] = [];
  if (input.releasedAt) stops.push({ at: ms(input.releasedAt), reason: "released" });
  if (input.overdueAt) stops.push({ at: ms(input.overdueAt), reason: "overdue" });
  if (input.switchedAt) stops.push({ at: ms(input.switchedAt), reason: "switched" });
  stops.sort((a, b) => a.at - b.at); // stable: "released" stays first on a tie
  return stops[0] ?? null;
}

function period(input: PhonePeriodInput, index: number, start: number, end: number, dueAt: number, reason: PeriodReason, seconds: number): PhonePeriod {
  const hourly = dec(input.hourlyPrice);
  return {
    index,
    start: new Date(start),
    end: new Date(end),
    dueAt: new Date(dueAt),
    reason,
    chargedSeconds: seconds,
    quantityHours: round6(dec(seconds).div(3600)),
    instances: input.instances,
    // Multiply before dividing, then round once: no intermediate rounding.
    amount: roundMoney(hourly.times(seconds).times(input.instances).div(3600)),
  };
}

/** The periods charged (due) by `until`, in order. */
export function phonePeriods(input: PhonePeriodInput): PhonePeriod[] {
  if (!Number.isInteger(input.instances) || input.instances < 0) throw new RangeError(`instances must be a whole number: ${input.instances}`);
  if (dec(input.hourlyPrice).lt(0)) throw new RangeError("hourly price must not be negative");
  const anchor = ms(input.anchorAt);
  const until = ms(input.until);
  const stop = firstStop(input);
  const out: PhonePeriod[] = [];
  // A period exists only if the group was billable for some time in it: a stop
  // exactly on a boundary starts no new period.
  for (let index = 0; ; index++) {
    const start = anchor + index * PERIOD_MS;
    const end = start + PERIOD_MS;
    if (stop && stop.at <= start) break;
    if (stop && stop.at < end) {
      if (stop.at > until) break; // the stop has not happened yet
      if (stop.reason === "released") {
        out.push(period(input, index, start, end, stop.at, "released", PERIOD_SECONDS));
      } else {
        // Overdue / switch: billing stops at that instant, charged to the whole second.
        const seconds = Math.floor((stop.at - start) / 1000);
        if (seconds > 0) out.push(period(input, index, start, stop.at, stop.at, stop.reason, seconds));
      }
      break;
    }
    if (end > until) break; // still running: not due yet
    out.push(period(input, index, start, end, end, "ended", PERIOD_SECONDS));
  }
  return out;
}

export interface PhoneDayLine {
  day: Day;
  cycle: Cycle;
  periods: number;
  /** Σ chargedSeconds / 3600 per instance, 6 dp. */
  quantityHours: Decimal;
  /** quantityHours × instances: the usage quantity on the bill line. */
  instanceHours: Decimal;
  /** Σ of the periods' rounded amounts: the day line reconciles with its periods. */
  amount: Decimal;
}

/**
 * One bill line per statistic day. A period belongs to the day (in the account's
 * zone) in which it falls due — its end, or the release/overdue/switch instant —
 * because that is when it is rated and settled (docs/billing-rules.md#settlement-order); a period ending exactly at
 * local midnight belongs to the new day. Pass the periods of ONE group and item.
 */
export function phoneDayLines(periods: readonly PhonePeriod[], tz: string = DEFAULT_TZ): PhoneDayLine[] {
  const byDay = new Map<Day, PhonePeriod[]>();
  for (const p of periods) {
    const day = dayOf(p.dueAt, tz);
    const group = byDay.get(day);
    if (group) group.push(p);
    else byDay.set(day, [p]);
  }
  return [...byDay.keys()].sort().map((day) => {
    const ps = byDay.get(day)!;
    const seconds = ps.reduce((s, p) => s + p.chargedSeconds, 0);
    const instanceSeconds = ps.reduce((s, p) => s + p.chargedSeconds * p.instances, 0);
    return {
      day,
      cycle: cycleOf(ps[0].dueAt, tz),
      periods: ps.length,
      quantityHours: round6(dec(seconds).div(3600)),
      instanceHours: round6(dec(instanceSeconds).div(3600)),
      amount: sum(ps.map((p) => p.amount)),
    };
  });
}

// ── Rating contract ─────────────────────────────────────────────────────────

const attr = (inst: Instance, key: string) => (typeof inst.attributes[key] === "string" ? new Date(inst.attributes[key] as string) : null);

/** Billed by periods while pay-as-you-go; a switch to subscription keeps its payg span (attributes.paygUntil). */
function hasPaygSpan(inst: Instance): boolean {
  return inst.billingMethod === "payg" || typeof inst.attributes.paygUntil === "string";
}

export const phonePeriodRule = defineRule({
  rule: "phone-period",
  select: "instances",
  rate(ctx, item, instances) {
    const out: Required<RuleOutput> = { lines: [], periods: [] };
    for (const inst of instances) {
      if (!hasPaygSpan(inst)) continue;
      const price = ctx.price(inst, item, inst.billingAnchorAt);
      // Billing stops at the overdue instant; a switch to subscription stops it too.
      // (A group released after overdue keeps its stop instant in attributes.billingStoppedAt.)
      const overdueAt = inst.status === "overdue" ? inst.statusSince : attr(inst, "billingStoppedAt");
      const periods = phonePeriods({
        anchorAt: inst.billingAnchorAt,
        hourlyPrice: price.unitPrice,
        instances: inst.instanceCount,
        until: ctx.now,
        releasedAt: inst.releasedAt,
        overdueAt,
        switchedAt: attr(inst, "paygUntil"),
      });
      const keySuffix = `|${inst.billingAnchorAt.toISOString()}`;
      for (const d of phoneDayLines(periods, ctx.tz)) {
        out.lines.push({
          inst,
          day: d.day,
          keySuffix,
          billingMethod: "payg",
          quantity: d.instanceHours,
          unitPrice: price.unitPrice,
          amount: d.amount,
          priceId: price.id,
          usageUnit: "instance-hour",
          priceUnit: "instance-hour",
        });
      }
      // Each period is settled on its own at its due instant; the day line carries the sums.
      for (const p of periods) {
        out.periods.push({
          inst,
          lineDay: dayOf(p.dueAt, ctx.tz),
          keySuffix,
          start: p.start,
          end: p.end,
          dueAt: p.dueAt,
          reason: p.reason,
          chargedSeconds: p.chargedSeconds,
          instances: p.instances,
          unitPrice: price.unitPrice,
          amount: p.amount,
        });
      }
    }
    return out;
  },
  switchCharge({ anchorAt, unitPrice, instances, at }) {
    const last = phonePeriods({ anchorAt, hourlyPrice: unitPrice, instances, until: at, switchedAt: at }).at(-1);
    return last?.reason === "switched" ? { amount: last.amount, quantity: last.quantityHours } : null;
  },
});
