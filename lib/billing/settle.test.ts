import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type Decimal from "decimal.js";
import { dec, sum } from "@/lib/money";
import { settleLine, settleOutstandingOldestFirst, type Coupon, type ResourcePlan, type SettleInput, type Voucher } from "./settle";

const at = (iso: string) => new Date(iso);
const JAN = at("2025-01-01T00:00:00Z");
const DEC = at("2025-12-31T00:00:00Z");
const c2 = (d: Decimal) => d.toFixed(2);

describe("settling a line", () => {
  // An OSS storage line: 50 GB-month, pretax 12.34, falling due on 10 June 2025.
  const line: SettleInput = {
    pretax: "12.34",
    quantity: "50",
    product: "oss",
    item: "storage",
    at: at("2025-06-10T00:00:00Z"),
    plans: [
      { id: "plan-traffic", product: "oss", item: "traffic", remaining: dec("500"), validFrom: JAN, validTo: DEC }, // other item
      { id: "plan-storage", product: "oss", item: "storage", remaining: dec("20"), validFrom: JAN, validTo: DEC },
    ],
    coupons: [
      { id: "c-expired", products: null, percentOff: dec("50"), remaining: dec("100"), validFrom: JAN, validTo: at("2025-06-01T00:00:00Z") },
      { id: "c-ecs", products: ["ecs"], percentOff: dec("50"), remaining: dec("100"), validFrom: JAN, validTo: DEC },
      { id: "c-10", products: ["oss"], percentOff: dec("10"), remaining: dec("0.50"), validFrom: JAN, validTo: DEC },
    ],
    vouchers: [
      { id: "v-july", products: null, remaining: dec("2.00"), validFrom: JAN, validTo: at("2025-07-01T00:00:00Z") },
      { id: "v-mid-june", products: null, remaining: dec("3.00"), validFrom: JAN, validTo: at("2025-06-15T00:00:00Z") },
    ],
    balance: "1.50",
  };

  it("applies plans, coupons, vouchers, balance in order and leaves the rest outstanding", () => {
    const r = settleLine(line);
    // Plan covers 20 of 50 GB: round(12.34 × 20 / 50) = round(4.936) = 4.94; left 7.40.
    expect([c2(r.deductedByResourcePlan), r.coveredQuantity.toFixed()]).toEqual(["4.94", "20"]);
    // Only c-10 applies (c-expired expired, c-ecs other product): 10 % of 7.40 = 0.74, capped at 0.50; left 6.90.
    expect(r.couponUses.map((u) => [u.id, c2(u.amount)])).toEqual([["c-10", "0.50"]]);
    // Vouchers oldest expiry first: mid-June 3.00, then July 2.00; left 1.90.
    expect(r.voucherUses.map((u) => [u.id, c2(u.amount)])).toEqual([["v-mid-june", "3.00"], ["v-july", "2.00"]]);
    // Balance pays all it has, 1.50; 0.40 outstanding; no overdraft → overdue.
    expect([c2(r.paidFromBalance), c2(r.outstanding), c2(r.balance), r.overdue]).toEqual(["1.50", "0.40", "0.00", true]);
    // 4.94 + 0.50 + 5.00 + 1.50 + 0.40 = 12.34
    expect(sum([r.deductedByResourcePlan, r.deductedByCoupons, r.deductedByVouchers, r.paidFromBalance, r.outstanding]).toFixed(2)).toBe("12.34");
    // Updated instruments; the inputs are untouched.
    expect(r.plans.map((p) => p.remaining.toFixed())).toEqual(["500", "0"]);
    expect(r.coupons.map((c) => c.remaining.toFixed(2))).toEqual(["100.00", "100.00", "0.00"]);
    expect(r.vouchers.map((v) => v.remaining.toFixed(2))).toEqual(["0.00", "0.00"]);
    expect(line.vouchers[0].remaining.toFixed(2)).toBe("2.00");
  });

  it("an amount-off coupon takes its amount (capped by what is left) and stops at its usage limit", () => {
    const base = { ...line, plans: [], vouchers: [], balance: "100" };
    const fixed: Coupon = { id: "c-fixed", products: ["oss"], percentOff: dec(0), amountOff: dec("5.00"), remaining: dec("20"), usageLimit: 2, timesUsed: 1, validFrom: JAN, validTo: DEC };
    const r = settleLine({ ...base, coupons: [fixed] });
    // 5.00 off the 12.34 line, then the balance pays 7.34; that was its second and last use.
    expect([c2(r.deductedByCoupons), c2(r.paidFromBalance), r.coupons[0].timesUsed, c2(r.coupons[0].remaining)]).toEqual(["5.00", "7.34", 2, "15.00"]);
    const spent = settleLine({ ...base, coupons: r.coupons });
    expect([c2(spent.deductedByCoupons), c2(spent.paidFromBalance)]).toEqual(["0.00", "12.34"]);
    // Never more than the line itself.
    const small = settleLine({ ...base, pretax: "3.10", coupons: [{ ...fixed, timesUsed: 0 }] });
    expect([c2(small.deductedByCoupons), c2(small.paidFromBalance)]).toEqual(["3.10", "0.00"]);
  });

  it("a voucher scoped to other products is not used", () => {
    const r = settleLine({ ...line, plans: [], coupons: [], balance: "0", vouchers: [{ id: "v-ecs", products: ["ecs"], remaining: dec("50"), validFrom: JAN, validTo: DEC }] });
    expect([c2(r.deductedByVouchers), c2(r.outstanding)]).toEqual(["0.00", "12.34"]);
  });

  it("is not overdue within the credit limit", () => {
    expect(settleLine({ ...line, creditLimit: "100" }).overdue).toBe(false);
    expect(settleLine({ ...line, creditLimit: "100", outstandingBefore: "99.70" }).overdue).toBe(true);
  });

  it("a fully covered quantity deducts the whole amount; a Cloud Phone period is paid from balance", () => {
    const covered = settleLine({ ...line, plans: [{ ...line.plans[1], remaining: dec("80") }] });
    expect([c2(covered.deductedByResourcePlan), c2(covered.outstanding), covered.voucherUses.length]).toEqual(["12.34", "0.00", 0]);
    // acp.std.large × 5, one 4-hour period: 1.62 from a 10.00 balance.
    const phone = settleLine({ pretax: "1.62", quantity: "20", product: "cloudphone", item: "instance", at: at("2025-03-10T13:00:00Z"), plans: [], coupons: [], vouchers: [], balance: "10" });
    expect([c2(phone.paidFromBalance), c2(phone.balance), c2(phone.outstanding), phone.overdue]).toEqual(["1.62", "8.38", "0.00", false]);
  });

  it("never takes a negative balance below where it is", () => {
    const r = settleLine({ ...line, plans: [], coupons: [], vouchers: [], balance: "-5" });
    expect([c2(r.paidFromBalance), c2(r.balance), c2(r.outstanding)]).toEqual(["0.00", "-5.00", "12.34"]);
    expect(() => settleLine({ ...line, pretax: "-1" })).toThrow(RangeError);
    expect(() => settleLine({ ...line, pretax: "1.234" })).toThrow(RangeError);
  });

  it("a top-up pays the oldest outstanding lines first", () => {
    const lines = [
      { id: "b", dueAt: at("2025-06-02T00:00:00Z"), outstanding: dec("5.00") },
      { id: "a", dueAt: at("2025-06-01T00:00:00Z"), outstanding: dec("3.00") },
      { id: "c", dueAt: at("2025-06-03T00:00:00Z"), outstanding: dec("4.00") },
    ];
    const r = settleOutstandingOldestFirst(lines, "6.50");
    expect(r.payments.map((p) => [p.id, c2(p.amount)])).toEqual([["a", "3.00"], ["b", "3.50"]]);
    expect(r.lines.map((l) => [l.id, c2(l.outstanding)])).toEqual([["b", "1.50"], ["a", "0.00"], ["c", "4.00"]]);
    expect([c2(r.used), c2(r.left)]).toEqual(["6.50", "0.00"]);
    expect(c2(settleOutstandingOldestFirst(lines, "20").left)).toBe("8.00");
  });

  // ---- properties ----
  const cents = (max: number) => fc.integer({ min: 0, max }).map((c) => dec(c).div(100));
  const day = fc.integer({ min: 0, max: 60 }).map((d) => new Date(at("2025-05-15T00:00:00Z").getTime() + d * 86400_000));
  const validity = fc.tuple(day, day).map(([a, b]) => (a <= b ? { validFrom: a, validTo: b } : { validFrom: b, validTo: a }));
  const products = fc.option(fc.subarray(["oss", "ecs"], { minLength: 1 }), { nil: null });
  const plan = fc.record({ id: fc.uuid(), product: fc.constantFrom("oss", "ecs"), item: fc.constantFrom("storage", "traffic"), remaining: fc.integer({ min: 0, max: 200_000_000 }).map((q) => dec(q).div(1_000_000)), v: validity }).map(({ v, ...p }): ResourcePlan => ({ ...p, ...v }));
  const coupon = fc
    .record({
      id: fc.uuid(),
      products,
      percentOff: fc.integer({ min: 0, max: 100 }).map((x) => dec(x)),
      // Some coupons take a fixed amount instead, and some have a usage limit.
      amountOff: fc.option(cents(3000), { nil: null }),
      remaining: cents(5000),
      usageLimit: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      timesUsed: fc.integer({ min: 0, max: 3 }),
      v: validity,
    })
    .map(({ v, ...c }): Coupon => ({ ...c, ...v }));
  const voucher = fc.record({ id: fc.uuid(), products, remaining: cents(5000), v: validity }).map(({ v, ...x }): Voucher => ({ ...x, ...v }));
  const shuffled = <T,>(arb: fc.Arbitrary<T[]>) => arb.chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length })));
  const scenario = fc.record({
    pretax: cents(20000),
    quantity: fc.integer({ min: 0, max: 300_000_000 }).map((q) => dec(q).div(1_000_000)), // quantities keep 6 dp
    at: day,
    plans: shuffled(fc.array(plan, { maxLength: 4 })),
    coupons: shuffled(fc.array(coupon, { maxLength: 4 })),
    vouchers: shuffled(fc.array(voucher, { maxLength: 4 })),
    balance: cents(20000),
  });

  it("pretax = plan + coupons + vouchers + balance + outstanding; nothing goes negative; order and re-runs do not matter", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = (k: 0 | 1): SettleInput => ({ pretax: s.pretax, quantity: s.quantity, product: "oss", item: "storage", at: s.at, plans: s.plans[k], coupons: s.coupons[k], vouchers: s.vouchers[k], balance: s.balance });
        const r = settleLine(input(0));
        const parts = [r.deductedByResourcePlan, r.deductedByCoupons, r.deductedByVouchers, r.paidFromBalance, r.outstanding];
        expect(sum(parts).equals(s.pretax)).toBe(true);
        for (const p of parts) expect(p.lt(0) || p.decimalPlaces() > 2).toBe(false);
        for (const x of [...r.plans, ...r.coupons, ...r.vouchers]) expect(x.remaining.lt(0)).toBe(false);
        expect(r.balance.lt(0)).toBe(false);
        // What the instruments lost is exactly what they paid.
        expect(sum(s.coupons[0].map((c) => c.remaining)).minus(sum(r.coupons.map((c) => c.remaining))).equals(r.deductedByCoupons)).toBe(true);
        expect(sum(s.vouchers[0].map((v) => v.remaining)).minus(sum(r.vouchers.map((v) => v.remaining))).equals(r.deductedByVouchers)).toBe(true);
        expect(sum(s.plans[0].map((p) => p.remaining)).minus(sum(r.plans.map((p) => p.remaining))).equals(r.coveredQuantity)).toBe(true);
        expect(s.balance.minus(r.balance).equals(r.paidFromBalance)).toBe(true);
        // A coupon is used at most once per line, never past its usage limit, and counts each use.
        for (const c of r.coupons) {
          const was = s.coupons[0].find((x) => x.id === c.id)!;
          const used = r.couponUses.filter((u) => u.id === c.id).length;
          expect(used).toBeLessThanOrEqual(1);
          expect(c.timesUsed).toBe((was.timesUsed ?? 0) + used);
          if (used && was.usageLimit != null) expect(was.timesUsed ?? 0).toBeLessThan(was.usageLimit);
          if (used && was.amountOff != null) expect(r.couponUses.find((u) => u.id === c.id)!.amount.lte(was.amountOff)).toBe(true);
        }
        // Balance only pays once vouchers are used up; outstanding only once the balance is.
        if (r.outstanding.gt(0)) expect(r.balance.isZero()).toBe(true);
        // Shuffled instruments and a re-run give the same deductions.
        const again = settleLine(input(1));
        const pick = (x: typeof r) => [x.deductedByResourcePlan, x.deductedByCoupons, x.deductedByVouchers, x.paidFromBalance, x.outstanding, x.planUses, x.couponUses, x.voucherUses].map(String);
        expect(pick(again)).toEqual(pick(r));
        expect(settleLine(input(0))).toEqual(r);
      }),
    );
  });

  it("top-ups pay oldest first, never more than owed or than the amount", () => {
    const outstandingLines = fc.uniqueArray(fc.record({ id: fc.uuid(), dueAt: day, outstanding: cents(5000) }), { selector: (l) => l.id, maxLength: 10 });
    fc.assert(
      fc.property(outstandingLines, cents(30000), (ls, amount) => {
        const r = settleOutstandingOldestFirst(ls, amount);
        const owed = sum(ls.map((l) => l.outstanding));
        expect(r.used.equals(owed.lt(amount) ? owed : amount)).toBe(true);
        expect(r.used.plus(r.left).equals(amount)).toBe(true);
        expect(sum(r.lines.map((l) => l.outstanding)).equals(owed.minus(r.used))).toBe(true);
        // No line is left owing while a later one got paid.
        const order = (l: { dueAt: Date; id: string }) => [l.dueAt.getTime(), l.id] as const;
        const stillOwing = r.lines.filter((l) => l.outstanding.gt(0)).map(order);
        for (const p of r.payments) {
          const line = ls.find((l) => l.id === p.id)!;
          for (const o of stillOwing) expect(o[0] < order(line)[0] || (o[0] === order(line)[0] && o[1] < line.id)).toBe(false);
        }
      }),
    );
  });
});
