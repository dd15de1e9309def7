// The read API through its route handlers: bill lines (filters, hide zero,
// group by, statistic item and period, keyset pagination with ties, totals),
// bills, one bill, and the account's money — with two accounts whose lines
// share ids, so any leak across tenants shows up in counts and sums.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Requests without a key must not find a session either.
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, eq } from "drizzle-orm";
import { GET as accountGET } from "@/app/api/v1/account/route";
import { GET as billLinesGET } from "@/app/api/v1/bill-lines/route";
import { GET as billGET } from "@/app/api/v1/bills/[id]/route";
import { GET as billsGET } from "@/app/api/v1/bills/route";
import { GET as openapiGET } from "@/app/api/v1/openapi.json/route";
import { accounts, billLines, bills, coupons, ledgerEntries, orders, vouchers } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { dec, sum } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";
import { insertBillLines } from "./lines";

const NOW = "2026-11-10T00:00:00Z";
const AMOUNT_KEYS = [
  "pretaxGrossAmount",
  "invoiceDiscount",
  "pretaxAmount",
  "deductedByResourcePackage",
  "deductedByCoupons",
  "deductedByCashCoupons",
  "paymentAmount",
  "outstandingAmount",
] as const;
const COLUMN_OF: Record<(typeof AMOUNT_KEYS)[number], keyof typeof billLines.$inferInsert> = {
  pretaxGrossAmount: "originalAmount",
  invoiceDiscount: "discountAmount",
  pretaxAmount: "pretaxAmount",
  deductedByResourcePackage: "deductedByResourcePlan",
  deductedByCoupons: "deductedByCoupons",
  deductedByCashCoupons: "deductedByVouchers",
  paymentAmount: "paidFromBalance",
  outstandingAmount: "outstandingAmount",
};

type Line = typeof billLines.$inferInsert;
type Row = Record<string, unknown> & { id: string };
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const day = (d: number) => `2026-10-${String(d).padStart(2, "0")}`;

function line(accountId: string, l: Partial<Line> & Pick<Line, "id" | "billDate" | "productId" | "instanceId" | "billableItemId">): Line {
  return {
    accountId,
    billingCycle: l.billDate.slice(0, 7),
    lineType: "usage",
    productDetail: l.productId,
    instanceName: l.instanceId,
    regionId: "cn-hangzhou",
    billingMethod: "payg",
    usageQuantity: "1",
    usageUnit: "hour",
    unitPrice: "0",
    priceUnit: "USD/hour",
    originalAmount: "0",
    pretaxAmount: "0",
    currency: "USD",
    dueAt: new Date(`${l.billDate}T23:59:59Z`),
    ratedAt: new Date(NOW),
    ...l,
  };
}

/** Account A's lines: 4 per day for 10 days, a subscription line, a credit, and one in September. */
function linesOf(accountId: string): Line[] {
  const out: Line[] = [];
  for (let d = 1; d <= 10; d++) {
    const unpaid = d >= 9;
    out.push(
      line(accountId, {
        id: `cp-1.${day(d)}`, billDate: day(d), productId: "cloud-phone", productDetail: "Cloud Phone acp.basic.small",
        instanceId: "cp-1", instanceName: "phones", billableItemId: "cloud-phone.instance", usageQuantity: "24", unitPrice: "0.0457",
        originalAmount: "1.10", pretaxAmount: "1.10", paidFromBalance: unpaid ? "0" : "1.10", outstandingAmount: unpaid ? "1.10" : "0",
      }),
      line(accountId, {
        id: `oss-1.storage.${day(d)}`, billDate: day(d), productId: "oss", productDetail: "OSS, Standard", instanceId: "oss-1",
        instanceName: "bucket", regionId: "eu-central-1", billableItemId: "oss.storage", usageQuantity: "10.5", usageUnit: "GB-month",
        unitPrice: "0.02", priceUnit: "USD/GB-month", originalAmount: "0.33", pretaxAmount: "0.33",
        deductedByResourcePlan: d === 1 ? "0.33" : "0", paidFromBalance: d === 1 ? "0" : "0.33",
      }),
      line(accountId, {
        id: `oss-1.egress.${day(d)}`, billDate: day(d), productId: "oss", productDetail: "OSS, Standard", instanceId: "oss-1",
        instanceName: "bucket", regionId: "eu-central-1", billableItemId: "oss.internet-egress", usageQuantity: d % 2 ? "0" : "2.5",
        usageUnit: "GB", unitPrice: "0.5", priceUnit: "USD/GB", originalAmount: d % 2 ? "0" : "1.25", pretaxAmount: d % 2 ? "0" : "1.25",
        paidFromBalance: d % 2 ? "0" : "1.25",
      }),
      line(accountId, {
        id: `crp-1.${day(d)}`, billDate: day(d), productId: "container-registry-personal", productDetail: "Personal Edition",
        instanceId: "crp-1", regionId: "cn-shanghai", billingMethod: "free", billableItemId: "container-registry-personal.instance",
        usageUnit: "month", priceUnit: "USD/month",
      }),
    );
  }
  out.push(
    line(accountId, {
      id: "ord-A1.line", billDate: day(5), lineType: "subscription", productId: "container-registry-enterprise",
      productDetail: "Enterprise Edition Basic", instanceId: "cre-1", billingMethod: "subscription",
      billableItemId: "container-registry-enterprise.instance", usageUnit: "month", unitPrice: "113", priceUnit: "USD/month",
      originalAmount: "113.00", pretaxAmount: "113.00", deductedByVouchers: "13.00", paidFromBalance: "100.00", orderId: "ord-A1",
    }),
    line(accountId, {
      id: "adj-1", billDate: day(10), lineType: "adjustment", productId: "cloud-phone", productDetail: "Cloud Phone acp.basic.small",
      instanceId: "cp-1", instanceName: "phones", billableItemId: "cloud-phone.instance", usageQuantity: "0",
      originalAmount: "-0.50", pretaxAmount: "-0.50", paidFromBalance: "-0.50",
    }),
    line(accountId, {
      id: "cp-1.2026-09-30", billDate: "2026-09-30", productId: "cloud-phone", instanceId: "cp-1", billableItemId: "cloud-phone.instance",
      originalAmount: "7.77", pretaxAmount: "7.77", outstandingAmount: "7.77",
    }),
  );
  return out;
}

const A_LINES = (a: string) => linesOf(a).filter((l) => l.billingCycle === "2026-10");
const sumOf = (ls: Line[], key: (typeof AMOUNT_KEYS)[number]) => sum(ls.map((l) => (l[COLUMN_OF[key]] as string | undefined) ?? "0")).toFixed(2);

describe("read API: bill lines, bills, account", () => {
  const t = useTestDatabase();
  const A = uniq("read-a");
  const B = uniq("read-b");
  let keyA = "";
  let keyB = "";

  async function call(handler: Handler, url: string, key: string | null, params: Record<string, string> = {}) {
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    const res = await handler(new Request(`http://localhost${url}`, { headers }), { params: Promise.resolve(params) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { data: Row[]; nextToken: string | null; totalCount: number; totals: Record<string, string> } };
  }
  const lines = (qs: string, key = keyA) => call(billLinesGET as Handler, `/api/v1/bill-lines?${qs}`, key);

  /** Every page of a listing, following nextToken. */
  async function walk(handler: Handler, base: string, key = keyA, params: Record<string, string> = {}, pick = (b: Record<string, unknown>) => b) {
    const rows: Row[] = [];
    let token: string | null = null;
    let first: Record<string, unknown> | null = null;
    for (let guard = 0; guard < 200; guard++) {
      const url: string = token ? `${base}&nextToken=${encodeURIComponent(token)}` : base;
      const { status, body } = await call(handler, url, key, params);
      expect(status, JSON.stringify(body)).toBe(200);
      const page = pick(body) as { data: Row[]; nextToken: string | null };
      first ??= page;
      rows.push(...page.data);
      token = page.nextToken;
      if (!token) return { rows, first: first as { totalCount: number; totals: Record<string, string> } };
    }
    throw new Error("pagination did not end");
  }

  beforeAll(async () => {
    setSystemClock(fixedClock(NOW));
    const db = t.handle().db;
    await loadCatalog(db, await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Read A", creditLimit: "50.00" });
    await createAccount(OPERATOR, { id: B, name: "Read B" });
    keyA = (await createApiKey(OPERATOR, { accountId: A, name: "reader", role: "viewer" })).key;
    keyB = (await createApiKey(OPERATOR, { accountId: B, name: "reader", role: "finance" })).key;

    // B has lines with the same ids and instance ids as A's: only the account tells them apart.
    await insertBillLines(db, linesOf(A));
    await insertBillLines(
      db,
      linesOf(B)
        .filter((l) => l.productId === "cloud-phone" && l.lineType === "usage")
        .map((l) => ({ ...l, originalAmount: "9.99", pretaxAmount: "9.99", outstandingAmount: "9.99" })),
    );
    const order = (accountId: string, id: string, orderNo: string, at: string, o: Partial<typeof orders.$inferInsert> = {}) => ({
      accountId, id, orderNo, instanceId: "cre-1", productId: "container-registry-enterprise", orderType: "new", months: 1,
      termStart: new Date(at), termEnd: new Date(at), originalAmount: "113.00", payableAmount: "113.00", paidAmount: "113.00",
      status: "paid", createdAt: new Date(at), paidAt: new Date(at), ...o,
    });
    await db.insert(orders).values([
      order(A, "ord-A0", "202609150001", "2026-09-15T00:00:00Z"),
      order(A, "ord-A1", "202610050001", "2026-10-05T08:00:00Z"),
      order(A, "ord-A2", "202610200001", "2026-10-20T12:00:00Z", {
        instanceId: "is-1", productId: "image-search", originalAmount: "300.00", payableAmount: "300.00", paidAmount: "0", status: "unpaid", paidAt: null,
      }),
      order(B, "ord-B1", "202610050001", "2026-10-06T00:00:00Z", { originalAmount: "999.00", payableAmount: "999.00", paidAmount: "0", status: "unpaid" }),
    ]);
    await db.insert(bills).values({
      accountId: A, id: "bill-cp-2026-10", billingCycle: "2026-10", productId: "cloud-phone", billingMethod: "payg",
      billType: "payg", status: "closed", closedAt: new Date("2026-11-01T00:00:00Z"),
    });
    const entry = (accountId: string, id: string, entryType: string, amount: string) => ({ accountId, id, entryType, amount, currency: "USD" as const, at: new Date("2026-10-01T00:00:00Z") });
    await db.insert(ledgerEntries).values([
      entry(A, "l1", "top_up", "500.00"),
      entry(A, "l2", "deduction", "-100.00"),
      entry(A, "l3", "deduction", "-10.45"),
      entry(A, "l4", "adjustment", "0.50"),
      entry(B, "l1", "top_up", "1000.00"),
    ]);
    const span = (from: string, to: string) => ({ validFrom: new Date(from), expiresAt: new Date(to) });
    await db.insert(vouchers).values([
      { accountId: A, id: "v-ok", code: "OK", faceValue: "50.00", remaining: "20.00", ...span("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") },
      { accountId: A, id: "v-expired", code: "OLD", faceValue: "25.00", remaining: "25.00", ...span("2026-01-01T00:00:00Z", "2026-11-01T00:00:00Z") },
      { accountId: A, id: "v-future", code: "SOON", faceValue: "10.00", remaining: "10.00", ...span("2026-12-01T00:00:00Z", "2027-12-01T00:00:00Z") },
      { accountId: A, id: "v-used", code: "USED", faceValue: "10.00", remaining: "0", ...span("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") },
      { accountId: B, id: "v-ok", code: "B", faceValue: "70.00", remaining: "70.00", ...span("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") },
    ]);
    await db.insert(coupons).values([
      { accountId: A, id: "c-ok", code: "PHONE", discountPercent: "20", remaining: "15.00", productIds: ["cloud-phone"], ...span("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") },
      { accountId: A, id: "c-expired", code: "GONE", discountPercent: "10", remaining: "5.00", productIds: [], ...span("2026-01-01T00:00:00Z", "2026-10-01T00:00:00Z") },
    ]);
    await db.update(accounts).set({ overdueSince: new Date("2026-11-01T00:00:00Z") }).where(eq(accounts.id, A));
  });

  afterAll(() => setSystemClock(realClock));

  describe("GET /api/v1/bill-lines", () => {
    it("lists the cycle's lines with every field, amounts as 2-dp strings", async () => {
      const { status, body } = await lines("billingCycle=2026-10&limit=1000");
      expect(status).toBe(200);
      expect(body.totalCount).toBe(A_LINES(A).length);
      expect(body.data).toHaveLength(A_LINES(A).length);
      expect(body.nextToken).toBeNull();
      for (const r of body.data) for (const k of AMOUNT_KEYS) expect(r[k], `${r.id}.${k}`).toMatch(/^-?\d+\.\d{2}$/);
      const sub = body.data.find((r) => r.id === "ord-A1.line")!;
      expect(sub).toMatchObject({
        billingCycle: "2026-10", billingDate: "2026-10-05", productCode: "container-registry-enterprise",
        productName: "Container Registry Enterprise Edition", productDetail: "Enterprise Edition Basic", instanceId: "cre-1",
        region: "cn-hangzhou", regionName: "China (Hangzhou)", billingMethod: "subscription", subscriptionType: "Subscription",
        billableItemId: "container-registry-enterprise.instance", usage: "1", usageUnit: "month", listPrice: "113.000000", listPriceUnit: "USD/month",
        pretaxGrossAmount: "113.00", invoiceDiscount: "0.00", pretaxAmount: "113.00", deductedByResourcePackage: "0.00",
        deductedByCoupons: "0.00", deductedByCashCoupons: "13.00", paymentAmount: "100.00", outstandingAmount: "0.00",
        currency: "USD", orderId: "ord-A1", orderNo: "202610050001", lineType: "subscription", lineCount: 1,
      });
      expect(typeof sub.billableItem).toBe("string");
      const phone = body.data.find((r) => r.id === "cp-1.2026-10-09")!;
      expect(phone).toMatchObject({ subscriptionType: "PayAsYouGo", usage: "24", listPrice: "0.045700", outstandingAmount: "1.10", orderNo: null });
      expect(body.data.find((r) => r.id === "crp-1.2026-10-01")).toMatchObject({ subscriptionType: "Free", pretaxAmount: "0.00" });
      for (const k of AMOUNT_KEYS) expect(body.totals[k], k).toBe(sumOf(A_LINES(A), k));
    });

    it("another account's lines never appear, even with the same ids", async () => {
      const a = await lines("billingCycle=2026-10&instanceId=cp-1&limit=1000");
      expect(a.body.totalCount).toBe(11);
      expect(a.body.totals.pretaxAmount).toBe("10.50");
      const b = await lines("billingCycle=2026-10&limit=1000", keyB);
      expect(b.body.totalCount).toBe(10);
      expect(b.body.totals.pretaxAmount).toBe("99.90");
      expect(b.body.data.every((r) => r.pretaxAmount === "9.99")).toBe(true);
    });

    it("cursor pagination walks every row exactly once, with ties in the sort key", async () => {
      const expected = A_LINES(A).map((l) => l.id).sort();
      for (const sort of ["pretaxAmount:desc", "pretaxAmount", "billingDate", "productCode:desc", "region", "outstandingAmount:desc"]) {
        const { rows, first } = await walk(billLinesGET as Handler, `/api/v1/bill-lines?billingCycle=2026-10&limit=7&sort=${sort}`);
        expect(rows.map((r) => r.id).sort(), sort).toEqual(expected);
        expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
        // Totals are over all rows, and equal the sum of every page's rows to the cent.
        for (const k of AMOUNT_KEYS) expect(sum(rows.map((r) => r[k] as string)).toFixed(2), `${sort} ${k}`).toBe(first.totals[k]);
        expect(first.totalCount).toBe(expected.length);
        const [field, dir] = sort.split(":");
        const values = rows.map((r) => r[field === "region" ? "region" : field] as string);
        for (let i = 1; i < values.length; i++) {
          const cmp = field.endsWith("Amount") ? dec(values[i - 1]).comparedTo(values[i]) : values[i - 1] < values[i] ? -1 : values[i - 1] > values[i] ? 1 : 0;
          expect(dir === "desc" ? cmp >= 0 : cmp <= 0, `${sort} at ${i}`).toBe(true);
        }
      }
    });

    it("pagination also walks aggregated rows, one per page", async () => {
      const { rows, first } = await walk(billLinesGET as Handler, "/api/v1/bill-lines?billingCycle=2026-10&statisticItem=product&granularity=DAILY&limit=1&sort=pretaxAmount");
      expect(rows).toHaveLength(first.totalCount);
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      expect(sum(rows.map((r) => r.pretaxAmount as string)).toFixed(2)).toBe(sumOf(A_LINES(A), "pretaxAmount"));
    });

    it("filters: multi-select by repetition or commas, product detail with a comma, region, item", async () => {
      const all = A_LINES(A);
      const count = async (qs: string) => (await lines(`billingCycle=2026-10&limit=1000&${qs}`)).body.totalCount;
      expect(await count("billingMethod=payg,free")).toBe(all.filter((l) => l.billingMethod !== "subscription").length);
      expect(await count("billingMethod=payg&billingMethod=subscription")).toBe(all.filter((l) => l.billingMethod !== "free").length);
      expect(await count("productId=oss")).toBe(20);
      expect(await count(`productDetail=${encodeURIComponent("OSS, Standard")}`)).toBe(20);
      expect(await count("regionId=cn-shanghai")).toBe(10);
      expect(await count("billableItemId=oss.storage,cloud-phone.instance")).toBe(21);
      expect(await count("instanceId=cp-1&billingDate=2026-10-10")).toBe(2);
      expect(await count("productId=oss&instanceId=cp-1")).toBe(0);
    });

    it("isHideZeroCharge hides lines whose pretax amount is 0", async () => {
      const { body } = await lines("billingCycle=2026-10&limit=1000&isHideZeroCharge=true");
      const nonZero = A_LINES(A).filter((l) => !dec(l.pretaxAmount).isZero());
      expect(body.totalCount).toBe(nonZero.length);
      expect(body.data.some((r) => r.pretaxAmount === "0.00")).toBe(false);
      expect(body.totals.pretaxAmount).toBe(sumOf(nonZero, "pretaxAmount"));
    });

    it("groupBy aggregates by one dimension with sums", async () => {
      const { body } = await lines("billingCycle=2026-10&granularity=MONTHLY&groupBy=productId&sort=productCode");
      expect(body.data.map((r) => r.productCode)).toEqual(["cloud-phone", "container-registry-enterprise", "container-registry-personal", "oss"]);
      for (const r of body.data) {
        const group = A_LINES(A).filter((l) => l.productId === r.productCode);
        expect(r.lineCount).toBe(group.length);
        for (const k of AMOUNT_KEYS) expect(r[k], `${r.productCode} ${k}`).toBe(sumOf(group, k));
      }
      const oss = body.data.find((r) => r.productCode === "oss")!;
      // Shared by every line of the group → shown; mixed → null (units cannot be summed across items).
      expect(oss).toMatchObject({ region: "eu-central-1", billingDate: null, billableItemId: null, usage: null, usageUnit: null });
      const byMethod = await lines("billingCycle=2026-10&granularity=MONTHLY&groupBy=billingMethod");
      expect(byMethod.body.data.map((r) => r.billingMethod).sort()).toEqual(["free", "payg", "subscription"]);
      const daily = await lines("billingCycle=2026-10&groupBy=productId&limit=1000");
      expect(daily.body.totalCount).toBe(31); // phone, oss and personal on 10 days each + enterprise once
    });

    it("statistic item instance / product and granularity MONTHLY", async () => {
      const byInstance = await lines("billingCycle=2026-10&statisticItem=instance&granularity=MONTHLY");
      const phone = byInstance.body.data.find((r) => r.instanceId === "cp-1")!;
      expect(phone).toMatchObject({ lineCount: 11, usage: "240", usageUnit: "hour", pretaxAmount: "10.50", outstandingAmount: "2.20", instanceName: "phones" });
      expect(byInstance.body.totalCount).toBe(4);
      const monthlyLines = await lines("billingCycle=2026-10&granularity=MONTHLY&statisticItem=line&instanceId=cp-1");
      // The usage days merge into one row; the adjustment stays its own row.
      expect(monthlyLines.body.data.map((r) => [r.lineType, r.lineCount, r.pretaxAmount])).toEqual(
        expect.arrayContaining([["usage", 10, "11.00"], ["adjustment", 1, "-0.50"]]),
      );
      const byProductDaily = await lines("billingCycle=2026-10&statisticItem=product&instanceId=cp-1&limit=100");
      expect(byProductDaily.body.totalCount).toBe(10);
      expect(byProductDaily.body.data.find((r) => r.billingDate === "2026-10-10")).toMatchObject({ lineCount: 2, pretaxAmount: "0.60" });
      for (const r of [...byInstance.body.data, ...byProductDaily.body.data]) expect(r.id).toMatch(/^g_[0-9a-f]{32}$/);
    });

    it("bad parameters are a 400 naming the parameter", async () => {
      const cases: [string, RegExp][] = [
        ["", /billingCycle/],
        ["billingCycle=2026-13", /billingCycle/],
        ["billingCycle=2026-10&limit=0", /limit/],
        ["billingCycle=2026-10&limit=1001", /limit/],
        ["billingCycle=2026-10&limit=ten", /limit/],
        ["billingCycle=2026-10&granularity=HOURLY", /granularity/],
        ["billingCycle=2026-10&statisticItem=region", /statisticItem/],
        ["billingCycle=2026-10&groupBy=color", /groupBy/],
        ["billingCycle=2026-10&billingMethod=monthly", /billingMethod/],
        ["billingCycle=2026-10&isHideZeroCharge=maybe", /isHideZeroCharge/],
        ["billingCycle=2026-10&sort=price", /sort/],
        ["billingCycle=2026-10&sort=pretaxAmount:up", /sort/],
        ["billingCycle=2026-10&billingDate=2026-11-01", /billingDate/],
        ["billingCycle=2026-10&nextToken=garbage", /nextToken/],
      ];
      for (const [qs, param] of cases) {
        const { status, body } = await lines(qs);
        expect(status, qs).toBe(400);
        expect((body.error as { code: string; message: string }).message, qs).toMatch(param);
      }
      // A token continues only the listing it came from.
      const first = await lines("billingCycle=2026-10&limit=2&sort=pretaxAmount");
      const other = await lines(`billingCycle=2026-10&limit=2&sort=billingDate&nextToken=${first.body.nextToken}`);
      expect(other.status).toBe(400);
    });

    it("no key is a 401, a bad key too", async () => {
      expect((await lines("billingCycle=2026-10", null as unknown as string)).status).toBe(401);
      expect((await lines("billingCycle=2026-10", "bk_not_a_key")).status).toBe(401);
      expect((await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10", null)).status).toBe(401);
      expect((await call(accountGET as Handler, "/api/v1/account", null)).status).toBe(401);
      expect((await call(billGET as Handler, "/api/v1/bills/ord-A1", null, { id: "ord-A1" })).status).toBe(401);
    });
  });

  describe("GET /api/v1/bills and /bills/{id}", () => {
    it("lists pay-as-you-go bills per product and the cycle's orders", async () => {
      const { status, body } = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10", keyA);
      expect(status).toBe(200);
      expect(body.data.map((r) => r.id)).toEqual(["bill-cp-2026-10", "payg-2026-10-oss", "ord-A1", "ord-A2"]);
      expect(body.data[0]).toMatchObject({ billType: "payg", status: "closed", productCode: "cloud-phone", lineCount: 11, pretaxAmount: "10.50", outstandingAmount: "2.20", orderNo: null, currency: "USD" });
      expect(body.data[1]).toMatchObject({ billType: "payg", status: "open", productCode: "oss", lineCount: 20, pretaxAmount: "9.55", deductedByResourcePackage: "0.33" });
      expect(body.data[2]).toMatchObject({ billType: "subscription", orderNo: "202610050001", orderType: "new", status: "paid", billingCycle: "2026-10", paymentAmount: "113.00", outstandingAmount: "0.00", deductedByCoupons: null });
      expect(body.data[3]).toMatchObject({ orderNo: "202610200001", status: "unpaid", pretaxAmount: "300.00", paymentAmount: "0.00", outstandingAmount: "300.00" });
      expect(body.totalCount).toBe(4);
      expect(body.totals.pretaxAmount).toBe("433.05");
      expect(body.totals.outstandingAmount).toBe("302.20");
    });

    it("searches an exact order number, filters by type, and paginates", async () => {
      const hit = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10&orderNo=202610050001", keyA);
      expect(hit.body.data.map((r) => r.id)).toEqual(["ord-A1"]); // B's order with the same number stays B's
      const partial = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10&orderNo=20261005", keyA);
      expect(partial.body.totalCount).toBe(0);
      const payg = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10&type=payg", keyA);
      expect(payg.body.data.map((r) => r.billType)).toEqual(["payg", "payg"]);
      // An order type matches too: both of October's orders are new purchases, none a renewal.
      const newOrders = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10&type=new", keyA);
      expect(newOrders.body.data.map((r) => r.id)).toEqual(["ord-A1", "ord-A2"]);
      const renewals = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10&type=renewal", keyA);
      expect(renewals.body.totalCount).toBe(0);
      const { rows } = await walk(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10&limit=1");
      expect(rows.map((r) => r.id)).toEqual(["bill-cp-2026-10", "payg-2026-10-oss", "ord-A1", "ord-A2"]);
      const bad = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10&type=invoice", keyA);
      expect(bad.status).toBe(400);
      expect((bad.body.error as { message: string }).message).toMatch(/type/);
      const b = await call(billsGET as Handler, "/api/v1/bills?billingCycle=2026-10", keyB);
      expect(b.body.data.map((r) => r.id)).toEqual(["payg-2026-10-cloud-phone", "ord-B1"]);
    });

    it("returns one bill with its lines, by any of its ids; another account's is not found", async () => {
      const get = (id: string, qs = "", key = keyA) => call(billGET as Handler, `/api/v1/bills/${id}?${qs}`, key, { id });
      const byNo = await get("202610050001");
      expect(byNo.status).toBe(200);
      expect(byNo.body).toMatchObject({ id: "ord-A1", billType: "subscription" });
      expect((byNo.body.lines as { data: Row[] }).data.map((r) => r.id)).toEqual(["ord-A1.line"]);
      const oss = await get("payg-2026-10-oss", "limit=5");
      expect(oss.body).toMatchObject({ id: "payg-2026-10-oss", pretaxAmount: "9.55" });
      const page = oss.body.lines as { data: Row[]; totalCount: number; nextToken: string; totals: Record<string, string> };
      expect(page).toMatchObject({ totalCount: 20, totals: { pretaxAmount: "9.55" } });
      expect(page.data).toHaveLength(5);
      const walked = await walk(billGET as Handler, "/api/v1/bills/payg-2026-10-oss?limit=6", keyA, { id: "payg-2026-10-oss" }, (b) => b.lines as Record<string, unknown>);
      expect(walked.rows).toHaveLength(20);
      const phone = await get("bill-cp-2026-10");
      expect(phone.body).toMatchObject({ status: "closed", lines: { totalCount: 11 } });
      expect((await get("ord-B1")).status).toBe(404);
      expect((await get("payg-2026-10-image-search")).status).toBe(404);
      expect((await get("ord-A1", "", keyB)).status).toBe(404);
    });
  });

  describe("GET /api/v1/account", () => {
    it("balance is the ledger sum; available credit follows the documented formula", async () => {
      // ord-A2 has been unpaid since 20 October: it expired after 24 hours and is owed no more. One placed an hour ago is.
      const db = t.handle().db;
      await db.insert(orders).values({
        accountId: A, id: "ord-A3", orderNo: "202611090001", instanceId: "is-1", productId: "image-search", orderType: "new", months: 1,
        originalAmount: "300.00", payableAmount: "300.00", paidAmount: "0", status: "unpaid", createdAt: new Date("2026-11-09T23:00:00Z"),
      });
      const { status, body } = await call(accountGET as Handler, "/api/v1/account", keyA);
      await db.delete(orders).where(and(eq(orders.accountId, A), eq(orders.id, "ord-A3")));
      expect(status).toBe(200);
      const balance = sum(["500.00", "-100.00", "-10.45", "0.50"]);
      const outstanding = sum(["1.10", "1.10", "7.77", "300.00"]); // lines of every cycle + the unpaid order
      expect(body).toMatchObject({
        accountId: A,
        balance: balance.toFixed(2),
        creditLimit: "50.00",
        usableVoucherAmount: "20.00",
        usableCouponAmount: "15.00",
        outstandingAmount: outstanding.toFixed(2),
        outstanding: { billLines: "9.97", orders: "300.00" },
        availableCredit: balance.plus("20.00").plus("15.00").plus("50.00").minus(outstanding).toFixed(2),
        overdue: { since: "2026-11-01T00:00:00.000Z", amount: outstanding.toFixed(2), days: 9 },
      });
      const usable = Object.fromEntries((body.vouchers as { id: string; usable: boolean }[]).map((v) => [v.id, v.usable]));
      expect(usable).toEqual({ "v-ok": true, "v-expired": false, "v-future": false, "v-used": false });
      expect(body.coupons).toEqual([
        expect.objectContaining({ id: "c-expired", usable: false, productIds: [] }),
        expect.objectContaining({ id: "c-ok", usable: true, productIds: ["cloud-phone"], remaining: "15.00", discountPercent: "20" }),
      ]);
      const b = await call(accountGET as Handler, "/api/v1/account", keyB);
      // B's order unpaid since 6 October expired: only its lines are owed.
      expect(b.body).toMatchObject({ balance: "1000.00", usableVoucherAmount: "70.00", outstandingAmount: "109.89", overdue: null });
    });
  });

  it("serves the OpenAPI document without a key", async () => {
    const res = openapiGET();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ openapi: "3.1.0", paths: { "/api/v1/bill-lines": { get: { operationId: "listBillLines" } } } });
  });
});
