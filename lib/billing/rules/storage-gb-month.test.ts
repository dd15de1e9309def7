import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec, roundMoney, sum } from "@/lib/money";
import { rateStorage, uniteLayers, type LayerInterval } from "./storage-gb-month";

const at = (iso: string) => new Date(iso);
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
// Example price per GB-month (RUB). The seed pages omit the figure; any price works.
const PRICE = dec("2.42");
const row = (l: { day: string; mbSeconds: { toFixed(): string }; quantityGbMonth: { toFixed(): string }; amount: { toFixed(n: number): string } }) =>
  [l.day, l.mbSeconds.toFixed(), l.quantityGbMonth.toFixed(), l.amount.toFixed(2)];

describe("storage in GB-month", () => {
  it("prices the seed example: 15 GB for 11 h 30 min in a 30-day month", () => {
    // cost = price × 15 × 12 / 24 / 30 = 2.42 × 0.25 = 0.605 → 0.61 (half-up, once).
    const lines = rateStorage({
      intervals: [{ digest: "sha256:a", bytes: 15 * GiB, from: at("2025-06-10T08:00:00Z"), to: at("2025-06-10T19:30:00Z") }],
      pricePerGbMonth: PRICE,
      until: at("2025-06-11T00:00:00Z"),
    });
    expect(lines.map(row)).toEqual([["2025-06-10", String(15 * 1024 * 12 * 3600), "0.25", "0.61"]]);
    expect(lines[0].daysInMonth).toBe(30);
  });

  it("bills a layer shared by two images once, and rounds hours across a day boundary", () => {
    // July: 31 days. L1 = 30 GiB = 30720 MB, in image A 1st 00:00 → 2nd 00:00 and in
    // image B 1st 06:00 → 2nd 06:00: united 1st 00:00 → 2nd 06:00 (24 h + 6 h).
    // L3 = 1 MiB + 1 byte → 2 MB, 1st 06:00 → 2nd 05:20 = 23 h 20 min → 24 h:
    // 18 h on the 1st, 5 h 20 min + the 40 min round-up on the 2nd = 6 h.
    // 1st: (30720 × 24 + 2 × 18) MB·h = 737316 → 2.42 × 737316 / 1024 / 24 / 31 = 2.34204… → 2.34
    // 2nd: (30720 × 6 + 2 × 6) MB·h = 184332 → 2.42 × 184332 / 1024 / 24 / 31 = 0.58552… → 0.59
    const L1 = "sha256:shared";
    const intervals: LayerInterval[] = [
      { digest: L1, bytes: 30 * GiB, from: at("2025-07-01T00:00:00Z"), to: at("2025-07-02T00:00:00Z") },
      { digest: L1, bytes: 30 * GiB, from: at("2025-07-01T06:00:00Z"), to: at("2025-07-02T06:00:00Z") },
      { digest: "sha256:l3", bytes: MiB + 1, from: at("2025-07-01T06:00:00Z"), to: at("2025-07-02T05:20:00Z") },
    ];
    const lines = rateStorage({ intervals, pricePerGbMonth: PRICE, until: at("2025-07-03T00:00:00Z") });
    expect(lines.map((l) => [l.day, l.mbSeconds.div(3600).toFixed(), l.amount.toFixed(2)])).toEqual([
      ["2025-07-01", "737316", "2.34"],
      ["2025-07-02", "184332", "0.59"],
    ]);
    expect(uniteLayers(intervals, at("2025-07-03T00:00:00Z"))).toHaveLength(2);
  });

  it("uses each month's own length and the price at the start of each day", () => {
    // 1 GB from 28 Feb 23:00 to 1 Mar 01:00: 1 h of February (28 days), 1 h of March (31 days).
    const priceAt = (t: Date) => (t < at("2025-03-01T00:00:00Z") ? dec("2.42") : dec("3.10"));
    const lines = rateStorage({
      intervals: [{ digest: "d", bytes: 1000 * GiB, from: at("2025-02-28T23:00:00Z"), to: at("2025-03-01T01:00:00Z") }],
      pricePerGbMonth: priceAt,
      until: at("2025-03-02T00:00:00Z"),
    });
    // Feb: 2.42 × 1000 × 1 / 24 / 28 = 3.6011… → 3.60; Mar: 3.10 × 1000 / 24 / 31 = 4.1666… → 4.17
    expect(lines.map((l) => [l.cycle, l.daysInMonth, l.unitPrice.toFixed(), l.amount.toFixed(2)])).toEqual([
      ["2025-02", 28, "2.42", "3.60"],
      ["2025-03", 31, "3.1", "4.17"],
    ]);
    // Filtering to a cycle returns the same figures for that cycle.
    const march = rateStorage({ intervals: [{ digest: "d", bytes: 1000 * GiB, from: at("2025-02-28T23:00:00Z"), to: at("2025-03-01T01:00:00Z") }], pricePerGbMonth: priceAt, until: at("2025-03-02T00:00:00Z"), cycle: "2025-03" });
    expect(march).toEqual(lines.slice(1));
  });

  it("does not round a still-open interval up until it ends", () => {
    const intervals: LayerInterval[] = [{ digest: "d", bytes: 1024 * MiB, from: at("2025-06-10T08:00:00Z"), to: null }];
    const open = rateStorage({ intervals, pricePerGbMonth: PRICE, until: at("2025-06-10T09:30:00Z") });
    expect(open[0].mbSeconds.toFixed()).toBe(String(1024 * 5400)); // 1 h 30 min exactly
    const closed = rateStorage({ intervals: [{ ...intervals[0], to: at("2025-06-10T09:30:00Z") }], pricePerGbMonth: PRICE, until: at("2025-06-11T00:00:00Z") });
    expect(closed[0].mbSeconds.toFixed()).toBe(String(1024 * 7200)); // rounded up to 2 h
  });

  it("splits days in the account's zone", () => {
    // 10 GB, 15:00Z → 17:00Z on 1 June is 23:00 → 01:00 in Shanghai: 1 h on each local day.
    const lines = rateStorage({
      intervals: [{ digest: "d", bytes: 10 * GiB, from: at("2025-06-01T15:00:00Z"), to: at("2025-06-01T17:00:00Z") }],
      pricePerGbMonth: PRICE,
      until: at("2025-06-03T00:00:00Z"),
      tz: "Asia/Shanghai",
    });
    expect(lines.map((l) => [l.day, l.mbSeconds.div(3600).toFixed()])).toEqual([
      ["2025-06-01", "10240"],
      ["2025-06-02", "10240"],
    ]);
  });

  // Property tests: a handful of digests, intervals with minute-level (and odd ms) edges.
  const T0 = at("2025-05-28T00:00:00Z").getTime();
  const interval = fc
    .record({
      digest: fc.constantFrom("a", "b", "c", "d"),
      startMin: fc.integer({ min: 0, max: 14 * 1440 }),
      lenMs: fc.integer({ min: 1, max: 6 * 86400_000 }),
      open: fc.boolean(),
    })
    .map(({ digest, startMin, lenMs, open }): LayerInterval => ({
      digest,
      bytes: { a: 1, b: 3 * MiB, c: 7 * GiB + 5, d: 0 }[digest]!,
      from: new Date(T0 + startMin * 60_000),
      to: open ? null : new Date(T0 + startMin * 60_000 + lenMs),
    }));
  const intervals = fc.array(interval, { maxLength: 12 });
  const until = fc.integer({ min: 0, max: 24 * 86400_000 }).map((d) => new Date(T0 + d));
  const tz = fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York");

  it("Σ days equals the united, rounded-up intervals; amounts are each rounded once", () => {
    fc.assert(
      fc.property(intervals, until, tz, (ivs, u, zone) => {
        const lines = rateStorage({ intervals: ivs, pricePerGbMonth: PRICE, until: u, tz: zone });
        const expected = sum(
          uniteLayers(ivs, u).map((x) => {
            const elapsed = x.end - x.start;
            const billed = x.open ? elapsed : Math.ceil(elapsed / 3600_000) * 3600_000;
            return x.mb.times(billed).div(1000);
          }),
        );
        expect(sum(lines.map((l) => l.mbSeconds)).equals(expected)).toBe(true);
        for (const l of lines) {
          expect(l.amount.equals(roundMoney(PRICE.times(l.mbSeconds).div(1024 * 86400 * l.daysInMonth)))).toBe(true);
        }
        expect(new Set(lines.map((l) => l.day)).size).toBe(lines.length);
      }),
    );
  });

  it("input order, duplicated images and re-runs give identical lines", () => {
    const shuffled = intervals.chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length })));
    fc.assert(
      fc.property(shuffled, until, tz, ([ivs, sh], u, zone) => {
        const rate = (xs: LayerInterval[]) => rateStorage({ intervals: xs, pricePerGbMonth: PRICE, until: u, tz: zone });
        const lines = rate(ivs);
        expect(rate(sh)).toEqual(lines);
        expect(rate([...ivs, ...sh])).toEqual(lines); // the same layers in a second image
        expect(rate(ivs)).toEqual(lines);
      }),
    );
  });

  it("rating one cycle gives exactly that cycle's lines of a full rating", () => {
    fc.assert(
      fc.property(intervals, until, tz, (ivs, u, zone) => {
        const all = rateStorage({ intervals: ivs, pricePerGbMonth: PRICE, until: u, tz: zone });
        for (const cycle of ["2025-05", "2025-06"]) {
          expect(rateStorage({ intervals: ivs, pricePerGbMonth: PRICE, until: u, tz: zone, cycle })).toEqual(all.filter((l) => l.cycle === cycle));
        }
      }),
    );
  });
});
