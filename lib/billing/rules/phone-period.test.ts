import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec, sum } from "@/lib/money";
import { PERIOD_SECONDS, phoneDayLines, phonePeriods, type PhonePeriodInput } from "./phone-period";

const at = (iso: string) => new Date(iso);
const str = (ps: { amount: { toFixed(): string } }[]) => ps.map((p) => p.amount.toFixed());

// acp.std.large, Chinese mainland: 0.0808 USD per instance-hour (the catalog).
const STD_LARGE_CN = dec("0.0808");
const group: PhonePeriodInput = {
  anchorAt: at("2025-03-10T09:00:00Z"),
  hourlyPrice: STD_LARGE_CN,
  instances: 5,
  until: at("2025-03-11T00:00:00Z"),
};

describe("Cloud Phone 4-hour periods", () => {
  it("charges a full period when the group is released mid-period", () => {
    // Created 09:00, released 19:30: periods 09–13, 13–17 and the release period 17–21.
    // Each: 4 h × 0.0808 × 5 instances = 1.616 → 1.62; the release period in full.
    const periods = phonePeriods({ ...group, releasedAt: at("2025-03-10T19:30:00Z") });
    expect(periods.map((p) => [p.start.toISOString(), p.reason, p.chargedSeconds])).toEqual([
      ["2025-03-10T09:00:00.000Z", "ended", 14400],
      ["2025-03-10T13:00:00.000Z", "ended", 14400],
      ["2025-03-10T17:00:00.000Z", "released", 14400],
    ]);
    expect(str(periods)).toEqual(["1.62", "1.62", "1.62"]);
    expect(periods[2].dueAt).toEqual(at("2025-03-10T19:30:00Z"));
    expect(periods[2].quantityHours.toFixed()).toBe("4");
    expect(sum(periods.map((p) => p.amount)).toFixed(2)).toBe("4.86");
  });

  it("charges an overdue period only to the second", () => {
    // Overdue at 18:17:23: the third period ran 1 h 17 min 23 s = 4643 s.
    // 0.0808 × 5 × 4643 / 3600 = 1875.772 / 3600 = 0.52104… → 0.52.
    const periods = phonePeriods({ ...group, overdueAt: at("2025-03-10T18:17:23.900Z") });
    expect(periods).toHaveLength(3);
    const last = periods[2];
    expect([last.reason, last.chargedSeconds, last.quantityHours.toFixed()]).toEqual(["overdue", 4643, "1.289722"]);
    expect(last.end).toEqual(at("2025-03-10T18:17:23.900Z"));
    expect(str(periods)).toEqual(["1.62", "1.62", "0.52"]);
  });

  it("stops at a switch to subscription like overdue", () => {
    // Switched 2 h into the second period: 0.0808 × 5 × 2 = 0.808 → 0.81.
    const periods = phonePeriods({ ...group, switchedAt: at("2025-03-10T15:00:00Z") });
    expect(periods.map((p) => p.reason)).toEqual(["ended", "switched"]);
    expect(str(periods)).toEqual(["1.62", "0.81"]);
  });

  it("charges a running period only once it has ended", () => {
    expect(phonePeriods({ ...group, until: at("2025-03-10T12:59:59Z") })).toEqual([]);
    expect(phonePeriods({ ...group, until: at("2025-03-10T13:00:00Z") })).toHaveLength(1);
    // Overdue in the future of `until`: nothing beyond the ended periods yet.
    const early = phonePeriods({ ...group, until: at("2025-03-10T18:00:00Z"), overdueAt: at("2025-03-10T18:30:00Z") });
    expect(early.map((p) => p.reason)).toEqual(["ended", "ended"]);
  });

  it("starts no new period for a stop exactly on a boundary", () => {
    expect(phonePeriods({ ...group, releasedAt: at("2025-03-10T17:00:00Z") })).toHaveLength(2);
    expect(phonePeriods({ ...group, overdueAt: at("2025-03-10T17:00:00Z") })).toHaveLength(2);
    expect(phonePeriods({ ...group, releasedAt: at("2025-03-10T09:00:00Z") })).toEqual([]);
  });

  it("buckets periods into the day they fall due in the account's zone", () => {
    const day = { ...group, until: at("2025-03-11T09:00:00Z") }; // 6 periods due 13, 17, 21, 01, 05, 09 UTC
    const periods = phonePeriods(day);
    const utc = phoneDayLines(periods);
    expect(utc.map((l) => [l.day, l.periods, l.quantityHours.toFixed(), l.instanceHours.toFixed(), l.amount.toFixed(2)])).toEqual([
      ["2025-03-10", 3, "12", "60", "4.86"], // 3 × 1.62, not round(3 × 1.616) = 4.85
      ["2025-03-11", 3, "12", "60", "4.86"],
    ]);
    // Shanghai (UTC+8): due at 21:00 on the 10th, then 01:00 … 17:00 on the 11th.
    const cn = phoneDayLines(periods, "Asia/Shanghai");
    expect(cn.map((l) => [l.day, l.cycle, l.periods, l.amount.toFixed(2)])).toEqual([
      ["2025-03-10", "2025-03", 1, "1.62"],
      ["2025-03-11", "2025-03", 5, "8.10"],
    ]);
  });

  const base = at("2025-01-01T00:00:00Z").getTime();
  const HOUR = 3600_000;
  const arb = fc.record({
    anchorOffset: fc.integer({ min: 0, max: 48 * HOUR }),
    hourly: fc.integer({ min: 0, max: 3_000_000 }).map((micros) => dec(micros).div(1_000_000)),
    instances: fc.integer({ min: 0, max: 50 }),
    untilAfter: fc.integer({ min: -HOUR, max: 10 * 24 * HOUR }),
    stopAfter: fc.option(fc.integer({ min: 0, max: 10 * 24 * HOUR }), { nil: undefined }),
    stopKind: fc.constantFrom("releasedAt", "overdueAt", "switchedAt"),
    tz: fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York"),
  });
  type Case = typeof arb extends fc.Arbitrary<infer T> ? T : never;
  const toInput = (a: Case): PhonePeriodInput => {
    const anchor = base + a.anchorOffset;
    return {
      anchorAt: new Date(anchor),
      hourlyPrice: a.hourly,
      instances: a.instances,
      until: new Date(anchor + a.untilAfter),
      ...(a.stopAfter === undefined ? {} : { [a.stopKind]: new Date(anchor + a.stopAfter) }),
    };
  };

  it("day totals are the sum of the rounded periods, and re-rating is identical", () => {
    fc.assert(
      fc.property(arb, (a) => {
        const input = toInput(a);
        const periods = phonePeriods(input);
        expect(phonePeriods(input)).toEqual(periods);
        const lines = phoneDayLines(periods, a.tz);
        expect(sum(lines.map((l) => l.amount)).equals(sum(periods.map((p) => p.amount)))).toBe(true);
        expect(lines.reduce((n, l) => n + l.periods, 0)).toBe(periods.length);
        for (const p of periods) {
          expect(p.amount.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(p.amount.lt(0)).toBe(false);
          expect(p.chargedSeconds).toBeLessThanOrEqual(PERIOD_SECONDS);
          expect(p.dueAt.getTime()).toBeLessThanOrEqual(input.until.getTime());
        }
        // Only the last period can be short (overdue / switch).
        expect(periods.slice(0, -1).every((p) => p.chargedSeconds === PERIOD_SECONDS)).toBe(true);
      }),
    );
  });

  it("rating later only appends periods: earlier ones never change", () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 5 * 24 * HOUR }), (a, later) => {
        const input = toInput(a);
        const now = phonePeriods(input);
        const after = phonePeriods({ ...input, until: new Date(input.until.getTime() + later) });
        expect(after.slice(0, now.length)).toEqual(now);
      }),
    );
  });
});
