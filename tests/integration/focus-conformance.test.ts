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
import { POST as usagePOST } from "@/app/api/v1/usage/route";
import { billLines, coupons, resourcePlans, vouchers } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { cliOperator, OPERATOR } from "@/lib/data/caller";
import { adjustAccount } from "@/lib/data/operator-adjustments";
import { runLifecycleAction } from "@/lib/data/lifecycle";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { topUp } from "@/lib/data/top-ups";
import { D, dec, sum } from "@/lib/money";
import { DATASET_RULES, ROW_RULES, type FocusRow } from "./focus-rules";
import { uniq, useTestDatabase } from "./db";

const HOUR = 3_600_000;

describe("FOCUS 1.2 export conformance", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("focus");
  let key = "";
  const exports: Record<string, { columns: string[]; rows: FocusRow[] }> = {};

  const at = (iso: string) => setSystemClock(fixedClock(iso));
  const jobs = (now: string) => {
    at(now);
    return runJobs(db(), { now: new Date(now), accountIds: [A] });
  };
  async function ingest(records: unknown[]) {
    const res = await usagePOST(
      new Request("http://x/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ records }) }),
      { params: Promise.resolve({}) },
    );
    expect(res.status, await res.clone().text()).toBe(200);
  }
  async function focus(cycle: string) {
    const res = await billLinesGET(new Request(`http://x/api/v1/bill-lines?billingCycle=${cycle}&format=focus`, { headers: { authorization: `Bearer ${key}` } }), {
      params: Promise.resolve({}),
    });
    expect(res.status).toBe(200);
    const [columns, ...cells] = parse((await res.text()).replace(/^\uFEFF/, ""), { relax_column_count: false }) as string[][];
    const rows = cells.map((c) => Object.fromEntries(columns.map((name, i) => [name, c[i] === "" ? null : c[i]])) as FocusRow);
    return { columns, rows };
  }
  const hours = (instanceId: string, item: string, day: string, from: number, to: number, prefix: string) =>
    Array.from({ length: to - from }, (_, i) => {
      const start = Date.parse(`${day}T00:00:00Z`) + (from + i) * HOUR;
      return { id: `${prefix}-${day}-${from + i}`, instanceId, item, quantity: "1", start: new Date(start).toISOString(), end: new Date(start + HOUR).toISOString() };
    });

  beforeAll(async () => {
    at("2026-10-01T00:00:00Z");
    await loadCatalog(db(), await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Focus Labs", timeZone: "UTC" });
    await topUp(OPERATOR, { amount: "10000", at: new Date("2026-10-01T00:00:00Z") }, A);
    key = (await createApiKey(OPERATOR, { accountId: A, name: "finops", role: "admin" })).key;
    const span = { validFrom: new Date("2026-10-01T00:00:00Z"), expiresAt: new Date("2027-01-01T00:00:00Z") };
    // A coupon smaller than what it could take, a voucher, and a storage plan: each deducts on some lines only.
    await db().insert(coupons).values({ accountId: A, id: "c-phone", code: "PHONE-20", discountPercent: "20", remaining: "3.00", productIds: ["cloud-phone"], ...span });
    await db().insert(vouchers).values({ accountId: A, id: "v-1", code: "WELCOME", faceValue: "5.00", remaining: "5.00", ...span });
    await db().insert(resourcePlans).values({ accountId: A, id: "rp-1", name: "OSS 10 GB-month", billableItemId: "oss.storage", totalQuantity: "0.5", remainingQuantity: "0.5", unit: "GB-month", ...span });

    const reg = (input: Record<string, unknown>) => registerInstance(OPERATOR, { createdAt: "2026-10-01T00:00:00Z", ...input }, A);
    await reg({ id: "cp-1", productId: "cloud-phone", spec: "acp.std.medium", regionId: "cn-hongkong", zoneId: "cn-hongkong-b", billingMethod: "payg", instanceCount: 2, name: "phones" });
    await reg({ id: "nat-1", productId: "nat-gateway", regionId: "cn-hangzhou", zoneId: "cn-hangzhou-h", billingMethod: "payg", name: "nat" });
    await reg({ id: "reg-1", productId: "registry-storage", regionId: "cn-hangzhou", billingMethod: "payg", name: "registry" });
    await reg({ id: "oss-1", productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: "bucket" });
    await reg({ id: "cre-1", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-hangzhou", billingMethod: "subscription", months: 1, name: "registry-1" });
    await reg({ id: "cre-2", productId: "container-registry-enterprise", spec: "advanced", regionId: "ap-southeast-1", billingMethod: "subscription", instanceCount: 2, months: 3, name: "registry-2" });

    at("2026-10-06T00:00:00Z");
    await ingest([
      ...hours("nat-1", "instance", "2026-10-02", 0, 10, "nat"),
      ...hours("nat-1", "instance", "2026-10-05", 0, 3, "nat"),
      { id: "egress-1", instanceId: "reg-1", item: "egress", quantity: "150.5", start: "2026-10-03T00:00:00Z", end: "2026-10-03T01:00:00Z", attributes: { network: "internet" } },
      { id: "scan-1", instanceId: "reg-1", item: "scanner", quantity: "7", start: "2026-10-03T02:00:00Z", end: "2026-10-03T02:01:00Z" },
      { id: "layer-1", instanceId: "oss-1", item: "storage", quantity: "40", start: "2026-10-04T00:00:00Z", end: "2026-10-05T12:30:00Z", attributes: { layerDigest: "sha256:aa", bytes: 40 * 1024 ** 3 } },
    ]);
    await jobs("2026-10-20T00:00:00Z");
    at("2026-10-20T00:00:00Z");
    await runLifecycleAction(OPERATOR, "cre-2", { action: "unsubscribe" }, "focus-unsubscribe-cre-2", A);
    await jobs("2026-10-22T06:00:00Z");
    // October closes (the phones run on), then late NAT usage for 5 Oct arrives.
    await jobs("2026-11-02T00:00:00Z");
    await ingest(hours("nat-1", "instance", "2026-10-05", 3, 8, "late"));
    await jobs("2026-11-03T00:00:00Z");
    // The provider credits the closed October: an adjustment line in November.
    await adjustAccount(cliOperator("focus-ops"), A, { kind: "credit", amount: "2.50", billingCycle: "2026-10", productId: "nat-gateway", reason: "NAT outage" });
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
