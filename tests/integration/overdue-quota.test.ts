// The extended suspension quota (lib/billing/overdue-quota.ts) by time travel: it is
// recomputed from last cycle's pay-as-you-go spend and keeps pay-as-you-go
// Cloud Phones running while the overdue amount stays within it; Container
// Registry is restricted at the overdue instant regardless.
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { topUp } from "@/lib/data/top-ups";
import { dec, sum } from "@/lib/money";
import { useTestDatabase } from "./db";
import { fixtures } from "./overdue-fixtures";

process.env.BILLING_TEST_CLOCK = "1";

describe("extended suspension quota", () => {
  const t = useTestDatabase();
  const f = fixtures(t);
  beforeAll(async () => {
    await loadCatalog(f.db(), await readCatalogFile());
  });

  it("keeps the phone running until the overdue amount passes a quarter of February's spend", async () => {
    const a = await f.account({ balance: "280.00", prefix: "quota" });
    await f.phone(a.id, new Date("2026-02-01T00:00:00Z"));
    await f.instance(a.id, { id: "cr", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", createdAt: new Date("2026-02-01T00:00:00Z"), expiresAt: new Date("2027-02-01T00:00:00Z") });

    // February: 167 four-hour periods fell due in it (the last one's due at 1 March 00:00) × 1.62 = 270.54.
    await f.clock(a.caller, new Date("2026-03-01T01:00:00Z"));
    const feb = (await f.lines(a.id)).filter((l) => l.billingCycle === "2026-02");
    expect(sum(feb.map((l) => l.pretaxAmount)).toFixed(2)).toBe("270.54");
    expect((await f.acc(a.id)).overdueSince).toBeNull();

    await f.clock(a.caller, new Date("2026-03-12T00:00:00Z"));
    const acc = await f.acc(a.id);
    // Quota = round(0.25 × 270.54) = 67.64 (half-up).
    expect(dec(acc.suspensionQuota).toFixed(2)).toBe("67.64");
    // 9.46 was left: five 1 March periods (00:00–16:00) take 8.10, the one due at 20:00 leaves 0.26 unpaid:
    // overdue at that period's due instant, and the registry is restricted at once.
    expect(acc.overdueSince?.toISOString()).toBe("2026-03-01T20:00:00.000Z");
    // …and released 168 h later, while the phone was still inside the quota.
    expect(await f.history(a.id, "cr")).toEqual([
      ["active", "restricted", "2026-03-01T20:00:00.000Z"],
      ["restricted", "released", "2026-03-08T20:00:00.000Z"],
    ]);
    // 0.26 + 41 × 1.62 = 66.68 ≤ 67.64 still runs; the 42nd period (due 8 March 20:00) makes 68.30 > 67.64: the phone stops then.
    expect(acc.paygStoppedSince?.toISOString()).toBe("2026-03-08T20:00:00.000Z");
    expect(await f.history(a.id, "cp")).toEqual([["active", "overdue", "2026-03-08T20:00:00.000Z"]]);
    const march = (await f.lines(a.id)).filter((l) => l.billingCycle === "2026-03");
    // Eight full days (the last period ended at the stop instant); nothing after.
    expect(march.map((l) => [l.billDate, l.pretaxAmount])).toEqual(["01", "02", "03", "04", "05", "06", "07", "08"].map((d) => [`2026-03-${d}`, "9.720000"]));
    expect(sum(march.map((l) => l.outstandingAmount)).toFixed(2)).toBe("68.30");
    expect((await f.balance(a.id)).toFixed(2)).toBe("0.00");

    // Paying it all ends overdue and the pay-as-you-go stop together.
    await topUp(a.caller, { amount: "68.30", idempotencyKey: "all" });
    const paid = await f.acc(a.id);
    expect([paid.overdueSince, paid.paygStoppedSince]).toEqual([null, null]);
    expect((await f.get(a.id, "cp")).status).toBe("active");
    expect(sum((await f.ledger(a.id)).map((e) => e.amount)).toFixed(2)).toBe("0.00");
  });
});
