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
import { defineRule, type LineDraft, type UsageLayer } from "./contract";

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

/** A layer whose samples the database has united (see UsageLayer). */
export interface UnitedLayer {
  digest: string;
  /** The largest size of the layer's samples. */
  bytes: DecimalInput;
  /** Some sample's size is not a whole number ≥ 0. */
  badBytes?: boolean;
  /** Some sample ends before it starts. */
  backwards?: boolean;
  /** Disjoint stretches, clipped at `until`, as epoch ms: start, end, start, end, … */
  spans: readonly number[];
  /** Some sample was still stored at `until`: the stretch ending there is open. */
  open: boolean;
}

export type PriceSource = Decimal | ((at: Date) => Decimal);

export interface StorageInput {
  /** The samples, united here (the reference), or … */
  intervals?: readonly LayerInterval[];
  /** … the layers already united (by the database); one of the two. */
  layers?: readonly UnitedLayer[];
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

/** A layer size, checked; each distinct size string is parsed and checked once (`sizes` caches it). */
function layerBytes(sizes: Map<string, Decimal>, digest: string, raw: DecimalInput): Decimal {
  let bytes = typeof raw === "string" ? sizes.get(raw) : undefined;
  if (!bytes) {
    bytes = dec(raw);
    if (!bytes.isInteger() || bytes.lt(0)) throw badBytesError(digest);
    if (typeof raw === "string") sizes.set(raw, bytes);
  }
  return bytes;
}

const badBytesError = (digest: string) => new RangeError(`layer ${digest}: bytes must be a whole number ≥ 0`);
const backwardsError = (digest: string) => new RangeError(`layer ${digest}: 'to' is before 'from'`);

/** Merge each digest's intervals (clipped to `until`) into disjoint stretches. */
export function uniteLayers(intervals: readonly LayerInterval[], until: Date): United[] {
  const cap = ms(until);
  const byDigest = new Map<string, { bytes: Decimal; spans: { start: number; end: number; open: boolean }[] }>();
  // A layer's samples repeat its size.
  const sizes = new Map<string, Decimal>();
  for (const iv of intervals) {
    const bytes = layerBytes(sizes, iv.digest, iv.bytes);
    const start = ms(iv.from);
    const to = iv.to === null ? null : ms(iv.to);
    if (to !== null && to < start) throw backwardsError(iv.digest);
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

/** Layers united by the database, checked and sized as uniteLayers does. */
export function fromUnitedLayers(layers: readonly UnitedLayer[], until: Date): United[] {
  const cap = ms(until);
  const sizes = new Map<string, Decimal>();
  // One MB Decimal per size, so rateStorage converts each size to BigInt once.
  const mbs = new Map<Decimal, Decimal>();
  const out: United[] = [];
  for (const l of layers) {
    if (l.badBytes) throw badBytesError(l.digest);
    const bytes = layerBytes(sizes, l.digest, l.bytes);
    if (l.backwards) throw backwardsError(l.digest);
    let mb = mbs.get(bytes);
    if (!mb) mbs.set(bytes, (mb = bytes.div(BYTES_PER_MB).ceil()));
    for (let i = 0; i + 1 < l.spans.length; i += 2) {
      const [start, end] = [l.spans[i], l.spans[i + 1]];
      if (start < end) out.push({ mb, start, end, open: l.open && end === cap });
    }
  }
  return out;
}

/**
 * The statistic day holding an instant (ms), with its bounds: the days met so
 * far are kept sorted, so the zone arithmetic runs once per day, not once per
 * piece of every interval.
 */
function dayLookup(tz: string): (t: number) => { start: number; end: number; day: Day } {
  const days: { start: number; end: number; day: Day }[] = [];
  return (t) => {
    // The first day ending after t (days are disjoint: sorted by start is sorted by end).
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid].end <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo < days.length && days[lo].start <= t) return days[lo];
    const day = dayOf(new Date(t), tz);
    const b = dayBounds(day, tz);
    const entry = { start: b.start.getTime(), end: b.end.getTime(), day };
    days.splice(lo, 0, entry);
    return entry;
  };
}

/** Per-day GB-month lines for one registry/bucket, sorted by day. */
export function rateStorage(input: StorageInput): StorageDayLine[] {
  const tz = input.tz ?? DEFAULT_TZ;
  // MB × ms are whole numbers: summed exactly as BigInt, one Decimal per day.
  const mbMs = new Map<Day, bigint>();
  const add = (day: Day, v: bigint) => mbMs.set(day, (mbMs.get(day) ?? 0n) + v);
  const window = input.cycle ? dayBounds(`${input.cycle}-01`, tz).start.getTime() : -Infinity;
  const dayAt = dayLookup(tz);
  // A digest's stretches share one size (one Decimal): converted once.
  const mbOf = new Map<Decimal, bigint>();

  const united = input.layers ? fromUnitedLayers(input.layers, input.until) : uniteLayers(input.intervals ?? [], input.until);
  for (const u of united) {
    let mb = mbOf.get(u.mb);
    if (mb === undefined) mbOf.set(u.mb, (mb = BigInt(u.mb.toFixed(0))));
    // Days before the wanted cycle are skipped, but the round-up still sees the
    // whole interval, so the figures match a rating of every day.
    let cursor = Math.max(u.start, window);
    while (cursor < u.end) {
      const d = dayAt(cursor);
      const pieceEnd = Math.min(d.end, u.end);
      add(d.day, mb * BigInt(pieceEnd - cursor));
      cursor = pieceEnd;
    }
    if (!u.open) {
      const elapsed = u.end - u.start;
      const extra = Math.ceil(elapsed / HOUR_MS) * HOUR_MS - elapsed;
      if (extra > 0) add(dayAt(u.end - 1).day, mb * BigInt(extra));
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
  select: "usage-layers",
  rate(ctx, item, rows) {
    const byInstance = new Map<string, UsageLayer[]>();
    for (const r of rows) {
      const group = byInstance.get(r.inst.id);
      if (group) group.push(r);
      else byInstance.set(r.inst.id, [r]);
    }
    const lines: LineDraft[] = [];
    for (const group of byInstance.values()) {
      const inst = group[0].inst;
      const days = rateStorage({
        layers: group,
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
