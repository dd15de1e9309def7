// Egress traffic in GB, tiered per account per cycle (docs/billing-rules.md#tiered-egress-traffic).
//
// Tiers apply to the account's cumulative charged GB in the cycle. To make the
// result independent of the order records arrive in, a day's amount is the
// difference of the rounded tiered price of the cumulative total through that
// day and through the day before:
//   day_d = round(tiered(cum_d)) − round(tiered(cum_{d−1}))
// so the days of a cycle telescope to round(tiered(cycle total)) exactly.
// Within a day, the day's amount is shared between instances in proportion to
// their GB, in whole cents (largest remainder, ties to the first instance id),
// so every instance pays the same blended price that day and lines sum exactly.
// Only Internet traffic is charged; VPC and cross-region replication traffic
// get zero lines (shown, hideable) and do not count toward the tiers.
import type Decimal from "decimal.js";
import { dec, roundMoney, sum, type DecimalInput } from "@/lib/money";
import type { CatalogItem } from "../catalog";
import { DEFAULT_TZ, dayBounds, dayOf, type Cycle, type Day } from "../cycle";
import { defineRule, type DailyUsage, type RuleCtx, type RuleOutput } from "./contract";

export type Network = "internet" | "vpc" | "replication";
const CHARGED: ReadonlySet<Network> = new Set<Network>(["internet"]);

export interface Tier {
  /** Upper bound of the tier in cumulative GB; null for the last, open tier. */
  upTo: DecimalInput | null;
  unitPrice: DecimalInput;
}

export interface EgressRecord {
  instanceId: string;
  at: Date;
  gb: DecimalInput;
  network: Network;
}

export interface EgressLine {
  cycle: Cycle;
  day: Day;
  instanceId: string;
  network: Network;
  quantityGb: Decimal;
  amount: Decimal;
}

function checkTiers(tiers: readonly Tier[]): { upTo: Decimal | null; unitPrice: Decimal }[] {
  if (tiers.length === 0 || tiers[tiers.length - 1].upTo !== null) throw new RangeError("the last tier must be open (upTo: null)");
  let prev = dec(0);
  return tiers.map((t, i) => {
    const unitPrice = dec(t.unitPrice);
    if (unitPrice.lt(0)) throw new RangeError(`tier ${i}: negative unit price`);
    if (t.upTo === null) {
      if (i !== tiers.length - 1) throw new RangeError(`tier ${i}: only the last tier may be open`);
      return { upTo: null, unitPrice };
    }
    const upTo = dec(t.upTo);
    if (upTo.lte(prev)) throw new RangeError(`tier ${i}: bounds must increase`);
    prev = upTo;
    return { upTo, unitPrice };
  });
}

/** The exact (unrounded) price of `gb` cumulative GB under the tiers. */
export function tieredAmount(gb: DecimalInput, tiers: readonly Tier[]): Decimal {
  const total = dec(gb);
  let lower = dec(0);
  let amount = dec(0);
  for (const t of checkTiers(tiers)) {
    // (not money.min: Decimal.min returns a base Decimal with only 20 digits)
    const upper = t.upTo === null || total.lte(t.upTo) ? total : t.upTo;
    if (upper.gt(lower)) amount = amount.plus(upper.minus(lower).times(t.unitPrice));
    if (t.upTo === null || total.lte(t.upTo)) break;
    lower = t.upTo;
  }
  return amount;
}

/**
 * Split a whole-cent amount across weights in whole cents: floor each share,
 * then hand the leftover cents to the largest remainders (ties: earlier index).
 */
export function allocateCents(amount: Decimal, weights: readonly Decimal[]): Decimal[] {
  const cents = dec(amount).times(100);
  if (!cents.isInteger()) throw new RangeError("amount must be whole cents");
  const total = sum(weights);
  if (total.isZero()) return weights.map(() => dec(0));
  const shares = weights.map((w) => cents.times(dec(w)).div(total));
  const floors = shares.map((s) => s.floor());
  let left = cents.minus(sum(floors)).toNumber(); // < weights.length: a small integer
  const order = shares.map((s, i) => ({ i, r: s.minus(floors[i]) })).sort((a, b) => b.r.comparedTo(a.r) || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = floors[i].plus(1);
    left--;
  }
  return floors.map((c) => c.div(100));
}

/** One line per (day, instance, network), sorted; cycles restart the tiers. */
export function rateEgress(input: { records: readonly EgressRecord[]; tiers: readonly Tier[]; tz?: string }): EgressLine[] {
  const tz = input.tz ?? DEFAULT_TZ;
  checkTiers(input.tiers);
  const byKey = new Map<string, EgressLine>();
  for (const r of input.records) {
    const gb = dec(r.gb);
    if (gb.lt(0)) throw new RangeError(`egress record for ${r.instanceId}: negative GB`);
    const day = dayOf(r.at, tz);
    const key = JSON.stringify([day, r.instanceId, r.network]);
    const line = byKey.get(key) ?? { cycle: day.slice(0, 7), day, instanceId: r.instanceId, network: r.network, quantityGb: dec(0), amount: dec(0) };
    line.quantityGb = line.quantityGb.plus(gb);
    byKey.set(key, line);
  }
  const lines = [...byKey.values()].sort((a, b) => cmp(a.day, b.day) || cmp(a.instanceId, b.instanceId) || cmp(a.network, b.network));

  const byDay = new Map<Day, EgressLine[]>();
  for (const l of lines) {
    const group = byDay.get(l.day);
    if (group) group.push(l);
    else byDay.set(l.day, [l]);
  }
  let cycle = "";
  let cumulative = dec(0);
  let billed = dec(0); // round(tiered(cumulative)) so far this cycle
  for (const [day, dayLines] of byDay) {
    if (day.slice(0, 7) !== cycle) [cycle, cumulative, billed] = [day.slice(0, 7), dec(0), dec(0)];
    const charged = dayLines.filter((l) => CHARGED.has(l.network));
    cumulative = cumulative.plus(sum(charged.map((l) => l.quantityGb)));
    const through = roundMoney(tieredAmount(cumulative, input.tiers));
    const shares = allocateCents(through.minus(billed), charged.map((l) => l.quantityGb));
    charged.forEach((l, i) => (l.amount = shares[i]));
    billed = through;
  }
  return lines;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ── Rating contract ─────────────────────────────────────────────────────────

function rateTraffic(ctx: RuleCtx, item: CatalogItem, rows: readonly DailyUsage[], networkOf: (r: DailyUsage) => Network): RuleOutput {
  if (!rows.length) return { lines: [] };
  // Tiers are per account per cycle across the item's instances: one price for the item.
  const price = ctx.price(rows[0].inst, item, dayBounds(rows[0].day, ctx.tz).start);
  const tiers: Tier[] = price.tiers?.length ? price.tiers : [{ upTo: null, unitPrice: price.unitPrice }];
  const byInstance = new Map(rows.map((r) => [r.inst.id, r.inst]));
  const out = rateEgress({
    records: rows.map((r) => ({ instanceId: r.inst.id, at: dayBounds(r.day, ctx.tz).start, gb: r.quantity, network: networkOf(r) })),
    tiers,
    tz: ctx.tz,
  });
  return {
    lines: out.map((l) => {
      const unit = l.quantityGb.isZero() ? dec(0) : l.amount.div(l.quantityGb).toDecimalPlaces(6);
      return {
        inst: byInstance.get(l.instanceId)!,
        day: l.day,
        keySuffix: `|${l.network}`,
        billingMethod: "payg" as const,
        quantity: l.quantityGb,
        unitPrice: CHARGED.has(l.network) ? unit : dec(0),
        amount: l.amount,
        priceId: price.id,
        productDetail: `${item.name} (${l.network})`,
      };
    }),
  };
}

export const egressTieredRule = defineRule({
  rule: "egress-tiered",
  select: "daily-usage",
  rate: (ctx, item, rows) => rateTraffic(ctx, item, rows, (r) => r.network ?? "internet"),
});

/** VPC and replication traffic: zero lines whatever the record says; the item's code names replication items. */
export const trafficFreeRule = defineRule({
  rule: "traffic-free",
  select: "daily-usage",
  rate: (ctx, item, rows) => rateTraffic(ctx, item, rows, (r) => (r.network === "replication" || item.code.includes("replication") ? "replication" : "vpc")),
});
