import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import { dueTransitions, nextEvent, onOverdueStart, type MachineInstance } from "@/lib/overdue/machine";
import { POLICIES } from "@/lib/overdue/policies";
import { CAUSE_KEYS, causeWords } from "./causes";

const T = new Date("2026-11-01T00:00:00Z");
const inst = (over: Partial<MachineInstance>): MachineInstance =>
  ({ id: "i", status: "active", statusSince: T, createdAt: new Date("2026-01-01T00:00:00Z"), billingMethod: "payg", expiresAt: null, autoRenew: false, releasedAt: null, attributes: {}, ...over }) as MachineInstance;

describe("recorded causes in the catalogue", () => {
  it("every cause key is worded in the catalogue", () => {
    for (const key of CAUSE_KEYS) expect(en.cause, key).toHaveProperty(key);
  });

  it("recognises every sentence the overdue rules write", () => {
    const causes = new Set<string>();
    for (const policy of Object.values(POLICIES)) {
      for (const rule of Object.values(policy.overdue)) if (rule) causes.add(rule.cause);
      for (const billingMethod of ["payg", "subscription", "free"] as const) {
        const start = onOverdueStart(inst({ billingMethod }), policy, Object.values(policy.overdue)[0]?.trigger ?? "account", T);
        if (start) causes.add(start.cause);
        for (const status of ["restricted", "overdue", "expired"] as const) {
          const e = nextEvent(inst({ billingMethod, status }), policy);
          if (e) causes.add(e.cause);
        }
      }
      const pkg = nextEvent(inst({ billingMethod: "subscription", expiresAt: new Date("2026-12-01T00:00:00Z"), attributes: { quotaUsedUpAt: "2026-11-15T00:00:00Z" } }), policy);
      if (pkg) causes.add(pkg.cause);
      const expiring = inst({ billingMethod: "subscription", expiresAt: new Date("2026-11-02T00:00:00Z") });
      for (const t of dueTransitions(expiring, { ...policy, expiresOnQuotaUsedUp: true }, new Date("2027-01-01T00:00:00Z"))) causes.add(t.cause);
    }
    expect(causes.size).toBeGreaterThan(4);
    for (const c of causes) expect(causeWords(c), c).not.toBeNull();
  });

  it("takes the values out of lifecycle sentences and leaves unknown ones alone", () => {
    expect(causeWords("overdue for 15 days: suspended and released, data deleted")).toEqual({ key: "overdueReleased", values: { amount: "15", unit: "days" } });
    expect(causeWords("upgrade acp.std.small → acp.std.large (order 202611100001)")).toEqual({
      key: "specChanged", values: { type: "upgrade", from: "acp.std.small", to: "acp.std.large", orderNo: "202611100001" },
    });
    expect(causeWords("renewed until 2027-01-01T00:00:00.000Z (order 42)")?.values).toEqual({ until: "2027-01-01T00:00:00.000Z", orderNo: "42" });
    expect(causeWords("something new")).toBeNull();
  });
});
