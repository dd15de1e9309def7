// Vulnerability scanner: a price per scan, by the scan's instant
// (docs/billing-rules.md#scanner-per-scan). The catalog holds the price history; scans before
// 2023-04-24T00:00:00Z are free whatever the lookup says, because the product
// makes the scanner free until then (a catalog mistake cannot bill them).
// One line per (instance, statistic day): quantity = number of scans, amount =
// Σ the scans' unit prices, rounded once. A local day can straddle a price
// change (e.g. 24 April 2023 starts at 08:00 in Shanghai), so the line's unit
// price is null when its scans were priced differently.
import type Decimal from "decimal.js";
import { dec, roundMoney, sum } from "@/lib/money";
import { DEFAULT_TZ, dayOf, type Cycle, type Day } from "../cycle";

export const SCANNER_PAID_FROM = new Date("2023-04-24T00:00:00Z");

export interface Scan {
  id: string;
  instanceId: string;
  at: Date;
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
export function scanPrice(at: Date, priceAt: (at: Date) => Decimal): Decimal {
  if (Number.isNaN(at.getTime())) throw new RangeError("invalid scan instant");
  if (at < SCANNER_PAID_FROM) return dec(0);
  const price = dec(priceAt(at));
  if (price.lt(0)) throw new RangeError("negative scan price");
  return price;
}

export function rateScans(input: { scans: readonly Scan[]; priceAt: (at: Date) => Decimal; tz?: string }): ScanLine[] {
  const tz = input.tz ?? DEFAULT_TZ;
  // A scan id counts once if the metering feed repeats it; a conflicting repeat
  // is a data error, not something to resolve by arrival order.
  const unique = new Map<string, Scan>();
  for (const s of input.scans) {
    const seen = unique.get(s.id);
    if (seen && (seen.instanceId !== s.instanceId || seen.at.getTime() !== s.at.getTime())) throw new RangeError(`scan ${s.id}: conflicting records`);
    unique.set(s.id, s);
  }
  const groups = new Map<string, { day: Day; instanceId: string; prices: Decimal[] }>();
  for (const s of unique.values()) {
    const day = dayOf(s.at, tz);
    const key = JSON.stringify([day, s.instanceId]);
    const g = groups.get(key) ?? { day, instanceId: s.instanceId, prices: [] };
    g.prices.push(scanPrice(s.at, input.priceAt));
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0))
    .map((g) => ({
      cycle: g.day.slice(0, 7),
      day: g.day,
      instanceId: g.instanceId,
      scans: g.prices.length,
      unitPrice: g.prices.every((p) => p.equals(g.prices[0])) ? g.prices[0] : null,
      amount: roundMoney(sum(g.prices)),
    }));
}
