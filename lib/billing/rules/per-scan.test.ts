import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type Decimal from "decimal.js";
import { dec, roundMoney, sum } from "@/lib/money";
import { rateScans as rate, scanPrice as price, type Scan } from "./per-scan";

// The free-until date the catalog gives the registry scanner.
const SCANNER_PAID_FROM = new Date("2023-04-24T00:00:00Z");
const rateScans = (input: Parameters<typeof rate>[0]) => rate({ freeUntil: SCANNER_PAID_FROM, ...input });
const scanPrice = (t: Date, priceAt: (at: Date) => Decimal) => price(t, priceAt, SCANNER_PAID_FROM);

const at = (iso: string) => new Date(iso);
// Example catalog (the seed omits the figures): 13.20 per scan, 15.00 from 2024.
// It deliberately quotes a price before 2023-04-24 too: the seed's free period wins.
const priceAt = (t: Date): Decimal => (t < at("2024-01-01T00:00:00Z") ? dec("13.20") : dec("15.00"));
const show = (ls: ReturnType<typeof rateScans>) => ls.map((l) => [l.day, l.instanceId, l.scans, l.unitPrice?.toFixed(2) ?? null, l.amount.toFixed(2)]);

describe("scanner, per scan", () => {
  it("is free before 2023-04-24 and paid from that instant", () => {
    expect(scanPrice(at("2023-04-23T23:59:59.999Z"), priceAt).toFixed()).toBe("0");
    expect(scanPrice(at("2023-04-24T00:00:00Z"), priceAt).toFixed(2)).toBe("13.20");
    const scans: Scan[] = [
      { id: "s1", instanceId: "reg-1", at: at("2023-04-23T23:59:59Z") },
      { id: "s2", instanceId: "reg-1", at: at("2023-04-24T00:00:00Z") },
      { id: "s3", instanceId: "reg-1", at: at("2023-04-24T13:00:00Z") },
      { id: "s3", instanceId: "reg-1", at: at("2023-04-24T13:00:00Z") }, // repeated by the feed: counted once
    ];
    expect(show(rateScans({ scans, priceAt }))).toEqual([
      ["2023-04-23", "reg-1", 1, "0.00", "0.00"],
      ["2023-04-24", "reg-1", 2, "13.20", "26.40"],
    ]);
    // In Shanghai all three fall on 24 April local time: one free, two paid → mixed unit price.
    expect(show(rateScans({ scans, priceAt, tz: "Asia/Shanghai" }))).toEqual([["2023-04-24", "reg-1", 3, null, "26.40"]]);
  });

  it("a record counting several scans charges each; without freeUntil every scan is priced", () => {
    const scans: Scan[] = [{ id: "m", instanceId: "reg-3", at: at("2023-04-23T10:00:00Z"), count: 3 }];
    expect(show(rate({ scans, priceAt }))).toEqual([["2023-04-23", "reg-3", 3, "13.20", "39.60"]]);
    expect(show(rateScans({ scans, priceAt }))).toEqual([["2023-04-23", "reg-3", 3, "0.00", "0.00"]]);
  });

  it("prices each scan by its own instant across a price change", () => {
    const scans: Scan[] = [
      { id: "a", instanceId: "reg-2", at: at("2023-12-31T23:00:00Z") },
      { id: "b", instanceId: "reg-2", at: at("2024-01-01T01:00:00Z") },
    ];
    expect(show(rateScans({ scans, priceAt, tz: "Asia/Shanghai" }))).toEqual([["2024-01-01", "reg-2", 2, null, "28.20"]]);
    expect(() => rateScans({ scans: [...scans, { ...scans[0], instanceId: "other" }], priceAt })).toThrow(RangeError);
  });

  const scan = fc.record({
    id: fc.integer({ min: 1, max: 60 }).map(String),
    instanceId: fc.constantFrom("r1", "r2"),
    at: fc.integer({ min: -3 * 86400, max: 3 * 86400 }).map((s) => new Date(SCANNER_PAID_FROM.getTime() + s * 1000)),
  });
  // One record per id (a feed repeat carries the same data).
  const scans = fc.uniqueArray(scan, { selector: (s) => s.id, maxLength: 30 });
  const shuffled = scans.chain((ss) => fc.tuple(fc.constant(ss), fc.shuffledSubarray(ss, { minLength: ss.length, maxLength: ss.length })));
  const tz = fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York");

  it("lines are order-independent, repeat-proof, and each rounded once", () => {
    fc.assert(
      fc.property(shuffled, tz, ([ss, sh], zone) => {
        const lines = rateScans({ scans: ss, priceAt, tz: zone });
        expect(rateScans({ scans: sh, priceAt, tz: zone })).toEqual(lines);
        expect(rateScans({ scans: [...ss, ...sh], priceAt, tz: zone })).toEqual(lines);
        expect(lines.reduce((n, l) => n + l.scans, 0)).toBe(ss.length);
        const paid = ss.filter((s) => s.at >= SCANNER_PAID_FROM).length;
        expect(sum(lines.map((l) => l.amount)).equals(roundMoney(dec("13.20").times(paid)))).toBe(true);
      }),
    );
  });
});
