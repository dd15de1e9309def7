import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec, roundMoney, sum } from "@/lib/money";
import { allocateCents, rateEgress, tieredAmount, type EgressRecord, type Tier } from "./egress-tiered";

const at = (iso: string) => new Date(iso);
// Example tiers (the seed pages omit the figures): first 10 GB free, 0.15 to 100 GB, then 0.12.
const TIERS: Tier[] = [
  { upTo: "10", unitPrice: "0" },
  { upTo: "100", unitPrice: "0.15" },
  { upTo: null, unitPrice: "0.12" },
];
const show = (ls: ReturnType<typeof rateEgress>) => ls.map((l) => [l.day, l.instanceId, l.network, l.quantityGb.toFixed(), l.amount.toFixed(2)]);

describe("tiered egress traffic", () => {
  it("prices cumulative GB through the tiers", () => {
    expect(tieredAmount("0", TIERS).toFixed()).toBe("0");
    expect(tieredAmount("10", TIERS).toFixed()).toBe("0");
    expect(tieredAmount("16", TIERS).toFixed()).toBe("0.9"); // 6 × 0.15
    // 90 × 0.15 + 16.333333 × 0.12 = 13.5 + 1.95999996
    expect(tieredAmount("116.333333", TIERS).toFixed()).toBe("15.45999996");
  });

  it("charges Internet traffic by cumulative day, shows VPC and replication at zero", () => {
    const records: EgressRecord[] = [
      { instanceId: "A", at: at("2025-06-01T10:00:00Z"), gb: "6", network: "internet" },
      { instanceId: "A", at: at("2025-06-01T11:00:00Z"), gb: "50", network: "vpc" },
      { instanceId: "B", at: at("2025-06-01T12:00:00Z"), gb: "20", network: "replication" },
      { instanceId: "A", at: at("2025-06-02T09:00:00Z"), gb: "7.5", network: "internet" },
      { instanceId: "B", at: at("2025-06-02T23:59:59Z"), gb: "2.5", network: "internet" },
      { instanceId: "A", at: at("2025-06-03T00:00:00Z"), gb: "100.333333", network: "internet" },
      { instanceId: "A", at: at("2025-07-01T00:00:00Z"), gb: "10", network: "internet" }, // new cycle: free tier again
    ];
    // 1 June: cum 6 GB → round(0) − 0 = 0 (free tier).
    // 2 June: cum 16 → round(0.90) − 0 = 0.90, shared 7.5 : 2.5 → 67.5 / 22.5 cents → 0.68 / 0.22
    //         (the leftover cent goes to the tie's first instance, A).
    // 3 June: cum 116.333333 → round(15.45999996) = 15.46, − 0.90 = 14.56.
    // June total 15.46 = round(tiered(116.333333)). 1 July: 10 GB, free tier again.
    expect(show(rateEgress({ records, tiers: TIERS }))).toEqual([
      ["2025-06-01", "A", "internet", "6", "0.00"],
      ["2025-06-01", "A", "vpc", "50", "0.00"],
      ["2025-06-01", "B", "replication", "20", "0.00"],
      ["2025-06-02", "A", "internet", "7.5", "0.68"],
      ["2025-06-02", "B", "internet", "2.5", "0.22"],
      ["2025-06-03", "A", "internet", "100.333333", "14.56"],
      ["2025-07-01", "A", "internet", "10", "0.00"],
    ]);
  });

  it("buckets by the account's local day", () => {
    // 23:59:59Z on 2 June is 3 June 07:59:59 in Shanghai.
    const lines = rateEgress({ records: [{ instanceId: "B", at: at("2025-06-02T23:59:59Z"), gb: "20", network: "internet" }], tiers: TIERS, tz: "Asia/Shanghai" });
    expect(show(lines)).toEqual([["2025-06-03", "B", "internet", "20", "1.50"]]);
  });

  it("splits whole cents by largest remainder", () => {
    expect(allocateCents(dec("1.00"), [dec(1), dec(1), dec(1)]).map((x) => x.toFixed(2))).toEqual(["0.34", "0.33", "0.33"]);
    expect(allocateCents(dec("0.05"), [dec(0), dec(0)]).map((x) => x.toFixed(2))).toEqual(["0.00", "0.00"]);
    expect(() => rateEgress({ records: [], tiers: [{ upTo: "10", unitPrice: "0" }] })).toThrow(RangeError);
  });

  const record = fc.record({
    instanceId: fc.constantFrom("i-1", "i-2", "i-3"),
    at: fc.integer({ min: 0, max: 45 * 86400 }).map((s) => new Date(at("2025-05-20T00:00:00Z").getTime() + s * 1000)),
    gb: fc.integer({ min: 0, max: 30_000_000 }).map((micro) => dec(micro).div(1_000_000).toFixed()),
    network: fc.constantFrom("internet" as const, "internet" as const, "vpc" as const, "replication" as const),
  });
  const shuffledRecords = fc
    .array(record, { maxLength: 40 })
    .chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length })));
  const tz = fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York");

  it("each cycle's lines sum to the tiered price of its total, in any record order", () => {
    fc.assert(
      fc.property(shuffledRecords, tz, ([records, shuffled], zone) => {
        const lines = rateEgress({ records, tiers: TIERS, tz: zone });
        expect(rateEgress({ records: shuffled, tiers: TIERS, tz: zone })).toEqual(lines);
        expect(rateEgress({ records, tiers: TIERS, tz: zone })).toEqual(lines);
        for (const cycle of new Set(lines.map((l) => l.cycle))) {
          const inCycle = lines.filter((l) => l.cycle === cycle);
          const internet = inCycle.filter((l) => l.network === "internet");
          const expected = roundMoney(tieredAmount(sum(internet.map((l) => l.quantityGb)), TIERS));
          expect(sum(inCycle.map((l) => l.amount)).equals(expected)).toBe(true);
        }
        for (const l of lines) {
          expect(l.amount.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(l.amount.lt(0)).toBe(false);
          if (l.network !== "internet") expect(l.amount.isZero()).toBe(true);
        }
      }),
    );
  });
});
