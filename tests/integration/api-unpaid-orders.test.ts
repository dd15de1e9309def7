// An order left unpaid for lack of funds: within 24 hours paying it charges
// the quoted amount (the term starts at payment); after 24 hours it expires —
// it cannot be paid, no longer blocks new actions, and the next one is quoted
// afresh. Through the public API and the test clock.
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { apiClient, type Json } from "./api-client";
import { uniq, useTestDatabase } from "./db";

process.env.BILLING_TEST_CLOCK = "1";

describe("unpaid orders expire after 24 hours", () => {
  const t = useTestDatabase();
  beforeAll(async () => {
    await loadCatalog(t.handle().db, await readCatalogFile());
  });
  let seq = 0;
  const key = () => ({ "idempotency-key": `unpaid-${seq++}-${Date.now()}` });

  async function setUp() {
    const id = uniq("unpaid");
    await createAccount(OPERATOR, { id, name: id });
    await topUp(OPERATOR, { amount: "10.00" }, id);
    const api = apiClient((await createApiKey(OPERATOR, { accountId: id, name: "k", role: "admin" })).key);
    await api.clock("2026-05-01T00:00:00Z");
    await api.post("/api/v1/instances", { id: "cp", productId: "cloud-phone", spec: "acp.std.small", regionId: "cn-hangzhou", billingMethod: "payg", name: "phone" });
    await api.clock("2026-05-01T10:00:00Z");
    const placed = await api.postWith("/api/v1/instances/cp/switch", { months: 3 }, key());
    expect(placed.json.data).toMatchObject({ paid: false, order: { status: "unpaid", payableAmount: "41.60" } }); // 13.8679 × 3 = 41.6037 → 41.60
    return { api, order: placed.json.data.order as Json };
  }

  it("paid within 24 hours: the quoted amount is charged and the term starts at payment", async () => {
    const { api, order } = await setUp();
    await api.clock("2026-05-02T09:59:00Z");
    expect((await api.postWith("/api/v1/account/top-ups", { amount: "100.00" }, key())).status).toBe(201);
    const paid = await api.post(`/api/v1/orders/${order.id}/pay`, {});
    expect(paid.status).toBe(200);
    expect(paid.json.data).toMatchObject({ paid: true, order: { status: "paid", payableAmount: "41.60", paidAmount: "41.60", termStart: "2026-05-02T09:59:00.000Z", termEnd: "2026-08-02T09:59:00.000Z" } });
    expect((await api.get("/api/v1/instances/cp")).json.data).toMatchObject({ billingMethod: "subscription", expiresAt: "2026-08-02T09:59:00.000Z" });
  });

  it("after 24 hours it is expired: paying is refused, it no longer blocks, and a new order is quoted afresh", async () => {
    const { api, order } = await setUp();
    // While unpaid it counts as owed and blocks other purchases.
    expect((await api.get("/api/v1/account")).json.outstanding.orders).toBe("41.60");
    await api.clock("2026-05-02T10:00:01Z");
    const listed = (await api.get("/api/v1/orders?status=expired")).json;
    expect(listed.data.map((o: Json) => [o.id, o.status])).toEqual([[order.id, "expired"]]);
    expect((await api.get("/api/v1/account")).json.outstanding.orders).toBe("0.00");
    await topUp(OPERATOR, { amount: "100.00" }, (await api.get("/api/v1/account")).json.accountId);
    const pay = await api.post(`/api/v1/orders/${order.id}/pay`, {});
    expect(pay.status).toBe(409);
    expect(pay.json.error.message).toMatch(/expired unpaid at 2026-05-02T10:00:00.000Z: unpaid orders expire 24 hours after they are placed/);
    // Nothing was charged; a fresh switch goes through at today's price.
    const again = await api.postWith("/api/v1/instances/cp/switch", { months: 3 }, key());
    expect(again.json.data).toMatchObject({ paid: true, order: { status: "paid", payableAmount: "41.60", termStart: "2026-05-02T10:00:01.000Z" } });
  });
});
