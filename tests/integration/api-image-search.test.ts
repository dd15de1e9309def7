// Image Search through the public API and the test clock: packages change at
// any time in their term (the monthly limit is for new purchases only), the
// change is charged or refunded `(new − old) × remaining / term`, and metered
// images indexed use up a package's quota and start its retention timeline.
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { dec } from "@/lib/money";
import { apiClient, type Json } from "./api-client";
import { uniq, useTestDatabase } from "./db";

process.env.BILLING_TEST_CLOCK = "1";
const m = (v: string) => dec(v).toFixed(2);

describe("Image Search packages", () => {
  const t = useTestDatabase();
  beforeAll(async () => {
    await loadCatalog(t.handle().db, await readCatalogFile());
  });

  async function newAccount(balance: string) {
    const id = uniq("is");
    await createAccount(OPERATOR, { id, name: id });
    await topUp(OPERATOR, { amount: balance }, id);
    const api = apiClient((await createApiKey(OPERATOR, { accountId: id, name: "k", role: "admin" })).key);
    return { id, api };
  }
  const pkg = (id: string, spec: string) => ({ id, productId: "image-search", spec, regionId: "cn-shanghai", billingMethod: "subscription", months: 1, name: id });
  let seq = 0;
  const action = (api: ReturnType<typeof apiClient>, path: string, body: unknown) => api.postWith(path, body, { "idempotency-key": `key-${seq++}-${Date.now()}` });

  it("10M/5 bought on the 1st is upgraded to 20M/10 on the 21st (charged to the cent), downgraded on the 26th (refunded), renewed the same month", async () => {
    const { api } = await newAccount("20000.00");
    await api.clock("2026-05-01T00:00:00Z");
    const bought = await api.post("/api/v1/instances", pkg("is", "10m-5"));
    expect(bought.status).toBe(201);
    expect(m(bought.json.order.payableAmount)).toBe("2900.00");

    // 21 May 00:00: 11 of May's 31 days remain. (10,300 − 2,900) × 950,400 s / 2,678,400 s = 2,625.806… → 2,625.81.
    await api.clock("2026-05-21T00:00:00Z");
    const quote = await api.get("/api/v1/instances/is/quote?action=change-spec&spec=20m-10");
    expect([quote.status, m(quote.json.data.payableAmount)]).toEqual([200, "2625.81"]);
    const up = await action(api, "/api/v1/instances/is/change-spec", { spec: "20m-10" });
    expect(up.status).toBe(200);
    expect(up.json.data).toMatchObject({ paid: true, order: { orderType: "upgrade" }, instance: { spec: "20m-10", expiresAt: "2026-06-01T00:00:00.000Z" } });
    expect(m(up.json.data.order.payableAmount)).toBe("2625.81");
    expect(m((await api.get("/api/v1/account")).json.balance)).toBe("14474.19");

    // 26 May: 6 days remain; back to 10M/5 refunds (2,900 − 10,300) × 6/31 = −1,432.258… → 1,432.26 to the balance.
    await api.clock("2026-05-26T00:00:00Z");
    const down = await action(api, "/api/v1/instances/is/change-spec", { spec: "10m-5" });
    expect(down.status).toBe(200);
    expect(down.json.data).toMatchObject({ paid: true, order: { orderType: "downgrade" }, instance: { spec: "10m-5" } });
    expect(m(down.json.data.order.payableAmount)).toBe("-1432.26");
    expect(m((await api.get("/api/v1/account")).json.balance)).toBe("15906.45");

    // A renewal is not a purchase: allowed in the month the package was bought.
    const renew = await action(api, "/api/v1/instances/is/renew", { months: 1 });
    expect(renew.status).toBe(200);
    expect(renew.json.data.instance.expiresAt).toBe("2026-07-01T00:00:00.000Z");
    // A second NEW package this month is still refused; next month it is fine.
    const second = await api.post("/api/v1/instances", pkg("is2", "2.5m-5"));
    expect(second.status).toBe(409);
    expect(second.json.error.message).toMatch(/one new package purchase per account per calendar month/);
    await api.clock("2026-06-01T00:00:00Z");
    expect((await api.post("/api/v1/instances", pkg("is2", "2.5m-5"))).status).toBe(201);
  });

  it("images indexed, ingested as usage, use up the package's quota; the 15-day retention starts at that instant", async () => {
    const { api } = await newAccount("5000.00");
    await api.clock("2026-06-01T00:00:00Z");
    expect((await api.post("/api/v1/instances", pkg("is", "2.5m-5"))).status).toBe(201);
    const usage = (id: string, quantity: string, end: string) => ({ id, instanceId: "is", item: "images-indexed", quantity, start: end, end });
    await api.clock("2026-06-05T00:00:00Z");
    expect((await api.post("/api/v1/usage", { records: [usage("u1", "1000000", "2026-06-02T10:00:00Z"), usage("u2", "1000000", "2026-06-03T10:00:00Z")] })).json).toEqual({ accepted: 2, duplicates: 0 });
    await api.clock("2026-06-05T00:00:00Z");
    let inst = (await api.get("/api/v1/instances/is")).json.data;
    expect(inst).toMatchObject({ status: "active", quota: { billableItemId: "image-search.images-indexed", unit: "image", totalQuantity: "2500000", usedQuantity: "2000000", remainingQuantity: "500000", usedUpAt: null } });

    // 600,000 more, indexed by 6 June 12:00 and reported later, pass the 2.5M quota: used up then, whenever the jobs notice.
    await api.clock("2026-06-07T00:00:00Z");
    expect((await api.post("/api/v1/usage", { records: [{ ...usage("u3", "600000", "2026-06-06T12:00:00Z"), start: "2026-06-06T08:00:00Z" }] })).status).toBe(200);
    await api.clock("2026-06-08T00:00:00Z");
    inst = (await api.get("/api/v1/instances/is")).json.data;
    expect(inst).toMatchObject({ status: "expired", statusSince: "2026-06-06T12:00:00.000Z", quota: { usedQuantity: "2600000", remainingQuantity: "0", usedUpAt: "2026-06-06T12:00:00.000Z" } });
    expect(inst.history.at(-1)).toMatchObject({ from: "active", to: "expired", at: "2026-06-06T12:00:00.000Z" });
    // Retained 15 days from that instant, then released.
    await api.clock("2026-06-21T11:00:00Z");
    expect((await api.get("/api/v1/instances/is")).json.data.status).toBe("expired");
    await api.clock("2026-06-21T13:00:00Z");
    expect((await api.get("/api/v1/instances/is")).json.data).toMatchObject({ status: "released", releasedAt: "2026-06-21T12:00:00.000Z" });
    // Metered quota is not charged: the package was prepaid; no usage bill lines.
    const lines = (await api.get("/api/v1/bill-lines?billingCycle=2026-06")).json.data as Json[];
    expect(lines.filter((l) => l.billableItemId === "image-search.images-indexed")).toEqual([]);
  });

  it("rejects an images-indexed record that is not a whole count, naming the field, and writes nothing", async () => {
    const { api } = await newAccount("5000.00");
    await api.clock("2026-06-01T00:00:00Z");
    await api.post("/api/v1/instances", pkg("is", "2.5m-5"));
    const res = await api.post("/api/v1/usage", { records: [{ id: "x", instanceId: "is", item: "images-indexed", quantity: "1.5", start: "2026-06-01T00:00:00Z", end: "2026-06-01T00:00:00Z" }] });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/records\[0\]\.quantity/);
    expect((await api.get("/api/v1/instances/is")).json.data.quota.usedQuantity).toBe("0");
  });
});
