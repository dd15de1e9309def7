import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { blockedActions, dueTransitions, formatCountdown, nextEvent, onOverdueStart, type MachineInstance } from "./machine";
import { DAY_MS, HOUR_MS, POLICIES, policyFor } from "./policies";
import { paygStops, suspensionQuota } from "@/lib/billing/overdue-quota";
import { assertCanPurchase, assertCanRenew, assertInstanceAllows } from "./guards";
import type { Instance } from "@/db/schema";

const T = new Date("2026-03-02T00:00:00Z");
const plus = (ms: number) => new Date(T.getTime() + ms);
const inst = (v: Partial<MachineInstance>): MachineInstance => ({
  id: "i", billingMethod: "payg", status: "active", statusSince: T, createdAt: new Date("2026-01-01T00:00:00Z"),
  expiresAt: null, autoRenew: false, releasedAt: null, attributes: {}, ...v,
});

describe("overdue state machine", () => {
  it("Container Registry is restricted at the overdue instant and released 168 h later", () => {
    const cr = POLICIES.restrict;
    expect(onOverdueStart(inst({ billingMethod: "subscription" }), cr, "account", T)).toMatchObject({ from: "active", to: "restricted", at: T });
    // Not by the quota trigger: that one is for pay-as-you-go that stops.
    expect(onOverdueStart(inst({ billingMethod: "subscription" }), cr, "quota", T)).toBeNull();
    const restricted = inst({ billingMethod: "subscription", status: "restricted" });
    expect(dueTransitions(restricted, cr, plus(167 * HOUR_MS))).toEqual([]);
    expect(dueTransitions(restricted, cr, plus(168 * HOUR_MS))).toEqual([expect.objectContaining({ from: "restricted", to: "released", at: plus(168 * HOUR_MS) })]);
    expect(blockedActions(restricted, cr, true)).toEqual(expect.arrayContaining(["create", "deploy", "restart", "change-spec"]));
    expect(blockedActions(restricted, cr, true)).not.toContain("use");
  });

  it("Cloud Phone pay-as-you-go stops by the quota trigger and is released 15 days later; subscriptions are unaffected", () => {
    const cp = POLICIES["stop-payg"];
    expect(onOverdueStart(inst({}), cp, "quota", T)).toMatchObject({ to: "overdue" });
    expect(onOverdueStart(inst({}), cp, "account", T)).toBeNull();
    expect(onOverdueStart(inst({ billingMethod: "subscription" }), cp, "quota", T)).toBeNull();
    // A resource created after the instant is not stopped retroactively.
    expect(onOverdueStart(inst({ createdAt: plus(HOUR_MS) }), cp, "quota", T)).toBeNull();
    const stopped = inst({ status: "overdue" });
    expect(nextEvent(stopped, cp)).toMatchObject({ to: "released", at: plus(15 * DAY_MS) });
    expect(blockedActions(stopped, cp, true)).toContain("use");
  });

  it("Image Search: quota used up or expiry without renewal → expired, then released 15 days later, in one run if late", () => {
    const is = policyFor("prepaid-package");
    const usedUp = plus(5 * HOUR_MS);
    const pkg = inst({ billingMethod: "subscription", expiresAt: plus(60 * DAY_MS), attributes: { quotaUsedUpAt: usedUp.toISOString() } });
    expect(dueTransitions(pkg, is, plus(4 * HOUR_MS))).toEqual([]);
    expect(dueTransitions(pkg, is, plus(20 * DAY_MS)).map((t) => [t.from, t.to, t.at])).toEqual([
      ["active", "expired", usedUp],
      ["expired", "released", new Date(usedUp.getTime() + 15 * DAY_MS)],
    ]);
    // Auto-renewed packages do not expire by date; quota still ends them.
    expect(nextEvent(inst({ billingMethod: "subscription", expiresAt: T, autoRenew: true }), is)).toBeNull();
    expect(nextEvent(inst({ billingMethod: "subscription", expiresAt: T }), is)).toMatchObject({ to: "expired", at: T });
  });

  it("any expired subscription is retained 15 days, then released; released is final", () => {
    for (const key of Object.keys(POLICIES)) {
      const p = POLICIES[key];
      expect(nextEvent(inst({ status: "expired", billingMethod: "subscription" }), p)).toMatchObject({ to: "released", at: plus(15 * DAY_MS) });
      expect(nextEvent(inst({ status: "released" }), p)).toBeNull();
    }
  });

  it("transitions are time-ordered and never leave released (property)", () => {
    const statuses = ["active", "restricted", "overdue", "expired", "released"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(POLICIES)), fc.constantFrom(...statuses), fc.constantFrom("payg", "subscription", "free"), fc.integer({ min: 0, max: 60 * 24 }), (key, status, method, hours) => {
        const ts = dueTransitions(inst({ status, billingMethod: method as never }), POLICIES[key], plus(hours * HOUR_MS));
        for (let i = 1; i < ts.length; i++) expect(ts[i].at >= ts[i - 1].at).toBe(true);
        for (const t of ts) expect(t.at <= plus(hours * HOUR_MS)).toBe(true);
        if (status === "released") expect(ts).toEqual([]);
        expect(ts.filter((t) => t.to === "released").length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("formats countdowns", () => {
    expect(formatCountdown(T, plus(6 * DAY_MS + 23 * HOUR_MS + 59 * 60_000))).toBe("6d 23h");
    expect(formatCountdown(T, plus(3 * HOUR_MS + 5 * 60_000))).toBe("3h 05m");
    expect(formatCountdown(T, T)).toBe("due now");
  });
});

describe("extended suspension quota", () => {
  it("is a quarter of last cycle's pay-as-you-go spend, rounded to cents", () => {
    expect(suspensionQuota(["100.00", "33.33"]).toFixed(2)).toBe("33.33");
    expect(suspensionQuota(["0.02"]).toFixed(2)).toBe("0.01");
    expect(suspensionQuota([]).toFixed(2)).toBe("0.00");
  });
  it("pay-as-you-go stops only when the amount beyond the credit limit passes the quota", () => {
    expect(paygStops("60", "50", "10")).toBe(false);
    expect(paygStops("60.01", "50", "10")).toBe(true);
    expect(paygStops("0.01", "0", "0")).toBe(true);
    expect(paygStops("0", "0", "0")).toBe(false);
  });
});

describe("refusals", () => {
  const overdue = { id: "acme", overdueSince: T };
  const fine = { id: "acme", overdueSince: null };
  it("refuses purchases and renewals while overdue with a 409 naming the instant", () => {
    expect(() => assertCanPurchase(overdue)).toThrow(/overdue since 2026-03-02T00:00:00.000Z/);
    expect(() => assertCanRenew(overdue)).toThrowError(expect.objectContaining({ status: 409 }));
    expect(() => assertCanPurchase(fine)).not.toThrow();
  });
  it("refuses what a resource's state blocks", () => {
    const cr = { ...inst({ billingMethod: "subscription", status: "restricted" }), name: "reg" } as unknown as Instance;
    expect(() => assertInstanceAllows(overdue, cr, "restrict", "deploy")).toThrow(/restricted: deploy is refused/);
    expect(() => assertInstanceAllows(fine, { ...cr, status: "active" }, "restrict", "deploy")).not.toThrow();
  });
});
