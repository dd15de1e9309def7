// Reads an API user needs: GET /api/v1/catalog (prices with their effective
// dates, in the account's currency) and GET /api/v1/instances/{id}; lists
// answer with one envelope {data, nextToken, totalCount}.
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { getCatalogNames } from "@/lib/data/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { apiClient, type Json } from "./api-client";
import { uniq, useTestDatabase } from "./db";

process.env.BILLING_TEST_CLOCK = "1";

describe("catalog and instance reads", () => {
  const t = useTestDatabase();
  let rub: ReturnType<typeof apiClient>;
  let other: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    await loadCatalog(t.handle().db, await readCatalogFile());
    const R = uniq("cat-rub");
    await createAccount(OPERATOR, { id: R, name: "Rouble", currency: "RUB" });
    await topUp(OPERATOR, { amount: "100000" }, R);
    rub = apiClient((await createApiKey(OPERATOR, { accountId: R, name: "viewer", role: "admin" })).key);
    const O = uniq("cat-other");
    await createAccount(OPERATOR, { id: O, name: "Other" });
    other = apiClient((await createApiKey(OPERATOR, { accountId: O, name: "v", role: "viewer" })).key);
  });

  it("lists products, items, specs, region groups and prices with effective dates in the account's currency", async () => {
    await rub.clock("2026-05-01T00:00:00Z");
    const res = await rub.get("/api/v1/catalog");
    expect(res.status).toBe(200);
    const cat = res.json.data;
    expect(cat.currency).toBe("RUB");
    expect(cat.regionGroups.find((g: Json) => g.id === "phone-cn").regions.map((r: Json) => r.id)).toContain("cn-hangzhou");
    const product = (id: string) => cat.products.find((p: Json) => p.id === id);
    // Every price listed is in RUB, unit prices with 6 decimals.
    const all = cat.products.flatMap((p: Json) => p.items.flatMap((i: Json) => i.prices));
    expect(all.length).toBeGreaterThan(50);
    expect(all.every((p: Json) => p.priceUnit.startsWith("RUB/") && /^\d+\.\d{6}$/.test(p.unitPrice))).toBe(true);
    // The scanner became paid on 2023-04-24: both sides of the date, with their effective dates.
    const scanner = product("registry-storage").items.find((i: Json) => i.code === "scanner");
    expect(scanner.prices.map((p: Json) => [p.unitPrice, p.effectiveFrom, p.effectiveTo, p.inEffect])).toEqual([
      ["0.000000", "2020-01-01T00:00:00.000Z", "2023-04-24T00:00:00.000Z", false],
      ["13.500000", "2023-04-24T00:00:00.000Z", null, true],
    ]);
    // Specs carry what a package holds; the metered quota item says where its quota comes from.
    const is = product("image-search");
    expect(is.specs.find((s: Json) => s.id === "10m-5").metadata).toMatchObject({ indexedImages: 10_000_000, qps: 5 });
    expect(is.items.find((i: Json) => i.code === "images-indexed")).toMatchObject({ rule: "package-quota", quotaKey: "indexedImages", prices: [] });
    // Filters: one product, only the prices in effect now.
    const now = (await rub.get("/api/v1/catalog?productId=registry-storage&prices=current")).json.data;
    expect(now.products.map((p: Json) => p.id)).toEqual(["registry-storage"]);
    expect(now.products[0].items.find((i: Json) => i.code === "scanner").prices.map((p: Json) => p.unitPrice)).toEqual(["13.500000"]);
    expect((await rub.get("/api/v1/catalog?prices=sometimes")).status).toBe(400);
  });

  it("names products, items and regions in the console's language by id; the API keeps the catalog's English names", async () => {
    const ru = await getCatalogNames("ru");
    expect([ru.product("cloud-phone"), ru.item("oss.storage"), ru.region("cn-hangzhou"), ru.regionGroup("phone-cn")])
      .toEqual(["Облачный телефон", "Хранение", "Китай (Ханчжоу)", "Материковый Китай"]);
    const en = await getCatalogNames("en");
    expect([en.product("cloud-phone"), en.region("cn-hangzhou")]).toEqual(["Cloud Phone", "China (Hangzhou)"]);
    // An id the catalog no longer has: the name the row carried, else the id.
    expect([ru.region("gone-1", "Gone"), ru.product("gone")]).toEqual(["Gone", "gone"]);
    const cat = (await rub.get("/api/v1/catalog?productId=cloud-phone")).json.data;
    expect(cat.products[0].name).toBe("Cloud Phone");
    expect(cat.products[0].specs.every((s: Json) => !("names" in s))).toBe(true);
  });

  it("GET /api/v1/instances/{id}: the instance with its history; another account's id is a 404, like an unknown one", async () => {
    await rub.clock("2026-05-01T00:00:00Z");
    await rub.post("/api/v1/instances", { id: "cp-1", productId: "cloud-phone", spec: "acp.std.small", regionId: "cn-hangzhou", billingMethod: "payg", name: "phone" });
    const res = await rub.get("/api/v1/instances/cp-1");
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ id: "cp-1", productId: "cloud-phone", productName: "Cloud Phone", status: "active", quota: null });
    expect(res.json.data.history).toEqual([expect.objectContaining({ from: null, to: "active" })]);
    expect((await other.get("/api/v1/instances/cp-1")).status).toBe(404);
    expect((await rub.get("/api/v1/instances/nope")).status).toBe(404);
  });

  it("lists share one envelope: data, nextToken, totalCount", async () => {
    await rub.clock("2026-05-02T00:00:00Z");
    for (const path of ["/api/v1/instances", "/api/v1/orders", "/api/v1/account/ledger", "/api/v1/bill-lines?billingCycle=2026-05", "/api/v1/bills?billingCycle=2026-05"]) {
      const body = (await rub.get(path)).json;
      expect(Object.keys(body).slice(0, 3), path).toEqual(["data", "nextToken", "totalCount"]);
      expect(Array.isArray(body.data) && typeof body.totalCount === "number", path).toBe(true);
    }
    // Orders page with nextToken like the others.
    await rub.post("/api/v1/instances", { id: "sub-1", productId: "cloud-phone", spec: "acp.std.small", regionId: "cn-hangzhou", billingMethod: "subscription", months: 1, name: "a" });
    await rub.post("/api/v1/instances", { id: "sub-2", productId: "cloud-phone", spec: "acp.std.small", regionId: "cn-hangzhou", billingMethod: "subscription", months: 1, name: "b" });
    const p1 = (await rub.get("/api/v1/orders?limit=1")).json;
    const p2 = (await rub.get(`/api/v1/orders?limit=1&nextToken=${p1.nextToken}`)).json;
    expect([p1.totalCount, p1.data.length, p2.data.length, p2.nextToken]).toEqual([2, 1, 1, null]);
    expect(p1.data[0].id).not.toBe(p2.data[0].id);
  });
});
