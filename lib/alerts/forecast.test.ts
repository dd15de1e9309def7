import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { forecastCycleEnd } from "./forecast";

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
