// Storage in GB-month for one registry or bucket (docs/billing-rules.md#storage-in-gb-month).
//
//   cost = price × GB × hours / 24 / days_in_month
//
// How we read the spec where it is vague:
// - Uniting: intervals of the same digest are merged when they overlap or touch,
//   so a layer shared by several images (or pushed twice) is billed once.
// - Minimum unit 1 MB × 1 hour, applied per united interval of a layer: size
//   rounds up to whole MB (1 GB = 1024 MB); the interval's duration rounds up to
//   whole hours ONCE, over the whole interval (not per day or per cycle).
// - Splitting into statistic days: each day gets the exact time the layer was
//   stored in it; the round-up remainder (< 1 h) goes to the day in which the
//   interval ends. So Σ days = MB × rounded hours exactly, and a day that is
//   over never changes when the interval later grows.
// - An interval still open at `until` (to = null or later) is not rounded yet:
//   today's estimate is the exact elapsed time; the remainder lands on the day
//   the layer is deleted.
// - Each day uses its own month's length, and the price in force at the start
//   of the day (account zone).
// Exact arithmetic runs in MB·milliseconds; the one division and the one
// rounding happen per line.
import type Decimal from "decimal.js";
import { dec, round6, roundMoney, type DecimalInput } from "@/lib/money";
import { DEFAULT_TZ, dayBounds, dayOf, daysInCycle, type Cycle, type Day } from "../cycle";
import { defineRule, type LineDraft, type UsageInterval } from "./contract";

const BYTES_PER_MB = 1024 * 1024;
const MB_PER_GB = 1024;
const HOUR_MS = 3600_000;

export interface LayerInterval {
  digest: string;
  /** Layer size in bytes (a whole number; string or Decimal for very large values). */
  bytes: DecimalInput;
  from: Date;
  /** null while the layer is still stored. */
  to: Date | null;
}

export type PriceSource = Decimal | ((at: Date) => Decimal);

export interface StorageInput {
  intervals: readonly LayerInterval[];
  /** Price per GB-month, or the catalog lookup by instant. */
  pricePerGbMonth: PriceSource;
  /** Rate up to this instant; later storage is ignored. */
  until: Date;
  tz?: string;
  /** Only return the lines of this cycle (rounding still sees whole intervals). */
  cycle?: Cycle;
}

export interface StorageDayLine {
  day: Day;
  cycle: Cycle;
  daysInMonth: number;
  /** Exact Σ MB × seconds stored in the day (after rounding sizes and durations up). */
  mbSeconds: Decimal;
  /** Usage quantity: GB-month, 6 dp (display only; the amount uses the exact figure). */
  quantityGbMonth: Decimal;
  unitPrice: Decimal;
  /** price × mbSeconds / (1024 × 86400 × days_in_month), rounded once. */
  amount: Decimal;
}

export interface United {
  mb: Decimal;
  start: number;
  end: number;
  open: boolean;
}

function ms(d: Date): number {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new RangeError("invalid instant");
  return t;
}

/** Merge each digest's intervals (clipped to `until`) into disjoint stretches. */
export function uniteLayers(intervals: readonly LayerInterval[], until: Date): United[] {
  const cap = ms(until);
  const byDigest = new Map<string, { bytes: Decimal; spans: { start: number; end: number; open: boolean }[] }>();
  for (const iv of intervals) {
    const bytes = dec(iv.bytes);
    if (!bytes.isInteger() || bytes.lt(0)) throw new RangeError(`layer ${iv.digest}: bytes must be a whole number ≥ 0`);
    const start = ms(iv.from);
    const to = iv.to === null ? null : ms(iv.to);
    if (to !== null && to < start) throw new RangeError(`layer ${iv.digest}: 'to' is before 'from'`);
    const open = to === null || to > cap;
    const end = open ? cap : to;
    const entry = byDigest.get(iv.digest) ?? { bytes, spans: [] };
    // One digest is one content: sizes agree; if they do not, bill the larger.
    if (bytes.gt(entry.bytes)) entry.bytes = bytes;
    if (start < end) entry.spans.push({ start, end, open });
    byDigest.set(iv.digest, entry);
  }
  const out: United[] = [];
  for (const digest of [...byDigest.keys()].sort()) {
    const { bytes, spans } = byDigest.get(digest)!;
    const mb = bytes.div(BYTES_PER_MB).ceil();
    spans.sort((a, b) => a.start - b.start || a.end - b.end);
    let cur: United | null = null;
    for (const s of spans) {
      if (cur && s.start <= cur.end) {
        // Overlapping or adjacent: one stretch. Open spans always end at `until`.
        cur.end = Math.max(cur.end, s.end);
        cur.open = cur.open || s.open;
      } else {
        if (cur) out.push(cur);
        cur = { mb, ...s };
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

/** Per-day GB-month lines for one registry/bucket, sorted by day. */
export function rateStorage(input: StorageInput): StorageDayLine[] {
  const tz = input.tz ?? DEFAULT_TZ;
  // MB × ms are whole numbers: summed exactly as BigInt, one Decimal per day.
  const mbMs = new Map<Day, bigint>();
  const add = (day: Day, v: bigint) => mbMs.set(day, (mbMs.get(day) ?? 0n) + v);
  const window = input.cycle ? dayBounds(`${input.cycle}-01`, tz).start.getTime() : -Infinity;

  for (const u of uniteLayers(input.intervals, input.until)) {
    const mb = BigInt(u.mb.toFixed(0));
    // Days before the wanted cycle are skipped, but the round-up still sees the
    // whole interval, so the figures match a rating of every day.
    let cursor = Math.max(u.start, window);
    while (cursor < u.end) {
      const day = dayOf(new Date(cursor), tz);
      const pieceEnd = Math.min(dayBounds(day, tz).end.getTime(), u.end);
      add(day, mb * BigInt(pieceEnd - cursor));
      cursor = pieceEnd;
    }
    if (!u.open) {
      const elapsed = u.end - u.start;
      const extra = Math.ceil(elapsed / HOUR_MS) * HOUR_MS - elapsed;
      if (extra > 0) add(dayOf(new Date(u.end - 1), tz), mb * BigInt(extra));
    }
  }

  const lines: StorageDayLine[] = [];
  for (const day of [...mbMs.keys()].sort()) {
    const cycle = day.slice(0, 7);
    if (input.cycle && cycle !== input.cycle) continue;
    const dim = daysInCycle(cycle);
    const start = dayBounds(day, tz).start;
    const unitPrice = dec(typeof input.pricePerGbMonth === "function" ? input.pricePerGbMonth(start) : input.pricePerGbMonth);
    const mbSeconds = dec(mbMs.get(day)!.toString()).div(1000);
    const denominator = dec(MB_PER_GB * 86400 * dim);
    lines.push({
      day,
      cycle,
      daysInMonth: dim,
      mbSeconds,
      quantityGbMonth: round6(mbSeconds.div(denominator)),
      unitPrice,
      amount: roundMoney(unitPrice.times(mbSeconds).div(denominator)),
    });
  }
  return lines;
}

// ── Rating contract ─────────────────────────────────────────────────────────

export const storageGbMonthRule = defineRule({
  rule: "storage-gb-month",
  select: "usage-intervals",
  rate(ctx, item, rows) {
    const byInstance = new Map<string, UsageInterval[]>();
    for (const r of rows) {
      const group = byInstance.get(r.inst.id);
      if (group) group.push(r);
      else byInstance.set(r.inst.id, [r]);
    }
    const lines: LineDraft[] = [];
    for (const group of byInstance.values()) {
      const inst = group[0].inst;
      const days = rateStorage({
        intervals: group.map((r) => ({ digest: r.digest, bytes: r.bytes, from: r.from, to: r.to })),
        pricePerGbMonth: (at) => ctx.price(inst, item, at).unitPrice,
        until: ctx.now,
        tz: ctx.tz,
      });
      for (const d of days) {
        const priceId = ctx.price(inst, item, dayBounds(d.day, ctx.tz).start).id;
        lines.push({ inst, day: d.day, billingMethod: "payg", quantity: d.quantityGbMonth, unitPrice: d.unitPrice, amount: d.amount, priceId });
      }
    }
    return { lines };
  },
});
