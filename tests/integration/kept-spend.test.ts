// The alerts' spend readers and the outstanding of the console shell and the
// overdue status read the kept totals: on a history of several cycles, days,
// products, methods and line types (a late adjustment dated in an earlier
// cycle, 6-dp amounts that round, paid and unpaid lines) they answer exactly
// what summing the lines answers.
import { beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { query } from "@/db/client";
import { accounts, billLines } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { keepLineTotals } from "@/lib/billing/line-totals";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { uniq, useTestDatabase } from "./db";
import { insertBillLines } from "./lines";
import { expectSpendEqualsLines } from "./spend-from-lines";

type Line = typeof billLines.$inferInsert;

describe("spend and outstanding from the kept totals", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("kept-spend");
  const PRODUCTS = [
    { productId: "oss", item: "oss.storage", detail: "Standard" },
    { productId: "nat-gateway", item: "nat-gateway.instance", detail: "NAT" },
    { productId: "eip", item: "eip.instance", detail: "EIP" },
  ];
  const TYPES = [
    { lineType: "usage", billingMethod: "payg" },
    { lineType: "usage", billingMethod: "payg" },
    { lineType: "subscription", billingMethod: "subscription" },
    { lineType: "refund", billingMethod: "subscription" },
    { lineType: "adjustment", billingMethod: "payg" },
  ] as const;

  const line = (i: number, cycle: string, billDate: string, over: Partial<Line> = {}): Line => {
    const p = PRODUCTS[i % PRODUCTS.length];
    const k = TYPES[i % TYPES.length];
    // 6-dp amounts whose 2-dp rounding differs from the raw sum; refunds negative.
    const amount = ((k.lineType === "refund" ? -1 : 1) * (0.004 + (i % 37) * 0.123457)).toFixed(6);
    const outstanding = k.lineType === "refund" || i % 3 === 0 ? "0" : (Math.abs(Number(amount)) * (i % 2 ? 1 : 0.5)).toFixed(2);
    return {
      accountId: A, id: `l-${cycle}-${i}`, billingCycle: cycle, billDate, lineType: k.lineType, productId: p.productId, productDetail: p.detail,
      instanceId: `${p.productId}-${i % 4}`, instanceName: `i${i % 4}`, regionId: i % 2 ? "cn-hangzhou" : "eu-central-1", billingMethod: k.billingMethod,
      billableItemId: p.item, usageQuantity: "1", usageUnit: "hour", unitPrice: "0", priceUnit: "USD/hour", originalAmount: amount, pretaxAmount: amount,
      outstandingAmount: outstanding, currency: "USD", dueAt: new Date(`${billDate}T00:00:00Z`), ratedAt: new Date(`${billDate}T01:00:00Z`), ...over,
    };
  };

  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Kept spend", timeZone: "UTC" });
    const rows: Line[] = [];
    for (const [cycle, days] of [["2026-09", 30], ["2026-10", 31], ["2026-11", 12]] as const) {
      for (let i = 0; i < 160; i++) rows.push(line(i, cycle, `${cycle}-${String((i % days) + 1).padStart(2, "0")}`));
    }
    // Late: billed in November for days of October (the forecast's window reaches back into them).
    for (let i = 0; i < 6; i++) rows.push(line(i * 5 + 4, "2026-11", `2026-10-${26 + i}`, { id: `late-${i}` }));
    await insertBillLines(db(), rows);
  });

  const instants = ["2026-11-01T00:00:00Z", "2026-11-03T10:00:00Z", "2026-11-12T23:59:00Z", "2026-10-31T12:00:00Z"].map((s) => new Date(s));
  const check = async () => {
    const [account] = await db().select().from(accounts).where(eq(accounts.id, A));
    return expectSpendEqualsLines(db(), account, instants, ["2026-09", "2026-10", "2026-11"], PRODUCTS.map((p) => p.productId));
  };

  it("the forecast, cycle totals, available credit and the outstanding equal the sums over the lines", async () => {
    const owed = await check();
    expect(Number(owed)).toBeGreaterThan(0); // something is outstanding: the comparison is not of zeros
  });

  it("still equal once the account is overdue and some lines are paid off", async () => {
    await db().update(accounts).set({ overdueSince: new Date("2026-11-05T00:00:00Z") }).where(eq(accounts.id, A));
    const paid = (await query<{ id: string }>(db(), sql`SELECT id FROM bill_lines WHERE account_id = ${A} AND outstanding_amount > 0 ORDER BY id LIMIT 40`)).map((r) => r.id);
    await keepLineTotals(db(), A, paid, () =>
      db().execute(sql`UPDATE bill_lines SET paid_from_balance = outstanding_amount, outstanding_amount = 0
        WHERE account_id = ${A} AND id IN (${sql.join(paid.map((id) => sql`${id}`), sql`, `)})`),
    );
    await check();
  });
});
