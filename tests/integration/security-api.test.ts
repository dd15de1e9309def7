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
import { instances, orders } from "@/db/schema";
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
      headers: { origin: "http://localhost:4000", "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
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
