import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec } from "@/lib/money";
import { crossingInstant } from "./crossing";

const T0 = Date.UTC(2026, 2, 1);

describe("crossingInstant", () => {
  it("golden: the charge that takes the running total to the limit gives the instant; never after now", () => {
    const charges = [1, 2, 3].map((h) => ({ amount: dec("5.00"), dueAt: new Date(T0 + h * 3_600_000) }));
    expect(crossingInstant(charges, "10.00", new Date(T0 + 10 * 3_600_000))?.toISOString()).toBe("2026-03-01T02:00:00.000Z");
    expect(crossingInstant(charges, "10.01", new Date(T0 + 10 * 3_600_000))?.toISOString()).toBe("2026-03-01T03:00:00.000Z");
    expect(crossingInstant(charges, "15.01", new Date(T0 + 10 * 3_600_000))).toBeNull();
    expect(crossingInstant(charges, "1", new Date(T0 + 1800_000))?.toISOString()).toBe("2026-03-01T00:30:00.000Z");
  });

  it("is the first prefix that reaches the limit, with refunds (negative charges) in the running total", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -500, max: 2000 }), { maxLength: 30 }), fc.integer({ min: 1, max: 20000 }), (cents, limitCents) => {
        const charges = cents.map((c, i) => ({ amount: dec(c).div(100), dueAt: new Date(T0 + i * 60_000) }));
        const now = new Date(T0 + 365 * 86_400_000);
        const at = crossingInstant(charges, dec(limitCents).div(100), now);
        let run = 0;
        const first = cents.findIndex((c) => (run += c) >= limitCents);
        expect(at?.getTime() ?? null).toBe(first < 0 ? null : T0 + first * 60_000);
      }),
    );
  });
});
