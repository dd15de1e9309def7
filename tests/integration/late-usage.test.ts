// Usage that arrives after its day's line was settled: the settled line stays
// as it was, and the difference is billed once as an adjustment line, due when
// rated. Worked by hand from the seed's NAT Gateway price, 0.0436 USD/hour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { query } from "@/db/client";
import { billLines, bills } from "@/db/schema";
import { POST } from "@/app/api/v1/usage/route";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { topUp } from "@/lib/data/top-ups";
import { dec, sum } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

describe("late usage", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("late");
  let key = "";
  const BASE = "nat-1|nat-gateway.instance";

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-02-03T00:00:00Z"));
    await loadCatalog(db(), await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Late", timeZone: "UTC" });
    await topUp(OPERATOR, { amount: "100", at: new Date("2026-01-01T00:00:00Z") }, A);
    key = (await createApiKey(OPERATOR, { accountId: A, name: "metering", role: "admin" })).key;
    await registerInstance(OPERATOR, { id: "nat-1", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat", createdAt: "2026-01-01T00:00:00Z" }, A);
  });
  afterAll(() => setSystemClock(realClock));

  /** Hourly NAT Gateway records for hours [from, to) of a UTC day. */
  const hours = (day: string, from: number, to: number, prefix = "h") =>
    Array.from({ length: to - from }, (_, i) => {
      const start = new Date(`${day}T00:00:00Z`).getTime() + (from + i) * 3_600_000;
      return { id: `${prefix}-${day}-${from + i}`, instanceId: "nat-1", item: "instance", quantity: "1", start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString() };
    });
  async function ingest(records: unknown[]) {
    const res = await POST(
      new Request("http://x/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ records }) }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(200);
    return res.json();
  }
  const jobs = (now: string) => {
    setSystemClock(fixedClock(now));
    return runJobs(db(), { now: new Date(now), accountIds: [A] });
  };
  const lines = () => db().select().from(billLines).where(eq(billLines.accountId, A)).orderBy(asc(billLines.id));
  const line = async (id: string) => (await lines()).find((l) => l.id === id);
  async function reconciles() {
    const [{ s }] = await query<{ s: string }>(db(), sql`select coalesce(sum(amount), 0)::text as s from ledger_entries where account_id = ${A}`);
    const ls = await lines();
    // Balance = Σ ledger = the top-up less what lines paid from it; every settled line's parts add up.
    expect(dec(s).toFixed(2)).toBe(dec(100).minus(sum(ls.map((l) => l.paidFromBalance))).toFixed(2));
    for (const l of ls.filter((l) => l.settledAt)) expect(dec(l.paidFromBalance).plus(l.outstandingAmount).toFixed(2)).toBe(dec(l.pretaxAmount).toFixed(2));
    return dec(s);
  }

  it("rates and settles a day, then bills late records for it as one adjustment line; re-running changes nothing", async () => {
    // 10 hours on 1 Feb and 4 on 31 Jan, rated and settled on 3 Feb.
    await ingest([...hours("2026-02-01", 0, 10), ...hours("2026-01-31", 0, 4)]);
    await jobs("2026-02-03T00:00:00Z");
    const settled = await line(`${BASE}|2026-02-01`);
    // 10 × 0.0436 = 0.436 → 0.44, paid from the balance when the day ended.
    expect(settled).toMatchObject({ lineType: "usage", usageQuantity: "10.000000", pretaxAmount: "0.440000", paidFromBalance: "0.440000", settledAt: new Date("2026-02-02T00:00:00Z") });
    expect(await reconciles()).toEqual(dec("99.39")); // 100 − 0.44 − round(4 × 0.0436 = 0.1744)

    // Five more hours of 1 Feb arrive late, with one of 3 Feb.
    setSystemClock(fixedClock("2026-02-04T00:00:00Z"));
    expect(await ingest([...hours("2026-02-01", 10, 15), ...hours("2026-02-03", 0, 1)])).toEqual({ accepted: 6, duplicates: 0 });
    await jobs("2026-02-04T00:00:00Z");

    // The settled line is untouched …
    expect(await line(`${BASE}|2026-02-01`)).toEqual(settled);
    // … and the difference is one adjustment: round(15 × 0.0436 = 0.654) − 0.44 = 0.21, not round(5 × 0.0436) = 0.22.
    const adjustments = (await lines()).filter((l) => l.lineType === "adjustment");
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0]).toMatchObject({
      id: `${BASE}|2026-02-01|late|1`,
      billingCycle: "2026-02",
      billDate: "2026-02-01",
      billId: "bill-2026-02-nat-gateway-payg",
      instanceId: "nat-1",
      billableItemId: "nat-gateway.instance",
      usageQuantity: "5.000000",
      unitPrice: "0.043600",
      pretaxAmount: "0.210000",
      paidFromBalance: "0.210000",
      dueAt: new Date("2026-02-04T00:00:00Z"),
      settledAt: new Date("2026-02-04T00:00:00Z"),
    });
    expect(adjustments[0].productDetail).toMatch(/late usage for 2026-02-01$/);
    // 3 Feb is an ordinary line: 0.0436 → 0.04.
    expect(await line(`${BASE}|2026-02-03`)).toMatchObject({ lineType: "usage", pretaxAmount: "0.040000" });
    expect(await reconciles()).toEqual(dec("99.14"));

    // The same instant again, and a re-sent late record: nothing changes.
    const snapshot = await lines();
    expect(await ingest(hours("2026-02-01", 10, 11))).toEqual({ accepted: 0, duplicates: 1 });
    await jobs("2026-02-04T00:00:00Z");
    expect(await lines()).toEqual(snapshot);
    // A later instant without new usage: still nothing new.
    await jobs("2026-02-04T06:00:00Z");
    expect((await lines()).filter((l) => l.lineType === "adjustment")).toHaveLength(1);
    expect(await reconciles()).toEqual(dec("99.14"));
  });

  it("bills a second late arrival as the next adjustment, for what the first did not cover", async () => {
    await ingest(hours("2026-02-01", 15, 24));
    await jobs("2026-02-05T00:00:00Z");
    const adj = (await lines()).filter((l) => l.id.startsWith(`${BASE}|2026-02-01|late|`));
    // 24 × 0.0436 = 1.0464 → 1.05; already billed 0.44 + 0.21.
    expect(adj.map((l) => [l.id.split("|").at(-1), l.pretaxAmount, l.usageQuantity])).toEqual([
      ["1", "0.210000", "5.000000"],
      ["2", "0.400000", "9.000000"],
    ]);
    expect(await reconciles()).toEqual(dec("98.74"));
  });

  it("puts the correction of a closed cycle into the cycle it is rated in, leaving the closed bill as it was", async () => {
    const january = await db().select().from(billLines).where(and(eq(billLines.accountId, A), eq(billLines.billingCycle, "2026-01")));
    const [bill] = await db().select().from(bills).where(and(eq(bills.accountId, A), eq(bills.billingCycle, "2026-01")));
    expect(bill.status).toBe("closed");
    await ingest(hours("2026-01-31", 4, 6));
    await jobs("2026-02-06T00:00:00Z");
    expect(await db().select().from(billLines).where(and(eq(billLines.accountId, A), eq(billLines.billingCycle, "2026-01")))).toEqual(january);
    // round(6 × 0.0436 = 0.2616) − round(0.1744) = 0.26 − 0.17.
    expect(await line(`${BASE}|2026-01-31|late|1`)).toMatchObject({
      lineType: "adjustment",
      billingCycle: "2026-02",
      billDate: "2026-02-06",
      billId: "bill-2026-02-nat-gateway-payg",
      pretaxAmount: "0.090000",
      usageQuantity: "2.000000",
      settledAt: new Date("2026-02-06T00:00:00Z"),
    });
    expect((await line(`${BASE}|2026-01-31|late|1`))!.productDetail).toMatch(/late usage for 2026-01-31$/);
    expect(await reconciles()).toEqual(dec("98.65"));
  });
});
