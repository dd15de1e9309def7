// The per-product overdue timelines (docs/billing-rules.md#timelines-per-product) by time travel through the
// test clock, on whichever database the run uses; each case checks states and
// their recorded transitions, bill lines and the ledger.
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { GET as overdueGET } from "@/app/api/v1/account/overdue/route";
import { OPERATOR } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { topUp } from "@/lib/data/top-ups";
import { dec, sum } from "@/lib/money";
import { insertUsageRows } from "@/db/seed/insert-usage";
import { useTestDatabase } from "./db";
import { DAY, fixtures, HOUR } from "./overdue-fixtures";

process.env.BILLING_TEST_CLOCK = "1";

// A phone created at 02:00 with no money: its first period (1.62) falls due at
// 06:00 and makes the account overdue then.
const CREATED = new Date("2026-03-01T02:00:00Z");
const O = new Date("2026-03-01T06:00:00Z");
const at = (ms: number) => new Date(O.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();

describe("overdue timelines", () => {
  const t = useTestDatabase();
  const f = fixtures(t);
  beforeAll(async () => {
    await loadCatalog(f.db(), await readCatalogFile());
  });

  async function overdueAccount() {
    const a = await f.account();
    await f.phone(a.id, CREATED);
    await f.instance(a.id, { id: "cr", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", createdAt: CREATED, expiresAt: new Date("2027-03-01T00:00:00Z") });
    return a;
  }

  it("Container Registry: restricted at +1 h, still at +167 h, released at +169 h (168 h after overdue)", async () => {
    const a = await overdueAccount();
    await f.clock(a.caller, at(1 * HOUR));
    expect((await f.acc(a.id)).overdueSince?.toISOString()).toBe(O.toISOString());
    expect(await f.get(a.id, "cr")).toMatchObject({ status: "restricted", releasedAt: null });

    await f.clock(a.caller, at(167 * HOUR));
    expect((await f.get(a.id, "cr")).status).toBe("restricted");
    // The API shows the same: amount, since when, and per resource what is refused and the release 1 h away.
    const { key } = await createApiKey(OPERATOR, { accountId: a.id, name: "viewer", role: "viewer" });
    const res = await (overdueGET as (r: Request, c: { params: Promise<object> }) => Promise<Response>)(
      new Request("http://localhost/api/v1/account/overdue", { headers: { authorization: `Bearer ${key}` } }),
      { params: Promise.resolve({}) },
    );
    const body = (await res.json()) as { asOf: string; overdue: unknown; resources: { id: string; status: string; blocked: string[]; next: { status: string; at: string } | null }[] };
    expect(body.asOf).toBe(iso(167 * HOUR));
    expect(body.overdue).toEqual({ since: O.toISOString(), amount: "1.62" });
    const byId = Object.fromEntries(body.resources.map((r) => [r.id, r]));
    expect(byId.cr).toMatchObject({ status: "restricted", next: { status: "released", at: iso(168 * HOUR) } });
    expect(byId.cr.blocked).toEqual(expect.arrayContaining(["deploy", "restart", "change-spec"]));
    expect(byId.cp).toMatchObject({ status: "overdue", next: { status: "released", at: iso(15 * DAY) } });
    expect(byId.cp.blocked).toContain("use");

    await f.clock(a.caller, at(169 * HOUR));
    const cr = await f.get(a.id, "cr");
    expect(cr.status).toBe("released");
    expect(cr.releasedAt?.toISOString()).toBe(iso(168 * HOUR));
    expect(await f.history(a.id, "cr")).toEqual([
      ["active", "restricted", O.toISOString()],
      ["restricted", "released", iso(168 * HOUR)],
    ]);
    // The subscription registry has no lines of its own; the phone stopped at the overdue instant.
    expect(await f.lines(a.id, "cr")).toHaveLength(0);
    const phoneLines = await f.lines(a.id, "cp");
    expect(phoneLines.map((l) => [l.billDate, l.pretaxAmount, l.outstandingAmount])).toEqual([["2026-03-01", "1.620000", "1.620000"]]);
    // No money ever came in: the ledger is empty and the balance is zero.
    expect(await f.ledger(a.id)).toHaveLength(0);
  });

  it("Container Registry: a top-up at +100 h lifts the restriction and it is never released", async () => {
    const a = await overdueAccount();
    await f.clock(a.caller, at(100 * HOUR));
    expect((await f.get(a.id, "cr")).status).toBe("restricted");
    await topUp(a.caller, { amount: "50.00", idempotencyKey: "k1" });
    expect((await f.acc(a.id)).overdueSince).toBeNull();
    expect((await f.get(a.id, "cr")).status).toBe("active");

    await f.clock(a.caller, at(200 * HOUR));
    expect(await f.get(a.id, "cr")).toMatchObject({ status: "active", releasedAt: null });
    expect(await f.history(a.id, "cr")).toEqual([
      ["active", "restricted", O.toISOString()],
      ["restricted", "active", iso(100 * HOUR)],
    ]);
    // Every line is paid; the balance is the ledger sum: 50 − what the lines took from it.
    const ls = await f.lines(a.id);
    expect(ls.every((l) => dec(l.outstandingAmount).isZero())).toBe(true);
    const paid = sum(ls.map((l) => l.paidFromBalance));
    expect((await f.balance(a.id)).toFixed(2)).toBe(dec(50).minus(paid).toFixed(2));
    expect(sum((await f.ledger(a.id)).map((e) => e.amount)).toFixed(2)).toBe((await f.balance(a.id)).toFixed(2));
  });

  it("Cloud Phone pay-as-you-go: billing stops at the overdue instant; released on day 16", async () => {
    const a = await overdueAccount();
    await f.clock(a.caller, at(1 * HOUR));
    const p = await f.get(a.id, "cp");
    expect(p.status).toBe("overdue");
    expect(p.statusSince.toISOString()).toBe(O.toISOString());

    // Day 15 (14 days 23 h after the overdue instant): still kept, still not billed.
    await f.clock(a.caller, at(15 * DAY - HOUR));
    expect((await f.get(a.id, "cp")).status).toBe("overdue");
    // Day 16.
    await f.clock(a.caller, at(15 * DAY + HOUR));
    const gone = await f.get(a.id, "cp");
    expect(gone.status).toBe("released");
    expect(gone.releasedAt?.toISOString()).toBe(iso(15 * DAY));
    expect(await f.history(a.id, "cp")).toEqual([
      ["active", "overdue", O.toISOString()],
      ["overdue", "released", iso(15 * DAY)],
    ]);
    // Nothing was billed after the overdue instant, not even up to the release.
    const ls = await f.lines(a.id, "cp");
    expect(ls.map((l) => [l.billDate, l.pretaxAmount])).toEqual([["2026-03-01", "1.620000"]]);
    // Only the 4 hours up to the overdue instant, × 5 instances.
    expect(ls[0].usageQuantity).toBe("20.000000");
    expect((await f.balance(a.id)).toFixed(2)).toBe("0.00");
  });

  it("Cloud Phone: a top-up on day 14 reactivates it and billing restarts with a new period", async () => {
    const a = await overdueAccount();
    const topUpAt = at(13 * DAY + 5 * HOUR);
    await f.clock(a.caller, topUpAt);
    const r = await topUp(a.caller, { amount: "100.00", idempotencyKey: "day14" });
    expect(r).toMatchObject({ settledLines: 1, settledAmount: "1.62", balance: "98.38", replayed: false });
    const p = await f.get(a.id, "cp");
    expect(p.status).toBe("active");
    expect(p.billingAnchorAt.toISOString()).toBe(topUpAt.toISOString());

    await f.clock(a.caller, at(17 * DAY));
    expect((await f.get(a.id, "cp")).status).toBe("active");
    expect(await f.history(a.id, "cp")).toEqual([
      ["active", "overdue", O.toISOString()],
      ["overdue", "active", topUpAt.toISOString()],
    ]);
    // New lines exist only from the new anchor on, and they are paid from the balance.
    const ls = await f.lines(a.id, "cp");
    const fresh = ls.filter((l) => l.id.endsWith(topUpAt.toISOString()));
    expect(fresh.length).toBeGreaterThan(0);
    expect(ls.filter((l) => !fresh.includes(l)).map((l) => l.billDate)).toEqual(["2026-03-01"]);
    // 4 days after the anchor: 24 whole periods of 1.62 have fallen due by day 17 at 06:00, each settled at its
    // due instant (∑ over their day lines, including today's, which is still open but fully paid).
    expect(sum(fresh.map((l) => l.pretaxAmount)).toFixed(2)).toBe(dec("1.62").times(Math.floor((at(17 * DAY).getTime() - topUpAt.getTime()) / (4 * HOUR))).toFixed(2));
    expect(fresh.every((l) => dec(l.outstandingAmount).isZero())).toBe(true);
    const entries = await f.ledger(a.id);
    expect(sum(entries.map((e) => e.amount)).toFixed(2)).toBe((await f.balance(a.id)).toFixed(2));
    expect((await f.balance(a.id)).toFixed(2)).toBe(dec("98.38").minus(sum(fresh.map((l) => l.paidFromBalance))).toFixed(2));
  });

  it("Image Search: package quota used up → retained 15 days, then released", async () => {
    const a = await f.account({ balance: "10.00" });
    const usedUp = new Date("2026-04-03T08:00:00Z");
    await f.instance(a.id, {
      id: "is", productId: "image-search", spec: "2.5m-5", regionId: "cn-shanghai", billingMethod: "subscription",
      createdAt: new Date("2026-04-01T00:00:00Z"), expiresAt: new Date("2026-07-01T00:00:00Z"),
    });
    // Metered images indexed reach the 2.5M quota with the record that ends at `usedUp`.
    await insertUsageRows(f.db(), [
      { accountId: a.id, id: "idx-1", instanceId: "is", itemId: "image-search.images-indexed", quantity: "2000000", startAt: new Date("2026-04-02T00:00:00Z"), endAt: new Date("2026-04-02T00:00:00Z"), attributes: null },
      { accountId: a.id, id: "idx-2", instanceId: "is", itemId: "image-search.images-indexed", quantity: "500000", startAt: new Date("2026-04-03T06:00:00Z"), endAt: usedUp, attributes: null },
    ]);
    await f.clock(a.caller, new Date("2026-04-03T07:00:00Z"));
    expect((await f.get(a.id, "is")).status).toBe("active");
    await f.clock(a.caller, new Date(usedUp.getTime() + HOUR));
    expect(await f.get(a.id, "is")).toMatchObject({ status: "expired", releasedAt: null });
    await f.clock(a.caller, new Date(usedUp.getTime() + 15 * DAY - HOUR));
    expect((await f.get(a.id, "is")).status).toBe("expired");
    await f.clock(a.caller, new Date(usedUp.getTime() + 15 * DAY + HOUR));
    const is = await f.get(a.id, "is");
    expect(is.status).toBe("released");
    expect(is.releasedAt?.toISOString()).toBe(new Date(usedUp.getTime() + 15 * DAY).toISOString());
    expect(await f.history(a.id, "is")).toEqual([
      ["active", "expired", usedUp.toISOString()],
      ["expired", "released", new Date(usedUp.getTime() + 15 * DAY).toISOString()],
    ]);
    // A prepaid package: no lines, and the balance is untouched.
    expect(await f.lines(a.id)).toHaveLength(0);
    expect((await f.balance(a.id)).toFixed(2)).toBe("10.00");
    expect((await f.acc(a.id)).overdueSince).toBeNull();
  });

  it("A subscription that expired without renewal is released after its 15-day retention", async () => {
    const a = await f.account();
    const expiredAt = new Date("2026-05-10T00:00:00Z");
    // The lifecycle sets it expired (with its own state change); retention → release is ours.
    await f.instance(a.id, { id: "cp-sub", productId: "cloud-phone", spec: "acp.std.small", regionId: "cn-hangzhou", billingMethod: "subscription", createdAt: new Date("2026-04-10T00:00:00Z"), expiresAt: expiredAt, status: "expired", statusSince: expiredAt });
    await f.clock(a.caller, new Date(expiredAt.getTime() + 15 * DAY - HOUR));
    expect((await f.get(a.id, "cp-sub")).status).toBe("expired");
    await f.clock(a.caller, new Date(expiredAt.getTime() + 15 * DAY + HOUR));
    expect(await f.get(a.id, "cp-sub")).toMatchObject({ status: "released", releasedAt: new Date(expiredAt.getTime() + 15 * DAY) });
    expect(await f.lines(a.id)).toHaveLength(0);
    expect(await f.ledger(a.id)).toHaveLength(0);
  });

  it("An overdue amount inside the credit limit changes nothing", async () => {
    const a = await f.account({ creditLimit: "100.00" });
    await f.phone(a.id, CREATED);
    await f.instance(a.id, { id: "cr", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", createdAt: CREATED, expiresAt: new Date("2027-03-01T00:00:00Z") });
    // Three days: 3 × 6 periods × 1.62 ≈ 29 outstanding, well inside 100.
    await f.clock(a.caller, new Date("2026-03-04T02:00:00Z"));
    const ls = await f.lines(a.id);
    const owed = sum(ls.map((l) => l.outstandingAmount));
    expect(owed.gt(0)).toBe(true);
    expect(owed.lte(100)).toBe(true);
    expect((await f.acc(a.id)).overdueSince).toBeNull();
    expect((await f.get(a.id, "cp")).status).toBe("active");
    expect((await f.get(a.id, "cr")).status).toBe("active");
    expect(await f.history(a.id, "cp")).toEqual([]);
    // Billing went on past what a stop would have cut: lines for 3 March exist.
    expect(ls.some((l) => l.billDate === "2026-03-03")).toBe(true);
    expect(await f.ledger(a.id)).toHaveLength(0);
  });
});
