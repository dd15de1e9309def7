import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec, roundMoney } from "@/lib/money";
import { addMonths } from "../cycle";
import { changeDifference, orderAmount, unsubscribeRefund } from "./subscription";

const at = (iso: string) => new Date(iso);
const fixed = (o: Record<string, { toFixed(n: number): string }>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.toFixed(2)]));

describe("subscription orders", () => {
  it("prices monthly × months × instances, with a 12-month term discount", () => {
    // Cloud Phone acp.std.large, Chinese mainland, 21.3353/month, 5 instances.
    // 3 months: 21.3353 × 3 × 5 = 320.0295 → 320.03.
    expect(fixed({ ...orderAmount({ monthlyPrice: "21.3353", months: 3, instances: 5 }) })).toEqual({ original: "320.03", discount: "0.00", payable: "320.03" });
    // 12 months at 15% off: 1280.118 → 1280.12; 15% of 1280.118 = 192.0177 → 192.02; 1280.12 − 192.02 = 1088.10.
    expect(fixed({ ...orderAmount({ monthlyPrice: "21.3353", months: 12, instances: 5, discountRate: "0.15" }) })).toEqual({ original: "1280.12", discount: "192.02", payable: "1088.10" });
    // Image Search 5M/10, one month: 2,900.00.
    expect(orderAmount({ monthlyPrice: "2900", months: 1, instances: 1 }).payable.toFixed(2)).toBe("2900.00");
  });

  it("payable is original − discount, so the line reconciles even when rounding disagrees", () => {
    // 0.83375 × 12 = 10.005 → 10.01; 15% = 1.50075 → 1.50; payable 8.51 (not round(8.50425) = 8.50).
    expect(fixed({ ...orderAmount({ monthlyPrice: "0.83375", months: 12, instances: 1, discountRate: "0.15" }) })).toEqual({ original: "10.01", discount: "1.50", payable: "8.51" });
    expect(() => orderAmount({ monthlyPrice: "1", months: 5, instances: 1 })).toThrow(RangeError);
    expect(() => orderAmount({ monthlyPrice: "1", months: 1, instances: 0 })).toThrow(RangeError);
  });

  it("upgrades Image Search 2.5M/5 → 5M/10 half-way through a 30-day month", () => {
    // (2,900 − 800) × 15 days / 30 days = 1,050.00 to pay.
    const term = { termStart: at("2025-06-01T00:00:00Z"), termEnd: at("2025-07-01T00:00:00Z") };
    const up = changeDifference({ oldValue: "800", newValue: "2900", at: at("2025-06-16T00:00:00Z"), ...term });
    expect([up.amount.toFixed(2), up.kind, up.remainingSeconds, up.termSeconds]).toEqual(["1050.00", "pay", 1_296_000, 2_592_000]);
    // The reverse is refunded.
    const down = changeDifference({ oldValue: "2900", newValue: "800", at: at("2025-06-16T00:00:00Z"), ...term });
    expect([down.amount.toFixed(2), down.kind]).toEqual(["-1050.00", "refund"]);
    // To the second: 07:13:29 later leaves 1,269,991 s → 2100 × 1269991 / 2592000 = 1028.9278… → 1028.93.
    expect(changeDifference({ oldValue: "800", newValue: "2900", at: at("2025-06-16T07:13:29Z"), ...term }).amount.toFixed(2)).toBe("1028.93");
    expect(changeDifference({ oldValue: "800", newValue: "800", at: at("2025-06-16T00:00:00Z"), ...term }).kind).toBe("none");
  });

  it("refunds unused whole days when unsubscribing on day 10 of a 3-month term", () => {
    // Term 1 Jan → 1 Apr 2025 = 90 days; on 10 Jan 15:00, 80 whole days are unused
    // (day 10 counts as used). 320.03 × 80 / 90 = 284.4711… → 284.47.
    const termStart = at("2025-01-01T00:00:00Z");
    const termEnd = addMonths(termStart, 3);
    const r = unsubscribeRefund({ cashPaid: "320.03", termStart, termEnd, at: at("2025-01-10T15:00:00Z") });
    expect([r.refund.toFixed(2), r.unusedDays, r.termDays]).toEqual(["284.47", 80, 90]);
    // Before the term starts everything is refunded; after it ends nothing.
    expect(unsubscribeRefund({ cashPaid: "320.03", termStart, termEnd, at: at("2024-12-31T00:00:00Z") }).refund.toFixed(2)).toBe("320.03");
    expect(unsubscribeRefund({ cashPaid: "320.03", termStart, termEnd, at: at("2025-04-02T00:00:00Z") }).refund.toFixed(2)).toBe("0.00");
  });

  const money = fc.integer({ min: 0, max: 100_000_000 }).map((c) => dec(c).div(10_000));
  const start = fc.integer({ min: 0, max: 365 * 86400 }).map((s) => new Date(at("2025-01-01T00:00:00Z").getTime() + s * 1000));

  it("orders: 0 ≤ discount ≤ original, payable = original − discount, all in cents", () => {
    fc.assert(
      fc.property(money, fc.constantFrom(1, 2, 3, 6, 12), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (price, months, n, pct) => {
        const o = orderAmount({ monthlyPrice: price, months, instances: n, discountRate: dec(pct).div(100) });
        expect(o.payable.equals(o.original.minus(o.discount))).toBe(true);
        expect(o.discount.gte(0) && o.discount.lte(o.original)).toBe(true);
        for (const v of [o.original, o.discount, o.payable]) expect(v.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
  });

  it("changes and refunds stay within what the term is worth", () => {
    fc.assert(
      fc.property(money, money, start, fc.constantFrom(1, 2, 3, 6, 12), fc.double({ min: -0.2, max: 1.2, noNaN: true }), fc.constantFrom("UTC", "Europe/Berlin", "Asia/Shanghai"), (oldV, newV, s, months, frac, tz) => {
        const termStart = s;
        const termEnd = addMonths(s, months, tz);
        const when = new Date(termStart.getTime() + Math.round((termEnd.getTime() - termStart.getTime()) * frac));
        const c = changeDifference({ oldValue: oldV, newValue: newV, termStart, termEnd, at: when });
        expect(c.amount.abs().lte(roundMoney(newV.minus(oldV).abs()))).toBe(true);
        expect(changeDifference({ oldValue: oldV, newValue: newV, termStart, termEnd, at: when })).toEqual(c);
        const cash = oldV.toDecimalPlaces(2);
        const r = unsubscribeRefund({ cashPaid: cash, termStart, termEnd, at: when, tz });
        expect(r.refund.gte(0) && r.refund.lte(cash)).toBe(true);
        expect(r.unusedDays).toBeLessThanOrEqual(r.termDays);
      }),
    );
  });
});
