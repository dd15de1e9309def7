// Per-scan pricing (docs/billing-rules.md#scanner-per-scan): a price per scan,
// by the scan's instant. The catalog holds the price history; an item's
// `freeUntil` makes scans before that instant free whatever the lookup says
// (a catalog price mistake cannot bill them).
// One line per (instance, statistic day): quantity = number of scans, amount =
// Σ the scans' unit prices, rounded once. A local day can straddle a price
// change (e.g. 24 April 2023 starts at 08:00 in Shanghai), so the line's unit
// price is null when its scans were priced differently.
import type Decimal from "decimal.js";
import { dec, roundMoney, sum, ZERO } from "@/lib/money";
import { DEFAULT_TZ, dayOf, type Cycle, type Day } from "../cycle";
import type { Instance } from "@/db/schema";
import { defineRule, type LineDraft } from "./contract";

export interface Scan {
  id: string;
  instanceId: string;
  at: Date;
  /** Scans the record counts (a whole number ≥ 1); 1 when absent. */
  count?: number;
}
export interface ScanLine {
  cycle: Cycle;
  day: Day;
  instanceId: string;
  scans: number;
  /** The price per scan when all scans of the line share it; otherwise null. */
  unitPrice: Decimal | null;
  amount: Decimal;
}

/** The price of one scan at its instant (unrounded). */
export function scanPrice(at: Date, priceAt: (at: Date) => Decimal, freeUntil: Date | null = null): Decimal {
  if (Number.isNaN(at.getTime())) throw new RangeError("invalid scan instant");
  if (freeUntil && at < freeUntil) return dec(0);
  const price = dec(priceAt(at));
  if (price.lt(0)) throw new RangeError("negative scan price");
  return price;
}

export function rateScans(input: { scans: readonly Scan[]; priceAt: (at: Date) => Decimal; freeUntil?: Date | null; tz?: string }): ScanLine[] {
  const tz = input.tz ?? DEFAULT_TZ;
  // A scan id counts once if the metering feed repeats it; a conflicting repeat
  // is a data error, not something to resolve by arrival order.
  const unique = new Map<string, Scan>();
  for (const s of input.scans) {
    const seen = unique.get(s.id);
    if (seen && (seen.instanceId !== s.instanceId || seen.at.getTime() !== s.at.getTime() || (seen.count ?? 1) !== (s.count ?? 1))) throw new RangeError(`scan ${s.id}: conflicting records`);
    unique.set(s.id, s);
  }
  const groups = new Map<string, { day: Day; instanceId: string; scans: number; prices: Decimal[]; charges: Decimal[] }>();
  // Scans share instants (metering sends them by the hour or minute): each instant is priced once.
  const prices = new Map<number, Decimal>();
  for (const s of unique.values()) {
    const day = dayOf(s.at, tz);
    // A day is fixed-width ("YYYY-MM-DD"), so day|instance is unambiguous.
    const key = `${day}|${s.instanceId}`;
    const g = groups.get(key) ?? { day, instanceId: s.instanceId, scans: 0, prices: [], charges: [] };
    const count = s.count ?? 1;
    let price = prices.get(s.at.getTime());
    if (!price) prices.set(s.at.getTime(), (price = scanPrice(s.at, input.priceAt, input.freeUntil ?? null)));
    g.scans += count;
    g.prices.push(price);
    g.charges.push(price.times(count));
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0))
    .map((g) => ({
      cycle: g.day.slice(0, 7),
      day: g.day,
      instanceId: g.instanceId,
      scans: g.scans,
      unitPrice: g.prices.every((p) => p.equals(g.prices[0])) ? g.prices[0] : null,
      amount: roundMoney(sum(g.charges)),
    }));
}

export const perScanRule = defineRule({
  rule: "per-scan",
  select: "usage-instants",
  rate(ctx, item, events) {
    // Each instance is priced by its own region and spec. One pass: each instance's scans, and
    // the first scan of each of its days (that scan's price names the line's price).
    const byInstance = new Map<string, { inst: Instance; scans: Scan[]; first: Map<Day, Date> }>();
    for (const e of events) {
      let g = byInstance.get(e.inst.id);
      if (!g) byInstance.set(e.inst.id, (g = { inst: e.inst, scans: [], first: new Map() }));
      g.scans.push({ id: e.id, instanceId: e.inst.id, at: e.at, count: e.quantity.toNumber() });
      const day = dayOf(e.at, ctx.tz);
      const first = g.first.get(day);
      if (!first || e.at < first) g.first.set(day, e.at);
    }
    const out: LineDraft[] = [];
    for (const { inst, scans, first } of byInstance.values()) {
      for (const l of rateScans({
        scans,
        priceAt: (t) => ctx.price(inst, item, t).unitPrice,
        freeUntil: item.freeUntil ?? null,
        tz: ctx.tz,
      })) {
        const quantity = dec(l.scans);
        out.push({
          inst,
          day: l.day,
          billingMethod: "payg",
          quantity,
          unitPrice: l.unitPrice ?? (quantity.isZero() ? ZERO : l.amount.div(quantity)),
          amount: l.amount,
          // A day with scans on both sides of a price change has no single price.
          priceId: l.unitPrice ? ctx.price(inst, item, first.get(l.day)!).id : null,
        });
      }
    }
    return { lines: out };
  },
});
