// The API for alerts, budgets and webhook endpoints with API keys: roles on
// writes, 400s with nothing written on bad input, 404 across accounts.
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import * as alertsRoute from "@/app/api/v1/alerts/route";
import * as rulesRoute from "@/app/api/v1/alert-rules/route";
import * as ruleRoute from "@/app/api/v1/alert-rules/[id]/route";
import * as budgetsRoute from "@/app/api/v1/budgets/route";
import * as budgetRoute from "@/app/api/v1/budgets/[id]/route";
import * as forecastRoute from "@/app/api/v1/account/forecast/route";
import * as endpointsRoute from "@/app/api/v1/webhook-endpoints/route";
import * as endpointRoute from "@/app/api/v1/webhook-endpoints/[id]/route";
import * as deliveriesRoute from "@/app/api/v1/webhook-endpoints/[id]/deliveries/route";
import { accounts } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import type { ApiResponse } from "./api-client";
import { contractViolations } from "./api-contract";
import { uniq, useTestDatabase } from "./db";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(h: unknown, key: string, method: string, path: string, body?: unknown, params: Record<string, string> = {}) {
  const res = await (h as Handler)(
    new Request(`http://localhost${path}`, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) }),
    { params: Promise.resolve(params) },
  );
  const out = { status: res.status, body: (await res.json()) as Record<string, unknown> & { data: never } };
  seen.push({ method, path, status: out.status, json: out.body });
  return out;
}
const seen: ApiResponse[] = [];

describe("alerts and webhooks API", () => {
  const t = useTestDatabase();
  const keys: Record<string, string> = {};
  let other = "";
  beforeAll(async () => {
    const db = t.handle().db;
    await loadCatalog(db, await readCatalogFile());
    const id = uniq("api-al");
    other = uniq("api-al-other");
    await db.insert(accounts).values([{ id, name: id }, { id: other, name: other }]);
    for (const role of ["admin", "finance", "viewer"] as const) keys[role] = (await createApiKey(OPERATOR, { accountId: id, name: role, role })).key;
    keys.other = (await createApiKey(OPERATOR, { accountId: other, name: "o", role: "admin" })).key;
  });

  it("budgets: finance creates, viewer cannot; bad input is a 400 and writes nothing", async () => {
    const created = await call(budgetsRoute.POST, keys.finance, "POST", "/api/v1/budgets", { amount: "250.00", productId: "cloud-phone", actualThresholds: [80, 50] });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ kind: "budget", amount: "250.00", productId: "cloud-phone", actualThresholds: [50, 80], forecastThresholds: [100] });
    expect((await call(budgetsRoute.POST, keys.viewer, "POST", "/api/v1/budgets", { amount: "1" })).status).toBe(403);
    for (const bad of [{ amount: "1.234" }, { amount: "abc" }, { amount: "0" }, { amount: "5", actualThresholds: [0] }, { amount: "5", productId: "nope" }, "not json", [1]]) {
      const r = await call(budgetsRoute.POST, keys.admin, "POST", "/api/v1/budgets", bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error).toMatchObject({ code: "bad_request" });
    }
    const list = await call(budgetsRoute.GET, keys.viewer, "GET", "/api/v1/budgets");
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ spendToDate: "0.00", forecast: "0.00", forecastMethod: expect.stringContaining("run rate") });
    const id = (created.body.data as { id: string }).id;
    expect((await call(budgetRoute.GET, keys.other, "GET", `/api/v1/budgets/${id}`, undefined, { id })).status).toBe(404);
    expect((await call(budgetRoute.DELETE, keys.viewer, "DELETE", `/api/v1/budgets/${id}`, undefined, { id })).status).toBe(403);
    expect((await call(budgetRoute.DELETE, keys.admin, "DELETE", `/api/v1/budgets/${id}`, undefined, { id })).status).toBe(200);
    expect((await call(budgetsRoute.GET, keys.admin, "GET", "/api/v1/budgets")).body.data).toHaveLength(0);
  });

  it("alert rules of each kind, alerts list and the forecast read for every role", async () => {
    expect((await call(rulesRoute.POST, keys.admin, "POST", "/api/v1/alert-rules", { kind: "low_balance", amount: "50" })).status).toBe(201);
    expect((await call(rulesRoute.POST, keys.admin, "POST", "/api/v1/alert-rules", { kind: "overdue" })).status).toBe(201);
    expect((await call(rulesRoute.POST, keys.admin, "POST", "/api/v1/alert-rules", { kind: "weird" })).status).toBe(400);
    const rules = await call(rulesRoute.GET, keys.viewer, "GET", "/api/v1/alert-rules?kind=low_balance");
    expect(rules.body.data).toEqual([expect.objectContaining({ kind: "low_balance", amount: "50.00" })]);
    expect((await call(rulesRoute.GET, keys.viewer, "GET", "/api/v1/alert-rules?kind=nope")).status).toBe(400);
    const one = (rules.body.data as { id: string }[])[0].id;
    expect((await call(ruleRoute.GET, keys.other, "GET", `/api/v1/alert-rules/${one}`, undefined, { id: one })).status).toBe(404);
    expect((await call(alertsRoute.GET, keys.viewer, "GET", "/api/v1/alerts")).body).toEqual({ data: [], nextToken: null, totalCount: 0 });
    expect((await call(alertsRoute.GET, keys.viewer, "GET", "/api/v1/alerts?nextToken=garbage")).status).toBe(400);
    expect((await call(alertsRoute.GET, keys.viewer, "GET", "/api/v1/alerts?limit=0")).status).toBe(400);
    const fc = await call(forecastRoute.GET, keys.viewer, "GET", "/api/v1/account/forecast");
    expect(fc.body.data).toMatchObject({ amount: "0.00", method: expect.stringContaining("run rate of the last 7 days") });
  });

  it("webhook endpoints: admin only, reads included; the secret once; private targets refused unless the operator allows them", async () => {
    delete process.env.WEBHOOKS_ALLOW_PRIVATE;
    expect((await call(endpointsRoute.POST, keys.admin, "POST", "/api/v1/webhook-endpoints", { url: "http://127.0.0.1:9/x", events: ["bill.closed"] })).status).toBe(400);
    process.env.WEBHOOKS_ALLOW_PRIVATE = "1";
    expect((await call(endpointsRoute.POST, keys.finance, "POST", "/api/v1/webhook-endpoints", { url: "http://127.0.0.1:9/x", events: ["bill.closed"] })).status).toBe(403);
    expect((await call(endpointsRoute.POST, keys.admin, "POST", "/api/v1/webhook-endpoints", { url: "http://127.0.0.1:9/x", events: [] })).status).toBe(400);
    const created = await call(endpointsRoute.POST, keys.admin, "POST", "/api/v1/webhook-endpoints", { url: "http://127.0.0.1:9/x", events: ["bill.closed", "order.paid"] });
    expect(created.status).toBe(201);
    const e = created.body.data as { id: string; secret: string; secretHint: string };
    expect(e.secret).toMatch(/^whsec_/);
    // Receiver URLs often carry tokens: only admins read endpoints.
    expect((await call(endpointsRoute.GET, keys.finance, "GET", "/api/v1/webhook-endpoints")).status).toBe(403);
    const list = await call(endpointsRoute.GET, keys.admin, "GET", "/api/v1/webhook-endpoints");
    expect(list.body.data).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(e.secret);
    const patched = await call(endpointRoute.PATCH, keys.admin, "PATCH", `/api/v1/webhook-endpoints/${e.id}`, { enabled: false }, { id: e.id });
    expect(patched.body.data).toMatchObject({ enabled: false });
    expect((await call(endpointRoute.PATCH, keys.admin, "PATCH", `/api/v1/webhook-endpoints/${e.id}`, {}, { id: e.id })).status).toBe(400);
    expect((await call(endpointRoute.GET, keys.other, "GET", `/api/v1/webhook-endpoints/${e.id}`, undefined, { id: e.id })).status).toBe(404);
    expect((await call(deliveriesRoute.GET, keys.viewer, "GET", `/api/v1/webhook-endpoints/${e.id}/deliveries`, undefined, { id: e.id })).status).toBe(403);
    expect((await call(deliveriesRoute.GET, keys.admin, "GET", `/api/v1/webhook-endpoints/${e.id}/deliveries`, undefined, { id: e.id })).body).toEqual({ data: [], nextToken: null, totalCount: 0 });
    expect((await call(endpointRoute.DELETE, keys.admin, "DELETE", `/api/v1/webhook-endpoints/${e.id}`, undefined, { id: e.id })).status).toBe(200);
    expect((await call(endpointsRoute.GET, keys.admin, "GET", "/api/v1/webhook-endpoints")).body.data).toHaveLength(0);
  });

  // Runs after the tests above, over every response they got.
  it("every response has exactly the fields, types and formats the OpenAPI document gives its operation", () => {
    const { checked, violations } = contractViolations(seen);
    expect(violations).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(8);
  });
});
