import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec } from "@/lib/money";
import { creditRunsOutAt, forecastCycleEnd } from "./forecast";

describe("forecastCycleEnd", () => {
  it("golden: a known history — one-offs kept, pay-as-you-go continues at the last 7 days' rate", () => {
    // March (31 days). Subscriptions 100.00 paid on the 1st; pay-as-you-go 10.00 a day on days 1–4,
    // 15.00 a day on days 5–11 (the last 7 whole days before the 12th): 40 + 105 = 145.00 to date.
    // At 2026-03-12 00:00 there are 20 days left: 100 + 145 + 15 × 20 = 545.00.
    const f = forecastCycleEnd({
      now: new Date("2026-03-12T00:00:00Z"),
      cycleEnd: new Date("2026-04-01T00:00:00Z"),
      oneOff: "100.00",
      meteredToDate: "145.00",
      meteredLastDays: "105.00",
    });
    expect(f).toMatchObject({ amount: "545.00", runRatePerDay: "15.00", daysLeft: "20.00" });
    expect(f.method).toContain("run rate of the last 7 days");
  });

  it("golden: part-days left and a rate that does not divide evenly round once, half-up, at the end", () => {
    const f = forecastCycleEnd({
      now: new Date("2026-03-31T18:00:00Z"),
      cycleEnd: new Date("2026-04-01T00:00:00Z"),
      oneOff: "0",
      meteredToDate: "10.00",
      meteredLastDays: "1.00", // 1/7 a day × 0.25 day = 0.0357…
    });
    expect(f.amount).toBe("10.04");
  });

  it("after the cycle's end nothing more is added; never below what is already billed when there is no run rate", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 40 * 86_400 }), (oneOff, metered, secondsLeft) => {
        const end = new Date("2026-04-01T00:00:00Z");
        const f = forecastCycleEnd({ now: new Date(end.getTime() - secondsLeft * 1000), cycleEnd: end, oneOff: (oneOff / 100).toFixed(2), meteredToDate: (metered / 100).toFixed(2), meteredLastDays: "0" });
        expect(f.amount).toBe(((oneOff + metered) / 100).toFixed(2));
      }),
    );
  });
});

describe("creditRunsOutAt", () => {
  const now = new Date("2026-03-18T12:00:00Z");
  it("golden: 24.30 at 9.72 a day lasts 2.5 days", () => {
    expect(creditRunsOutAt(now, "24.30", "9.72")?.toISOString()).toBe("2026-03-21T00:00:00.000Z");
  });
  it("nothing burns credit without a pay-as-you-go rate; none left is now", () => {
    expect(creditRunsOutAt(now, "100.00", "0.00")).toBeNull();
    expect(creditRunsOutAt(now, "-5.00", "9.72")).toEqual(now);
    expect(creditRunsOutAt(now, "0", "9.72")).toEqual(now);
  });
  it("property: more credit never runs out sooner, a higher rate never later", () => {
    const cents = fc.integer({ min: 0, max: 10_000_000 }).map((c) => (c / 100).toFixed(2));
    fc.assert(
      fc.property(cents, cents, fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b, r, extra) => {
        const rate = (r / 100).toFixed(2);
        const [lo, hi] = dec(a).lte(b) ? [a, b] : [b, a];
        expect(creditRunsOutAt(now, lo, rate)!.getTime()).toBeLessThanOrEqual(creditRunsOutAt(now, hi, rate)!.getTime());
        expect(creditRunsOutAt(now, hi, ((r + extra) / 100).toFixed(2))!.getTime()).toBeLessThanOrEqual(creditRunsOutAt(now, hi, rate)!.getTime());
      }),
    );
  });
});
