import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addMonths, cycleBounds, cycleOf, dayBounds, dayOf, daysInCycle, shiftCycle, wholeHourOffsets } from "./cycle";

const at = (iso: string) => new Date(iso);
const ZONES = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/Santiago"];

describe("billing cycles and days", () => {
  it("places an instant in the account's local month and day", () => {
    // 2025-01-31T20:00Z is already 1 February 04:00 in Shanghai (UTC+8).
    expect(cycleOf(at("2025-01-31T20:00:00Z"))).toBe("2025-01");
    expect(cycleOf(at("2025-01-31T20:00:00Z"), "Asia/Shanghai")).toBe("2025-02");
    expect(dayOf(at("2025-01-31T20:00:00Z"), "Asia/Shanghai")).toBe("2025-02-01");
    expect(dayOf(at("2025-03-01T02:00:00Z"), "America/New_York")).toBe("2025-02-28");
  });

  it("bounds a cycle by local midnights", () => {
    expect(cycleBounds("2025-02")).toEqual({ start: at("2025-02-01T00:00:00Z"), end: at("2025-03-01T00:00:00Z") });
    expect(cycleBounds("2025-12", "Asia/Shanghai")).toEqual({
      start: at("2025-11-30T16:00:00Z"),
      end: at("2025-12-31T16:00:00Z"),
    });
  });

  it("has 23- and 25-hour days across DST", () => {
    const spring = dayBounds("2025-03-30", "Europe/Berlin");
    expect(spring).toEqual({ start: at("2025-03-29T23:00:00Z"), end: at("2025-03-30T22:00:00Z") });
    const autumn = dayBounds("2025-10-26", "Europe/Berlin");
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3600_000);
  });

  it("counts days from the calendar month", () => {
    expect(daysInCycle("2024-02")).toBe(29);
    expect(daysInCycle("2025-02")).toBe(28);
    expect(daysInCycle("2025-06")).toBe(30);
    expect(daysInCycle("2025-07")).toBe(31);
    expect(shiftCycle("2025-12", 1)).toBe("2026-01");
    expect(shiftCycle("2025-01", -1)).toBe("2024-12");
  });

  it("clamps subscription terms to the end of the month", () => {
    expect(addMonths(at("2025-01-31T10:00:00Z"), 1)).toEqual(at("2025-02-28T10:00:00Z"));
    expect(addMonths(at("2024-01-31T10:00:00Z"), 1)).toEqual(at("2024-02-29T10:00:00Z"));
    expect(addMonths(at("2025-01-31T10:00:00Z"), 2)).toEqual(at("2025-03-31T10:00:00Z"));
    expect(addMonths(at("2025-01-15T00:00:00Z"), 12)).toEqual(at("2026-01-15T00:00:00Z"));
    // Same local wall-clock time across DST: 10:00 CET (09:00Z) → 10:00 CEST (08:00Z).
    expect(addMonths(at("2025-01-31T09:00:00Z"), 6, "Europe/Berlin")).toEqual(at("2025-07-31T08:00:00Z"));
  });

  it("rejects malformed input", () => {
    expect(() => cycleBounds("2025-13")).toThrow(RangeError);
    expect(() => dayBounds("2025-02-29")).toThrow(RangeError);
    expect(() => cycleOf(at("2025-01-01T00:00:00Z"), "Mars/Olympus")).toThrow(RangeError);
    expect(() => cycleOf(new Date(Number.NaN))).toThrow(RangeError);
  });

  const instant = fc.date({ min: at("2000-01-01T00:00:00Z"), max: at("2100-01-01T00:00:00Z"), noInvalidDate: true });
  const zone = fc.constantFrom(...ZONES);

  it("every instant lies inside the bounds of its own day and cycle", () => {
    fc.assert(
      fc.property(instant, zone, (t, tz) => {
        const d = dayBounds(dayOf(t, tz), tz);
        const c = cycleBounds(cycleOf(t, tz), tz);
        expect(d.start.getTime() <= t.getTime() && t.getTime() < d.end.getTime()).toBe(true);
        expect(c.start.getTime() <= t.getTime() && t.getTime() < c.end.getTime()).toBe(true);
        // Consecutive days and cycles tile time without gaps.
        expect(dayOf(d.end, tz) > dayOf(t, tz)).toBe(true);
        expect(cycleOf(c.end, tz)).toBe(shiftCycle(cycleOf(t, tz), 1));
      }),
    );
  });

  it("a cycle is exactly its days, in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), zone, (y, m, tz) => {
        const cycle = `${y}-${String(m).padStart(2, "0")}`;
        const { start, end } = cycleBounds(cycle, tz);
        let cursor = start;
        for (let i = 1; i <= daysInCycle(cycle); i++) {
          const b = dayBounds(`${cycle}-${String(i).padStart(2, "0")}`, tz);
          expect(b.start).toEqual(cursor);
          cursor = b.end;
        }
        expect(cursor).toEqual(end);
      }),
      { numRuns: 50 },
    );
  });

  it("adding months never overshoots into the following month", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 24 }), zone, (t, n, tz) => {
        const result = addMonths(t, n, tz);
        expect(cycleOf(result, tz)).toBe(shiftCycle(cycleOf(t, tz), n));
      }),
    );
  });
});

describe("wholeHourOffsets", () => {
  const october = (tz: string) => cycleBounds("2026-10", tz);
  it("is true where local hours are whole UTC hours, across DST too", () => {
    expect(wholeHourOffsets("UTC", october("UTC"))).toBe(true);
    expect(wholeHourOffsets("Europe/Berlin", october("Europe/Berlin"))).toBe(true);
    expect(wholeHourOffsets("America/New_York", cycleBounds("2026-11", "America/New_York"))).toBe(true);
  });
  it("is false for half- and quarter-hour offsets, and for Lord Howe's half-hour DST", () => {
    expect(wholeHourOffsets("Asia/Kolkata", october("Asia/Kolkata"))).toBe(false);
    expect(wholeHourOffsets("Asia/Kathmandu", october("Asia/Kathmandu"))).toBe(false);
    // Lord Howe is +11 in summer and +10:30 in winter: January is whole hours, the day summer time ends is not.
    expect(wholeHourOffsets("Australia/Lord_Howe", cycleBounds("2026-01", "Australia/Lord_Howe"))).toBe(true);
    expect(wholeHourOffsets("Australia/Lord_Howe", dayBounds("2026-04-05", "Australia/Lord_Howe"))).toBe(false);
  });
});
