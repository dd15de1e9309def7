// Every money field in every API response is a string with exactly 2 decimals
// (`^-?\d+\.\d{2}$`), and every unit price one with exactly 6. A realistic
// account is driven through the public API and the test clock (resources of
// every billing kind, usage, orders paid, unpaid, cancelled and refunded,
// top-ups, coupons and vouchers), every read endpoint is called, and each
// response is walked field by field.
import { beforeAll, describe, expect, it } from "vitest";
import { coupons, vouchers } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { apiClient, seen, type Json } from "./api-client";
import { contractViolations } from "./api-contract";
import { uniq, useTestDatabase } from "./db";

process.env.BILLING_TEST_CLOCK = "1";

const MONEY = /^-?\d+\.\d{2}$/;
const UNIT_PRICE = /^-?\d+\.\d{6}$/;
/** Fields that hold money, by name: every *Amount, deductions, balances, limits, quotas in money. */
const isMoneyKey = (k: string) =>
  /Amount$/.test(k) || /^deductedBy/.test(k) || ["amount", "balance", "creditLimit", "suspensionQuota", "faceValue", "remaining", "availableCredit", "invoiceDiscount", "paygFinalCharge"].includes(k);
const isUnitPriceKey = (k: string) => k === "unitPrice" || k === "listPrice";

interface Finding {
  where: string;
  path: string;
  value: unknown;
}

function walk(v: unknown, path: string, onMoney: (path: string, value: unknown) => void, onPrice: (path: string, value: unknown) => void, parentKey = "") {
  if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`, onMoney, onPrice, parentKey));
  if (v === null || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v)) {
    const p = `${path}.${k}`;
    // The account summary's outstanding split is money too.
    if ((isMoneyKey(k) || parentKey === "outstanding") && (typeof x === "string" || typeof x === "number")) onMoney(p, x);
    else if (isUnitPriceKey(k) && (typeof x === "string" || typeof x === "number")) onPrice(p, x);
    else walk(x, p, onMoney, onPrice, k);
  }
}

describe("money formats across the API", () => {
  const t = useTestDatabase();
  let api: ReturnType<typeof apiClient>;
  let poor: ReturnType<typeof apiClient>;
  let seq = 0;
  const idem = () => ({ "idempotency-key": `money-${seq++}-${Date.now()}` });

  beforeAll(async () => {
    await loadCatalog(t.handle().db, await readCatalogFile());
    const A = uniq("money");
    await createAccount(OPERATOR, { id: A, name: "Money" });
    await topUp(OPERATOR, { amount: "3000.00" }, A);
    const span = { validFrom: new Date("2026-01-01T00:00:00Z"), expiresAt: new Date("2027-01-01T00:00:00Z") };
    await t.handle().db.insert(vouchers).values({ accountId: A, id: "v1", code: "V", faceValue: "5", remaining: "5", ...span });
    await t.handle().db.insert(coupons).values({ accountId: A, id: "c1", code: "C", discountPercent: "10", remaining: "3", productIds: [], ...span });
    api = apiClient((await createApiKey(OPERATOR, { accountId: A, name: "admin", role: "admin" })).key);
    const P = uniq("money-poor");
    await createAccount(OPERATOR, { id: P, name: "Poor" });
    await topUp(OPERATOR, { amount: "20.00" }, P);
    poor = apiClient((await createApiKey(OPERATOR, { accountId: P, name: "admin", role: "admin" })).key);
  });

  it("every money field is a string with 2 decimals and every unit price one with 6, in every response", async () => {
    await api.clock("2026-03-01T00:00:00Z");
    const reg = async (body: Json) => expect((await api.post("/api/v1/instances", body)).status).toBe(201);
    await reg({ id: "cp", productId: "cloud-phone", spec: "acp.std.medium", regionId: "ap-southeast-1", billingMethod: "payg", instanceCount: 3, name: "phones" });
    await reg({ id: "cp2", productId: "cloud-phone", spec: "acp.basic.small", regionId: "cn-hangzhou", billingMethod: "payg", name: "phone 2" });
    await reg({ id: "cr", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", months: 1, name: "registry" });
    await reg({ id: "oss", productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: "bucket" });
    await reg({ id: "reg", productId: "registry-storage", regionId: "cn-hangzhou", billingMethod: "payg", name: "registry storage" });
    await reg({ id: "is", productId: "image-search", spec: "2.5m-5", regionId: "cn-shanghai", billingMethod: "subscription", months: 1, name: "search" });
    await reg({ id: "free", productId: "container-registry-personal", regionId: "cn-hangzhou", billingMethod: "free", name: "personal" });
    await api.clock("2026-03-03T07:30:00Z");
    const usage = await api.post("/api/v1/usage", {
      records: [
        { id: "u1", instanceId: "oss", item: "storage", quantity: "12.5", start: "2026-03-01T00:00:00Z", end: "2026-03-02T05:00:00Z", attributes: { layerDigest: "bucket:oss", bytes: 12.5 * 1024 ** 3 } },
        { id: "u2", instanceId: "oss", item: "internet-egress", quantity: "7.333", start: "2026-03-01T00:00:00Z", end: "2026-03-01T01:00:00Z", attributes: { network: "internet" } },
        { id: "u3", instanceId: "reg", item: "scanner", quantity: "3", start: "2026-03-02T10:00:00Z", end: "2026-03-02T10:00:00Z" },
        { id: "u4", instanceId: "is", item: "images-indexed", quantity: "1000", start: "2026-03-02T10:00:00Z", end: "2026-03-02T10:00:00Z" },
      ],
    });
    expect(usage.status).toBe(200);
    await api.clock("2026-03-05T10:00:00Z");

    // Lifecycle: quote and switch one phone, renew and upgrade the registry, unsubscribe the package (a refund).
    expect((await api.get("/api/v1/instances/cp2/quote?action=switch&months=1")).status).toBe(200);
    expect((await api.postWith("/api/v1/instances/cp2/switch", { months: 1 }, idem())).status).toBe(200);
    expect((await api.postWith("/api/v1/instances/cr/renew", { months: 1 }, idem())).status).toBe(200);
    expect((await api.postWith("/api/v1/instances/cr/change-spec", { spec: "advanced" }, idem())).status).toBe(200);
    expect((await api.postWith("/api/v1/instances/is/unsubscribe", {}, idem())).status).toBe(200);
    expect((await api.postWith("/api/v1/instances/cr/auto-renew", { enabled: true, months: 1 }, idem())).status).toBe(200);
    expect((await api.post("/api/v1/instances/cp/release", {})).status).toBe(200);
    expect((await api.postWith("/api/v1/account/top-ups", { amount: "10.50" }, idem())).status).toBe(201);
    await api.clock("2026-04-02T00:00:00Z");

    // An order the balance cannot pay stays unpaid; one is paid after a top-up, another cancelled.
    await poor.clock("2026-03-01T00:00:00Z");
    await poor.post("/api/v1/instances", { id: "p", productId: "cloud-phone", spec: "acp.basic.small", regionId: "cn-hangzhou", billingMethod: "payg", name: "p" });
    const unpaid = await poor.postWith("/api/v1/instances/p/switch", { months: 3 }, idem());
    expect(unpaid.json.data.paid).toBe(false);
    const orderId = unpaid.json.data.order.id;
    expect((await poor.post(`/api/v1/orders/${orderId}/pay`, {})).status).toBe(200);
    expect((await poor.post(`/api/v1/orders/${orderId}/cancel`, {})).status).toBe(200);

    // Every read.
    for (const [client, ids] of [[api, ["cp", "is", "cr"]], [poor, ["p"]]] as const) {
      for (const id of ids) expect((await client.get(`/api/v1/instances/${id}`)).status).toBe(200);
      for (const path of [
        "/api/v1/account",
        "/api/v1/account/overdue",
        "/api/v1/account/ledger",
        "/api/v1/instances",
        "/api/v1/orders",
        "/api/v1/catalog",
        "/api/v1/test-clock",
      ]) expect((await client.get(path)).status, path).toBe(200);
      for (const cycle of ["2026-03", "2026-04"]) {
        for (const qs of ["", "&granularity=MONTHLY", "&statisticItem=instance", "&statisticItem=product", "&groupBy=productId", "&isHideZeroCharge=true"]) {
          expect((await client.get(`/api/v1/bill-lines?billingCycle=${cycle}${qs}`)).status).toBe(200);
        }
        const bills = await client.get(`/api/v1/bills?billingCycle=${cycle}`);
        expect(bills.status).toBe(200);
        for (const b of bills.json.data as Json[]) expect((await client.get(`/api/v1/bills/${encodeURIComponent(b.id)}`)).status).toBe(200);
      }
    }

    const money: Finding[] = [];
    const prices: Finding[] = [];
    const bad: Finding[] = [];
    for (const r of seen) {
      if (r.path.startsWith("/api/v1/openapi") || typeof r.json !== "object" || r.json === null) continue;
      const where = `${r.method} ${r.path}`;
      walk(
        r.json,
        "$",
        (path, value) => {
          money.push({ where, path, value });
          if (typeof value !== "string" || !MONEY.test(value)) bad.push({ where, path, value });
        },
        (path, value) => {
          prices.push({ where, path, value });
          if (typeof value !== "string" || !UNIT_PRICE.test(value)) bad.push({ where, path, value });
        },
      );
    }
    expect(bad).toEqual([]);
    // Not vacuous: the walk saw money in every kind of response, and unit prices in lines, periods and the catalog.
    const endpoints = new Set(money.map((m) => m.where.split("?")[0].replace(/\/(instances|orders|bills)\/[^/]+/, "/$1/{id}")));
    for (const e of [
      "POST /api/v1/instances",
      "POST /api/v1/instances/{id}/switch",
      "POST /api/v1/instances/{id}/renew",
      "POST /api/v1/instances/{id}/change-spec",
      "POST /api/v1/instances/{id}/unsubscribe",
      "POST /api/v1/account/top-ups",
      "GET /api/v1/instances/{id}/quote",
      "GET /api/v1/account",
      "GET /api/v1/account/overdue",
      "GET /api/v1/account/ledger",
      "GET /api/v1/orders",
      "GET /api/v1/bill-lines",
      "GET /api/v1/bills",
      "GET /api/v1/bills/{id}",
      "POST /api/v1/orders/{id}/pay",
      "POST /api/v1/orders/{id}/cancel",
    ]) expect(endpoints, e).toContain(e);
    expect(money.some((m) => m.path.includes(".periods["))).toBe(true);
    expect(prices.some((p) => p.path.includes(".periods[")) && prices.some((p) => p.where.includes("/catalog")) && prices.some((p) => p.path.endsWith(".listPrice"))).toBe(true);
  });

  // Runs after the test above, over every response it made.
  it("every response has exactly the fields, types and formats the OpenAPI document gives its operation", () => {
    const { checked, violations } = contractViolations(seen);
    expect(violations).toEqual([]);
    // Not vacuous: the reads and writes above, each checked against its documented schema.
    expect(checked.size).toBeGreaterThanOrEqual(20);
  });
});
