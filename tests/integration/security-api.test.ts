// The API under a browser-borne attack: a signed-in admin's cookie rides along
// with a form posted from another origin of the same site. Such writes are
// refused and write nothing; the console's own JSON calls still work.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ caller: null as null | Record<string, unknown> }));
vi.mock("@/lib/data/session", () => ({ sessionCaller: async () => session.caller }));

import { and, eq } from "drizzle-orm";
import { POST as registerPOST } from "@/app/api/v1/instances/route";
import { POST as releasePOST } from "@/app/api/v1/instances/[id]/release/route";
import { POST as switchPOST } from "@/app/api/v1/instances/[id]/switch/route";
import { POST as cancelPOST } from "@/app/api/v1/orders/[id]/cancel/route";
import { GET as billLinesGET } from "@/app/api/v1/bill-lines/route";
import { POST as usagePOST } from "@/app/api/v1/usage/route";
import { GET as exportGET } from "@/app/(console)/bill-details/export/route";
import { GET as ledgerGET } from "@/app/api/v1/account/ledger/route";
import { GET as accountGET } from "@/app/api/v1/account/route";
import { registerInstance } from "@/lib/data/resource-events";
import { encodeCursor } from "@/lib/data/bill-lines";
import { instances, ledgerEntries, orders, usageRecords } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { uniq, useTestDatabase } from "./db";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const SITE = "localhost:3000";

function call(handler: unknown, path: string, params: Record<string, string>, init: { headers?: Record<string, string>; body?: string }) {
  const req = new Request(`http://${SITE}${path}`, { method: "POST", headers: { host: SITE, ...init.headers }, body: init.body });
  return (handler as Handler)(req, { params: Promise.resolve(params) });
}

describe("CSRF on session-authenticated API writes", () => {
  const t = useTestDatabase();
  const A = uniq("csrf");
  let key = "";
  let orderId = "";

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-03-01T00:00:00Z"));
    await loadCatalog(t.handle().db, await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "CSRF Co" });
    await topUp(OPERATOR, { amount: "100" }, A);
    key = (await createApiKey(OPERATOR, { accountId: A, name: "svc", role: "admin" })).key;
    const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    for (const id of ["oss-1", "oss-2"]) {
      const body = JSON.stringify({ id, productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: id });
      expect((await call(registerPOST, "/api/v1/instances", {}, { headers: auth, body })).status).toBe(201);
    }
    const phone = JSON.stringify({ id: "cp-1", productId: "cloud-phone", spec: "acp.std.large", instanceCount: 5, regionId: "ap-southeast-1", billingMethod: "payg", name: "phones" });
    expect((await call(registerPOST, "/api/v1/instances", {}, { headers: auth, body: phone })).status).toBe(201);
    const sw = await call(switchPOST, "/api/v1/instances/cp-1/switch", { id: "cp-1" }, { headers: { ...auth, "idempotency-key": "switch-0001" }, body: JSON.stringify({ months: 12 }) });
    const swBody = await sw.json();
    expect(swBody.data).toMatchObject({ paid: false, order: { status: "unpaid" } });
    orderId = swBody.data.order.id;
    session.caller = { kind: "user", accountId: A, userId: "usr_admin", role: "admin", email: "admin@csrf.test", name: "Admin" };
  });
  afterAll(() => {
    session.caller = null;
    setSystemClock(realClock);
  });

  const status = async (id: string) => (await t.handle().db.select().from(instances).where(and(eq(instances.accountId, A), eq(instances.id, id))))[0].status;
  const orderStatus = async () => (await t.handle().db.select().from(orders).where(and(eq(orders.accountId, A), eq(orders.id, orderId))))[0].status;

  it("refuses a form posted from another origin of the same site, and writes nothing", async () => {
    const res = await call(releasePOST, "/api/v1/instances/oss-1/release", { id: "oss-1" }, {
      // A form without fields: an empty body is a valid "release now".
      headers: { origin: "http://localhost:4000", "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/must come from the console itself/);
    expect(await status("oss-1")).toBe("active");
  });

  it("refuses a body-less cookie write without Origin, and a same-origin one that is not JSON", async () => {
    const bare = await call(cancelPOST, `/api/v1/orders/${orderId}/cancel`, { id: orderId }, {});
    expect(bare.status).toBe(403);
    const form = await call(cancelPOST, `/api/v1/orders/${orderId}/cancel`, { id: orderId }, { headers: { origin: `http://${SITE}`, "content-type": "text/plain" }, body: "{}" });
    expect(form.status).toBe(415);
    expect(await orderStatus()).toBe("unpaid");
  });

  it("accepts the console's own JSON call, and key-authenticated calls as before", async () => {
    const own = await call(releasePOST, "/api/v1/instances/oss-1/release", { id: "oss-1" }, { headers: { origin: `http://${SITE}`, "content-type": "application/json" }, body: "{}" });
    expect(own.status).toBe(200);
    expect(await status("oss-1")).toBe("released");
    const withKey = await call(releasePOST, "/api/v1/instances/oss-2/release", { id: "oss-2" }, { headers: { authorization: `Bearer ${key}` } });
    expect(withKey.status).toBe(200);
    expect(await status("oss-2")).toBe("released");
  });
});

describe("malformed input is a 400 with a message, never a 500", () => {
  const t = useTestDatabase();
  const B = uniq("bad-input");
  let key = "";

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-03-01T00:00:00Z"));
    await loadCatalog(t.handle().db, await readCatalogFile());
    await createAccount(OPERATOR, { id: B, name: "Bad Input Co" });
    await registerInstance(OPERATOR, { id: "oss-1", productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: "b", createdAt: "2026-01-01T00:00:00Z" }, B);
    key = (await createApiKey(OPERATOR, { accountId: B, name: "svc", role: "admin" })).key;
  });
  afterAll(() => setSystemClock(realClock));

  async function get(handler: unknown, path: string) {
    const res = await (handler as Handler)(new Request(`http://${SITE}${path}`, { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({}) });
    return { status: res.status, body: await res.text() };
  }

  it.each([
    ["a NUL byte in a text filter", "/api/v1/bill-lines?billingCycle=2026-02&productDetail=oss%00", /productDetail: must not contain NUL/],
    ["a NUL byte in an id filter", "/api/v1/bill-lines?billingCycle=2026-02&instanceId=oss-1%00", /instanceId: must not contain NUL/],
    ["an impossible billing date", "/api/v1/bill-lines?billingCycle=2026-10&billingDate=2026-10-99", /billingDate: must be a day YYYY-MM-DD/],
    ["a forged page token with a bad date", `/api/v1/bill-lines?billingCycle=2026-10&sort=billingDate&nextToken=${encodeCursor({ v: "2026-10-99", i: "x", s: "billingDate:asc", m: "line/DAILY/" })}`, /nextToken: is not a token from this listing/],
    ["a forged page token with a NUL byte", `/api/v1/bill-lines?billingCycle=2026-10&nextToken=${encodeCursor({ v: "2026-10-01", i: "x\u0000", s: "billingDate:asc", m: "line/DAILY/" })}`, /nextToken: is not a token/],
  ])("GET bill-lines: %s", async (_what, path, message) => {
    const res = await get(billLinesGET, path);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(message);
  });

  it("an export with an impossible day is a 400", async () => {
    const res = await get(exportGET, "/bill-details/export?tab=usage&billingCycle=2026-02&from=2026-02-30");
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/from: must be a day YYYY-MM-DD/);
  });

  it("a NUL byte in usage attributes is a 400 and nothing is written", async () => {
    const record = { id: "u-1", instanceId: "oss-1", item: "internet-egress", quantity: "1", start: "2026-02-01T00:00:00Z", end: "2026-02-01T01:00:00Z", attributes: { network: "internet", label: "ci\u0000" } };
    const res = await (usagePOST as Handler)(
      new Request(`http://${SITE}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ records: [record] }) }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/records\[0\]\.attributes\.label: must not contain NUL/);
    expect(await t.handle().db.select().from(usageRecords).where(eq(usageRecords.accountId, B))).toHaveLength(0);
  });
});

describe("API and export response headers", () => {
  const t = useTestDatabase();
  const C = uniq("hdr");
  let key = "";

  beforeAll(async () => {
    await createAccount(OPERATOR, { id: C, name: "Headers Co" });
    key = (await createApiKey(OPERATOR, { accountId: C, name: "svc", role: "admin" })).key;
    await t.handle().db.insert(ledgerEntries).values({ accountId: C, id: "led_formula", entryType: "adjustment", amount: "-5.00", currency: "USD", referenceType: "adjustment", memo: '=HYPERLINK("http://evil.example","refund")', at: new Date("2026-02-01T00:00:00Z") });
  });

  const get = (handler: unknown, path: string, auth = true) =>
    (handler as Handler)(new Request(`http://${SITE}${path}`, { headers: auth ? { authorization: `Bearer ${key}` } : {} }), { params: Promise.resolve({}) });

  it("JSON answers and errors are never cached", async () => {
    for (const res of [await get(accountGET, "/api/v1/account"), await get(accountGET, "/api/v1/account", false)]) {
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("the ledger CSV goes through the export writer: BOM, neutralised formulas, no-store, nosniff", async () => {
    const res = await get(ledgerGET, "/api/v1/account/ledger?format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="ledger.csv"');
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM (Response.text() would drop it)
    const text = bytes.subarray(3).toString("utf8");
    expect(text.startsWith("at,type,amount,currency,reference_type,reference_id,memo,id\r\n")).toBe(true);
    // The memo is text and starts like a formula: prefixed; the negative amount stays a number.
    expect(text).toContain(`,-5.00,USD,adjustment,,"'=HYPERLINK(""http://evil.example"",""refund"")",led_formula`);
  });
});
