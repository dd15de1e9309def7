// FOCUS 1.2 conformance: an account lives through two months with every kind
// of charge — pay-as-you-go Cloud Phone periods, hourly and metered usage,
// tiered traffic, subscription purchases, a refund, a resource plan, a coupon,
// a voucher, late usage for a closed month and an operator's credit to it — and its FOCUS exports of both
// months, fetched through the API, are checked against the rules of
// ./focus-rules.ts (each with the spec file it comes from), then reconciled
// with the stored bill lines to the cent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { GET as billLinesGET } from "@/app/api/v1/bill-lines/route";
import { GET as catalogGET } from "@/app/api/v1/catalog/route";
import { billLines } from "@/db/schema";
import { realClock, setSystemClock } from "@/lib/clock";
import { D, dec, sum } from "@/lib/money";
import { DATASET_RULES, ROW_RULES, type FocusRow } from "./focus-rules";
import { setUpFocusMonths } from "./focus-months";
import { uniq, useTestDatabase } from "./db";

describe("FOCUS 1.2 export conformance", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("focus");
  let key = "";
  const exports: Record<string, { columns: string[]; rows: FocusRow[] }> = {};

  async function focus(cycle: string) {
    const res = await billLinesGET(new Request(`http://x/api/v1/bill-lines?billingCycle=${cycle}&format=focus`, { headers: { authorization: `Bearer ${key}` } }), {
      params: Promise.resolve({}),
    });
    expect(res.status).toBe(200);
    const [columns, ...cells] = parse((await res.text()).replace(/^\uFEFF/, ""), { relax_column_count: false }) as string[][];
    const rows = cells.map((c) => Object.fromEntries(columns.map((name, i) => [name, c[i] === "" ? null : c[i]])) as FocusRow);
    return { columns, rows };
  }

  beforeAll(async () => {
    key = await setUpFocusMonths(t.handle(), A);
    exports["2026-10"] = await focus("2026-10");
    exports["2026-11"] = await focus("2026-11");
  });
  afterAll(() => setSystemClock(realClock));

  const all = () => [...exports["2026-10"].rows, ...exports["2026-11"].rows];

  it("has every kind of row the rules speak of", () => {
    const rows = all();
    const kinds = new Set(rows.map((r) => `${r.ChargeCategory}/${r.ChargeClass ?? "-"}`));
    expect([...kinds].sort()).toEqual(["Adjustment/Correction", "Credit/-", "Purchase/-", "Usage/-", "Usage/Correction"]);
    expect(rows.some((r) => r.ChargeCategory === "Purchase" && dec(r.BilledCost!).lt(0)), "a refund").toBe(true);
    expect(rows.some((r) => r.ServiceName === "Cloud Phone" && r.PricingUnit === "Instance-Hours"), "Cloud Phone periods").toBe(true);
    expect(rows.some((r) => r.EffectiveCost !== r.ListCost && r.ServiceName === "Cloud Phone"), "a coupon").toBe(true);
    expect(rows.some((r) => r.EffectiveCost !== r.BilledCost && r.ChargeCategory === "Usage"), "a resource plan").toBe(true);
    expect(rows.some((r) => r.AvailabilityZone === "cn-hongkong-b")).toBe(true);
  });

  it.each(DATASET_RULES.map((r) => [`${r.source}: ${r.requirement}`, r] as const))("dataset: %s", (_name, rule) => {
    for (const cycle of Object.keys(exports)) expect(rule.check(exports[cycle].columns), cycle).toBeNull();
  });

  it.each(ROW_RULES.map((r) => [`${r.source}: ${r.requirement}`, r] as const))("every row: %s", (_name, rule) => {
    const problems = all()
      .map((r) => [r.ChargeDescription, rule.check(r)] as const)
      .filter(([, p]) => p !== null);
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it("names SKU prices that are in the published price list (GET /api/v1/catalog), each with its SKU and list unit price", async () => {
    const res = await catalogGET(new Request("http://x/api/v1/catalog", { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    type Price = { skuPriceId: string; unitPrice: string; tiers: { unitPrice: string }[] | null };
    const { data } = (await res.json()) as { data: { products: { items: { id: string; prices: Price[] }[] }[] } };
    const published = data.products.flatMap((p) => p.items.flatMap((it) => it.prices.map((pr) => ({ ...pr, skuId: it.id }))));
    const rows = all().filter((r) => r.SkuPriceId !== null);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const prices = published.filter((p) => p.skuPriceId === r.SkuPriceId);
      expect(prices.length, `${r.SkuPriceId} is published`).toBeGreaterThan(0);
      expect(prices.every((p) => p.skuId === r.SkuId), `${r.SkuPriceId} has one parent SKU`).toBe(true);
      if (r.ChargeClass) continue;
      // Usage rows are priced at a published unit price, purchases at the published monthly one; a
      // tiered day is one row at its blended rate, which lies within the published tiers.
      const tiered = prices.find((p) => p.tiers);
      if (tiered) expect(dec(r.ListUnitPrice!).lte(D.max(...tiered.tiers!.map((t) => t.unitPrice))), r.ChargeDescription!).toBe(true);
      else expect(prices.map((p) => dec(p.unitPrice).toFixed()), r.ChargeDescription!).toContain(dec(r.ListUnitPrice!).toFixed());
    }
  });

  it("reconciles with the stored lines: Σ ListCost = Σ original; per invoice Σ BilledCost = Σ (pretax − plans − coupons − vouchers), which is cash once settled", async () => {
    const lines = await db().select().from(billLines).where(eq(billLines.accountId, A));
    for (const cycle of Object.keys(exports)) {
      const own = lines.filter((l) => l.billingCycle === cycle);
      const rows = exports[cycle].rows.filter((r) => r.ChargeCategory !== "Credit");
      expect(sum(rows.map((r) => r.ListCost!)).toFixed(2), cycle).toBe(sum(own.map((l) => dec(l.originalAmount).toFixed(2))).toFixed(2));
      for (const bill of new Set(own.map((l) => l.billId))) {
        const ofBill = own.filter((l) => l.billId === bill);
        const owed = sum(ofBill.map((l) => dec(l.pretaxAmount).minus(l.deductedByResourcePlan).minus(l.deductedByCoupons).minus(l.deductedByVouchers)));
        const billed = sum(exports[cycle].rows.filter((r) => r.InvoiceId === bill).map((r) => r.BilledCost!));
        expect(billed.toFixed(2), `${cycle} ${bill}`).toBe(owed.toFixed(2));
        if (ofBill.every((l) => l.settledAt)) {
          const cash = sum(ofBill.map((l) => dec(l.paidFromBalance).plus(l.outstandingAmount)));
          expect(billed.toFixed(2), `${cycle} ${bill} is settled`).toBe(cash.toFixed(2));
        }
      }
    }
  });
});
