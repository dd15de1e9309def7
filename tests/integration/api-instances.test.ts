// Resource events through the route handlers: POST /api/v1/instances registers
// a resource (a subscription with its paid new-purchase order), POST
// /api/v1/instances/{id}/release releases it. Every bad input is a 4xx naming
// the field, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { POST as register } from "@/app/api/v1/instances/route";
import { POST as release } from "@/app/api/v1/instances/[id]/release/route";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { dec, roundMoney } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

const NOW = "2026-03-01T00:00:00Z";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("POST /api/v1/instances and /api/v1/instances/{id}/release", () => {
  const t = useTestDatabase();
  const A = uniq("inst-a");
  const B = uniq("inst-b");
  const keys = { admin: "", viewer: "", finance: "", otherAdmin: "" };

  beforeAll(async () => {
    setSystemClock(fixedClock(NOW));
    await loadCatalog(t.handle().db, await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Instances A" });
    await createAccount(OPERATOR, { id: B, name: "Instances B" });
    await topUp(OPERATOR, { amount: "1000" }, A);
    keys.admin = (await createApiKey(OPERATOR, { accountId: A, name: "svc", role: "admin" })).key;
    keys.viewer = (await createApiKey(OPERATOR, { accountId: A, name: "v", role: "viewer" })).key;
    keys.finance = (await createApiKey(OPERATOR, { accountId: A, name: "f", role: "finance" })).key;
    keys.otherAdmin = (await createApiKey(OPERATOR, { accountId: B, name: "b", role: "admin" })).key;
  });
  afterAll(() => setSystemClock(realClock));

  function request(url: string, body: unknown, key: string | null) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key) headers.authorization = `Bearer ${key}`;
    return new Request(url, { method: "POST", headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  }
  async function post(body: unknown, key: string | null = keys.admin) {
    const res = await register(request("http://x/api/v1/instances", body, key), { params: Promise.resolve({}) });
    return { status: res.status, json: (await res.json()) as Json };
  }
  async function rel(id: string, body?: unknown, key: string | null = keys.admin) {
    const res = await release(request(`http://x/api/v1/instances/${id}/release`, body, key), { params: Promise.resolve({ id }) });
    return { status: res.status, json: (await res.json()) as Json };
  }
  /** Rows the events write, so a refused event can be shown to write none. */
  async function written(accountId = A) {
    const [r] = await query<{ i: string; o: string; s: string; a: string; l: string }>(
      t.handle().db,
      sql`select (select count(*) from instances where account_id = ${accountId}) as i,
                 (select count(*) from orders where account_id = ${accountId}) as o,
                 (select count(*) from instance_state_changes where account_id = ${accountId}) as s,
                 (select count(*) from audit_log where account_id = ${accountId}) as a,
                 (select count(*) from ledger_entries where account_id = ${accountId}) as l`,
    );
    return r;
  }

  let seq = 0;
  const payg = (over: Record<string, unknown> = {}) => ({ id: `i-${seq++}`, productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: "bucket", ...over });

  it.each([
    ["oss", {}],
    ["registry-storage", { productId: "registry-storage" }],
    ["nat-gateway", { productId: "nat-gateway" }],
    ["eip", { productId: "eip" }],
    ["container-registry-personal (free)", { productId: "container-registry-personal", billingMethod: "free" }],
    ["cloud-phone pay-as-you-go group", { productId: "cloud-phone", spec: "acp.std.large", instanceCount: 5, regionId: "ap-southeast-1" }],
  ])("registers %s at the account's clock (201), with a state change and an audit entry", async (_name, over) => {
    const before = await written();
    const body = payg(over);
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.json.order).toBeNull();
    expect(res.json.data).toMatchObject({
      id: body.id,
      accountId: A,
      productId: body.productId,
      regionId: body.regionId,
      billingMethod: body.billingMethod,
      status: "active",
      instanceCount: (over as { instanceCount?: number }).instanceCount ?? 1,
      createdAt: new Date(NOW).toISOString(),
      releasedAt: null,
    });
    const after = await written();
    expect([Number(after.i) - Number(before.i), Number(after.s) - Number(before.s), Number(after.a) - Number(before.a), after.o]).toEqual([1, 1, 1, before.o]);
  });

  it("registers a subscription with its new-purchase order, paid from the balance", async () => {
    const before = await written();
    const res = await post({ id: "sub-1", productId: "cloud-phone", spec: "acp.basic.small", regionId: "cn-hangzhou", billingMethod: "subscription", instanceCount: 2, months: 3, name: "farm" });
    expect(res.status).toBe(201);
    // 9.9057 USD/month × 3 months × 2 instances, rounded once; no term discount under 12 months.
    const payable = roundMoney(dec("9.9057").times(3).times(2)).toFixed(2);
    expect(res.json.data).toMatchObject({ id: "sub-1", billingMethod: "subscription", expiresAt: "2026-06-01T00:00:00.000Z" });
    expect(res.json.order).toMatchObject({ orderType: "new", months: 3, instanceCount: 2, status: "paid", instanceId: "sub-1" });
    expect(dec(res.json.order.payableAmount).toFixed(2)).toBe(payable);
    expect(dec(res.json.order.paidAmount).toFixed(2)).toBe(payable);
    // One format for every order writer: the 18-digit order number, createdBy `key:<id>`, sortable audit ids.
    expect(res.json.order.orderNo).toMatch(/^20260301\d{10}$/);
    const [written1] = await query<{ created_by: string; key_id: string }>(
      t.handle().db,
      sql`select o.created_by, k.id as key_id from orders o join api_keys k on k.account_id = o.account_id and k.name = 'svc' where o.account_id = ${A} and o.instance_id = 'sub-1'`,
    );
    expect(written1.created_by).toBe(`key:${written1.key_id}`);
    const [audit] = await query<{ id: string }>(t.handle().db, sql`select id from audit_log where account_id = ${A} and target_id = 'sub-1' and action = 'instance.register'`);
    expect(audit.id).toMatch(/^aud_[0-9a-z]{13}[0-9a-f]{10}$/);
    const after = await written();
    expect(Number(after.o) - Number(before.o)).toBe(1);
    const [bal] = await query<{ s: string }>(t.handle().db, sql`select sum(amount)::text as s from ledger_entries where account_id = ${A}`);
    expect(dec(bal.s).toFixed(2)).toBe(dec(1000).minus(payable).toFixed(2));
    // Twelve months carry the catalog's 15 % term discount: 9.9057 × 12 = 118.8684 → 118.87 − 17.83.
    const twelve = await post({ id: "sub-12", productId: "cloud-phone", spec: "acp.basic.small", regionId: "cn-hangzhou", billingMethod: "subscription", months: 12, name: "year" });
    expect(twelve.status).toBe(201);
    expect([twelve.json.order.originalAmount, twelve.json.order.discountAmount, twelve.json.order.payableAmount].map((v: string) => dec(v).toFixed(2))).toEqual(["118.87", "17.83", "101.04"]);
  });

  it("takes an optional past createdAt", async () => {
    const res = await post(payg({ id: "past-1", createdAt: "2026-02-10T08:00:00+08:00" }));
    expect(res.status).toBe(201);
    expect(res.json.data.createdAt).toBe("2026-02-10T00:00:00.000Z");
  });

  it("releases at the account's clock with no body, or at a given past instant", async () => {
    await post(payg({ id: "rel-now" }));
    const now = await rel("rel-now");
    expect(now.status).toBe(200);
    expect(now.json.data).toMatchObject({ id: "rel-now", status: "released", releasedAt: new Date(NOW).toISOString() });
    await post(payg({ id: "rel-at", createdAt: "2026-02-01T00:00:00Z" }));
    const at = await rel("rel-at", { at: "2026-02-15T12:00:00Z" });
    expect(at.status).toBe(200);
    expect(at.json.data).toMatchObject({ status: "released", releasedAt: "2026-02-15T12:00:00.000Z" });
    const [changes] = await query<{ n: string }>(
      t.handle().db,
      sql`select count(*) as n from instance_state_changes where account_id = ${A} and instance_id = 'rel-at' and to_status = 'released'`,
    );
    expect(Number(changes.n)).toBe(1);
  });

  const badRegistrations: [string, Record<string, unknown> | string, number, RegExp][] = [
    ["unknown product", payg({ productId: "quantum" }), 400, /^productId: unknown product "quantum"/],
    ["unknown region", payg({ regionId: "mars-1" }), 400, /^regionId: unknown region/],
    ["billing method the product lacks", payg({ billingMethod: "subscription", months: 1 }), 400, /^billingMethod: oss is billed by payg/],
    ["not a billing method", payg({ billingMethod: "barter" }), 400, /^billingMethod: /],
    ["spec missing", payg({ productId: "cloud-phone" }), 400, /^spec: is required for cloud-phone/],
    ["unknown spec", payg({ productId: "cloud-phone", spec: "acp.huge" }), 400, /^spec: cloud-phone has no spec "acp.huge"/],
    ["spec on a product without specs", payg({ spec: "basic" }), 400, /^spec: oss has no specs/],
    ["subscription without months", payg({ productId: "cloud-phone", spec: "acp.basic.small", billingMethod: "subscription" }), 400, /^months: a subscription needs/],
    ["months not offered", payg({ productId: "cloud-phone", spec: "acp.basic.small", billingMethod: "subscription", months: 5 }), 400, /^months: must be one of 1, 2, 3, 6, 12/],
    ["months on pay-as-you-go", payg({ months: 1 }), 400, /^months: only subscription/],
    ["autoRenew on pay-as-you-go", payg({ autoRenew: true }), 400, /^autoRenew: only subscription/],
    ["zero instances", payg({ instanceCount: 0 }), 400, /^instanceCount: must be at least 1/],
    ["fractional instances", payg({ instanceCount: 1.5 }), 400, /^instanceCount: must be a whole number/],
    ["too many instances", payg({ instanceCount: 1001 }), 400, /^instanceCount: must be at most 1000/],
    ["empty name", payg({ name: "  " }), 400, /^name: is required/],
    ["bad id", payg({ id: "has space" }), 400, /^id: must be 1–128 letters/],
    ["future createdAt", payg({ createdAt: "2026-03-01T00:00:01Z" }), 400, /^createdAt: must not be in the future/],
    ["createdAt without offset", payg({ createdAt: "2026-02-01T00:00:00" }), 400, /^createdAt: .*ISO 8601/],
    ["createdAt not a time", payg({ createdAt: "yesterday" }), 400, /^createdAt: /],
    ["unknown field", payg({ colour: "red" }), 400, /colour/],
    ["missing productId", { regionId: "cn-hangzhou", billingMethod: "payg", name: "x" }, 400, /^productId: /],
    ["malformed JSON", "{nope", 400, /not valid JSON/],
    ["existing id", payg({ id: "dup-1" }), 409, /^Instance dup-1 already exists/],
  ];

  it.each(badRegistrations)("refuses a registration with %s (4xx naming the field) and writes nothing", async (name, body, status, message) => {
    if (name === "existing id") expect((await post(body)).status).toBe(201);
    const before = await written();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.json.error.message).toMatch(message);
    expect(await written()).toEqual(before);
  });

  it("refuses a subscription the balance does not cover (402) and writes nothing, not even the order", async () => {
    const poor = uniq("inst-poor");
    await createAccount(OPERATOR, { id: poor, name: "Poor" });
    const key = (await createApiKey(OPERATOR, { accountId: poor, name: "svc", role: "admin" })).key;
    const before = await written(poor);
    const res = await post({ productId: "image-search", spec: "2.5m-5", regionId: "cn-hangzhou", billingMethod: "subscription", months: 1, name: "pkg" }, key);
    expect(res.status).toBe(402);
    expect(res.json.error.code).toBe("payment_required");
    expect(await written(poor)).toEqual(before);
  });

  it("Image Search: the free trial once per account, one new package purchase per calendar month", async () => {
    const acct = uniq("inst-is");
    await createAccount(OPERATOR, { id: acct, name: "Image Search buyer" });
    await topUp(OPERATOR, { amount: "5000" }, acct);
    const key = (await createApiKey(OPERATOR, { accountId: acct, name: "svc", role: "admin" })).key;
    const pkg = (spec: string, extra: object = {}) => ({ productId: "image-search", spec, regionId: "cn-hangzhou", billingMethod: "subscription", months: 1, name: spec, ...extra });

    const trial = await post(pkg("100k-1"), key);
    expect(trial.status).toBe(201);
    // Free: the list price (300) is on the order and wholly discounted.
    expect(trial.json.order).toMatchObject({ status: "paid" });
    expect(dec(trial.json.order.originalAmount).toFixed(2)).toBe("300.00");
    expect(dec(trial.json.order.payableAmount).toFixed(2)).toBe("0.00");

    const before = await written(acct);
    const again = await post(pkg("100k-1"), key);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/once per account/);
    const second = await post(pkg("2.5m-5"), key);
    expect(second.status).toBe(409);
    expect(second.json.error.message).toMatch(/one new package purchase per account per calendar month/);
    expect(await written(acct)).toEqual(before);

    // A fresh account may not stretch the trial either.
    const other = uniq("inst-is2");
    await createAccount(OPERATOR, { id: other, name: "Trial stretcher" });
    const key2 = (await createApiKey(OPERATOR, { accountId: other, name: "svc", role: "admin" })).key;
    const long = await post(pkg("100k-1", { months: 3 }), key2);
    expect(long.status).toBe(400);
    expect(long.json.error.message).toMatch(/^months: the free trial package is one month/);
  });

  it("refuses releases that are bad, repeated, in the future or on another account's instance, writing nothing", async () => {
    await post(payg({ id: "rel-bad", createdAt: "2026-02-01T00:00:00Z" }));
    const cases: [string, unknown, number, RegExp][] = [
      ["rel-bad", { at: "2026-03-01T00:00:01Z" }, 400, /^at: must not be in the future/],
      ["rel-bad", { at: "2026-01-31T23:59:59Z" }, 400, /^at: must not be before the instance was created/],
      ["rel-bad", { at: "soon" }, 400, /^at: /],
      ["rel-bad", { at: "2026-02-10T00:00:00Z", why: "x" }, 400, /why/],
      ["rel-bad", "{nope", 400, /not valid JSON/],
      ["no-such-instance", {}, 404, /not found/],
    ];
    for (const [id, body, status, message] of cases) {
      const before = await written();
      const res = await rel(id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.json.error.message).toMatch(message);
      expect(await written()).toEqual(before);
    }
    // Another account's instance reads exactly like an unknown one.
    const other = await rel("rel-bad", {}, keys.otherAdmin);
    expect(other.status).toBe(404);
    expect(other.json.error.message).toBe("Instance rel-bad not found.");
    expect(await rel("rel-bad", {})).toMatchObject({ status: 200 });
    const before = await written();
    const again = await rel("rel-bad", {});
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already released/);
    expect(await written()).toEqual(before);
  });

  it("lets only admin keys send resource events: viewer and finance 403, no key 401", async () => {
    await post(payg({ id: "perm-1" }));
    const before = await written();
    for (const key of [keys.viewer, keys.finance]) {
      expect((await post(payg(), key)).status).toBe(403);
      expect((await rel("perm-1", {}, key)).status).toBe(403);
    }
    expect((await post(payg(), null)).status).toBe(401);
    expect((await rel("perm-1", {}, null)).status).toBe(401);
    expect((await post(payg(), "bk_not-a-key")).status).toBe(401);
    expect(await written()).toEqual(before);
  });

  it("registers in the caller's own account only", async () => {
    const before = await written(A);
    const res = await post(payg({ id: "b-1" }), keys.otherAdmin);
    expect(res.status).toBe(201);
    expect(res.json.data.accountId).toBe(B);
    expect(await written(A)).toEqual(before);
  });
});
