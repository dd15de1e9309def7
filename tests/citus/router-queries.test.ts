// Every tenant query goes to one shard. One account is driven through
// everything the console and the API do — every /api/v1 route, the lib/data
// functions behind every console tab and server action, sign-in, the session
// and API-key checks, the bulk import, the exports, the billing jobs and the
// webhook deliveries for that account — while every statement sent is
// recorded. Each distinct statement is then EXPLAINed with the parameters it
// was sent with: whatever touches a distributed table must be planned by Citus
// as a router query (every "Task Count:" is 1), so one account's work never
// fans out to every shard.
// Runs only on a Citus cluster: `source scripts/citus-temp.sh && citus_temp_start`.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ user: null as null | Record<string, unknown> }));
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => (session.user ? { user: session.user } : null) }));

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { and, eq, sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, setHandle, type DbHandle } from "@/db/client";
import { users, webhookDeliveries } from "@/db/schema";
import { GET as accountGET } from "@/app/api/v1/account/route";
import { GET as ledgerGET } from "@/app/api/v1/account/ledger/route";
import { GET as overdueGET } from "@/app/api/v1/account/overdue/route";
import { GET as forecastGET } from "@/app/api/v1/account/forecast/route";
import { POST as topUpPOST } from "@/app/api/v1/account/top-ups/route";
import { GET as billLinesGET } from "@/app/api/v1/bill-lines/route";
import { GET as billsGET } from "@/app/api/v1/bills/route";
import { GET as billGET } from "@/app/api/v1/bills/[id]/route";
import { GET as catalogGET } from "@/app/api/v1/catalog/route";
import { GET as instancesGET, POST as registerPOST } from "@/app/api/v1/instances/route";
import { GET as instanceGET } from "@/app/api/v1/instances/[id]/route";
import { POST as autoRenewPOST } from "@/app/api/v1/instances/[id]/auto-renew/route";
import { POST as changeSpecPOST } from "@/app/api/v1/instances/[id]/change-spec/route";
import { GET as quoteGET } from "@/app/api/v1/instances/[id]/quote/route";
import { POST as releasePOST } from "@/app/api/v1/instances/[id]/release/route";
import { POST as renewPOST } from "@/app/api/v1/instances/[id]/renew/route";
import { POST as switchPOST } from "@/app/api/v1/instances/[id]/switch/route";
import { POST as unsubscribePOST } from "@/app/api/v1/instances/[id]/unsubscribe/route";
import { GET as ordersGET } from "@/app/api/v1/orders/route";
import { POST as cancelPOST } from "@/app/api/v1/orders/[id]/cancel/route";
import { POST as payPOST } from "@/app/api/v1/orders/[id]/pay/route";
import { GET as clockGET, POST as clockPOST } from "@/app/api/v1/test-clock/route";
import { POST as usagePOST } from "@/app/api/v1/usage/route";
import { GET as alertsGET } from "@/app/api/v1/alerts/route";
import { POST as alertsReadPOST } from "@/app/api/v1/alerts/read/route";
import { GET as alertRulesGET, POST as alertRulesPOST } from "@/app/api/v1/alert-rules/route";
import { DELETE as alertRuleDELETE, GET as alertRuleGET } from "@/app/api/v1/alert-rules/[id]/route";
import { GET as budgetsGET, POST as budgetsPOST } from "@/app/api/v1/budgets/route";
import { DELETE as budgetDELETE, GET as budgetGET } from "@/app/api/v1/budgets/[id]/route";
import { GET as endpointsGET, POST as endpointsPOST } from "@/app/api/v1/webhook-endpoints/route";
import { DELETE as endpointDELETE, GET as endpointGET, PATCH as endpointPATCH } from "@/app/api/v1/webhook-endpoints/[id]/route";
import { GET as deliveriesGET } from "@/app/api/v1/webhook-endpoints/[id]/deliveries/route";
import { POST as resendPOST } from "@/app/api/v1/webhook-endpoints/[id]/deliveries/[deliveryId]/resend/route";
import { GET as exportGET } from "@/app/(console)/bill-details/export/route";
import { POST as tagsPOST } from "@/app/api/v1/instances/[id]/tags/route";
import { GET as opsAccountGET, PATCH as opsAccountPATCH } from "@/app/api/ops/v1/accounts/[accountId]/route";
import { POST as opsVouchersPOST } from "@/app/api/ops/v1/accounts/[accountId]/vouchers/route";
import { POST as opsVoucherRevokePOST } from "@/app/api/ops/v1/accounts/[accountId]/vouchers/[voucherId]/revoke/route";
import { POST as opsCouponsPOST } from "@/app/api/ops/v1/accounts/[accountId]/coupons/route";
import { POST as opsCouponRevokePOST } from "@/app/api/ops/v1/accounts/[accountId]/coupons/[couponId]/revoke/route";
import { GET as opsAdjustmentsGET, POST as opsAdjustmentsPOST } from "@/app/api/ops/v1/accounts/[accountId]/adjustments/route";
import { createOperatorKey } from "@/lib/data/operator-keys";
import { listAdjustments } from "@/lib/data/operator-adjustments";
import { setInstanceTags, tagChoices } from "@/lib/data/tags";
import { getCostAllocation } from "@/lib/data/views/allocation";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { getAccount, getAccountOverview, getBalance, getConsoleShell, getOverdueStatus } from "@/lib/data/account";
import {
  budgetProducts, createAlertRule, deleteAlertRule, getAlertRule, getForecast, listAlertRules, listAlerts, listBudgets, markAlertsRead,
} from "@/lib/data/alerts";
import { listAudit } from "@/lib/data/audit";
import { authenticateCredentials, endSessions } from "@/lib/data/auth";
import { listBillLines } from "@/lib/data/bill-lines";
import { getAccountSummary, getBill, listBills } from "@/lib/data/bills";
import { apiKeyCaller, OPERATOR, type TenantCaller } from "@/lib/data/caller";
import { getCatalogNames, getCatalogView } from "@/lib/data/catalog";
import { getInstance, getInstanceDetail, instanceChoices, listInstances } from "@/lib/data/instances";
import { ledgerExport, ledgerPage, listLedger } from "@/lib/data/ledger";
import { cancelUnpaidOrder, lifecycleOptions, listOrders, payUnpaidOrder, quoteLifecycle, runLifecycleAction, setAutoRenew } from "@/lib/data/lifecycle";
import { createAccount, createApiKey, createUser } from "@/lib/data/operator";
import { getLocalePreference, saveLocalePreference } from "@/lib/data/preferences";
import { registerInstance, releaseInstance } from "@/lib/data/resource-events";
import { requireSessionCaller, sessionCaller } from "@/lib/data/session";
import { advanceTestClock, getTestClock } from "@/lib/data/test-clock";
import { topUp } from "@/lib/data/top-ups";
import { ingestUsage } from "@/lib/data/usage";
import { importUsage } from "@/lib/data/usage-import";
import { createWebhookEndpoint, deleteWebhookEndpoint, getWebhookEndpoint, listDeliveries, listWebhookEndpoints, resendDelivery, updateWebhookEndpoint } from "@/lib/data/webhooks";
import { getColumnPreference, saveColumnPreference } from "@/lib/data/views/columns";
import { exportBillLines, exportBills, exportFocus, exportSummary, exportUsage } from "@/lib/data/views/exports";
import { filterChoices } from "@/lib/data/views/facets";
import { getOverview } from "@/lib/data/views/overview";
import { getSummary, SUMMARY_DIMENSIONS } from "@/lib/data/views/summary";
import { listUsage, usageItems } from "@/lib/data/views/usage";
import { runJobs } from "@/lib/jobs/run";
import { deliverPending } from "@/lib/webhooks/deliver";
import { DIMENSIONS } from "@/lib/data/bill-lines";
import { uniq } from "../integration/db";
import { checkPlan, control, touched } from "./plans";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Captured {
  text: string;
  params: unknown[][];
}
const PARAM_SETS_PER_STATEMENT = 4;
const PASSWORD = "router-queries-password-1";

describe("every tenant query is a router query on one shard", () => {
  let handle: DbHandle;
  let raw: postgres.Sql;
  const captured = new Map<string, Captured>();
  let capturing = false;
  const A = uniq("rq").toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 40);
  const EMAIL = `${A}@router.test`;
  let key = "";
  let opKey = "";
  let me: TenantCaller;
  let userId = "";

  beforeAll(async () => {
    if (!process.env.DATABASE_URL) throw new Error("Run on a Citus cluster: source scripts/citus-temp.sh && citus_temp_start");
    handle = await openDatabase({
      url: process.env.DATABASE_URL,
      onQuery: (text, params) => {
        if (!capturing) return;
        const c = captured.get(text) ?? { text, params: [] };
        const p = JSON.stringify(params);
        if (c.params.length < PARAM_SETS_PER_STATEMENT && !c.params.some((q) => JSON.stringify(q) === p)) c.params.push(params);
        captured.set(text, c);
      },
    });
    await migrateDatabase(handle);
    setHandle(handle);
    raw = postgres(process.env.DATABASE_URL, { max: 2, onnotice: () => {}, connection: { TimeZone: "UTC" } });
    const [{ n }] = await raw`select count(*)::int as n from pg_extension where extname = 'citus'`;
    if (n !== 1) throw new Error("DATABASE_URL is not a Citus cluster");
    // Setup by the operator (not what a tenant's console or API issues).
    await loadCatalog(handle.db, await readCatalogFile());
    setSystemClock(fixedClock("2026-10-01T00:00:00Z"));
    process.env.BILLING_TEST_CLOCK = "1";
    process.env.WEBHOOKS_ALLOW_PRIVATE = "1";
    await createAccount(OPERATOR, { id: A, name: "Router Queries", timeZone: "Europe/Berlin" });
    userId = (await createUser(OPERATOR, { accountId: A, email: EMAIL, name: "Rita", password: PASSWORD, role: "admin" })).id;
    key = (await createApiKey(OPERATOR, { accountId: A, name: "rq", role: "admin" })).key;
    opKey = (await createOperatorKey(OPERATOR, { name: "rq operator" })).key;
    me = { kind: "user", accountId: A, userId, role: "admin", email: EMAIL, name: "Rita" };
  }, 300_000);

  afterAll(async () => {
    delete process.env.BILLING_TEST_CLOCK;
    delete process.env.WEBHOOKS_ALLOW_PRIVATE;
    setSystemClock(realClock);
    setHandle(null);
    await raw?.end({ timeout: 5 });
    await handle?.close();
  });

  let seq = 0;
  async function call(h: unknown, method: string, path: string, body?: unknown, params: Record<string, string> = {}, bearer = key) {
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, "content-type": "application/json", "idempotency-key": `rq-${A}-${seq++}` };
    const res = await (h as Handler)(new Request(`http://localhost${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), {
      params: Promise.resolve(params),
    });
    const text = await res.text();
    const json = res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
    if (res.status >= 500) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { status: res.status, json };
  }
  const get = async (h: unknown, path: string, params?: Record<string, string>) => {
    const r = await call(h, "GET", path, undefined, params);
    expect(r.status, `GET ${path}: ${JSON.stringify(r.json).slice(0, 300)}`).toBe(200);
    return r;
  };
  const post = (h: unknown, path: string, body: unknown = {}, params?: Record<string, string>) => call(h, "POST", path, body, params);
  /** The operator API (/api/ops/v1) for this one account, with an operator key. */
  const ops = (h: unknown, method: string, path: string, body?: unknown, params: Record<string, string> = {}) =>
    call(h, method, `/api/ops/v1/accounts/${A}${path}`, body, { accountId: A, ...params }, opKey);
  const drain = async (e: { body: ReadableStream<Uint8Array> }) => {
    let n = 0;
    for await (const chunk of e.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
    return n;
  };
  const ok = (r: { status: number; json: unknown }) => expect(r.status, JSON.stringify(r.json)).toBeLessThan(300);
  const clock = async (now: string) => {
    const r = await post(clockPOST, "/api/v1/test-clock", { now });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  };

  async function drive() {
    // ── Money and resources (API) ──
    ok(await post(topUpPOST, "/api/v1/account/top-ups", { amount: "1000.00" }));
    await clock("2026-10-01T00:00:00Z");
    const register = async (body: Record<string, unknown>) => {
      const r = await post(registerPOST, "/api/v1/instances", body);
      expect(r.status, JSON.stringify(r.json)).toBe(201);
    };
    await register({ id: "cp-payg", productId: "cloud-phone", spec: "acp.std.small", regionId: "cn-hangzhou", billingMethod: "payg", instanceCount: 3, name: "phones", createdAt: "2026-10-01T00:00:00Z" });
    await register({ id: "cp-sub", productId: "cloud-phone", spec: "acp.basic.small", regionId: "eu-central-1", billingMethod: "subscription", months: 1, autoRenew: true, name: "sub phones" });
    await register({ id: "oss-1", productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: "bucket", createdAt: "2026-10-01T00:00:00Z", tags: { team: "storage" }, resourceGroup: "platform" });
    await register({ id: "is-1", productId: "image-search", spec: "2.5m-5", regionId: "cn-shanghai", billingMethod: "subscription", months: 1, name: "search" });
    await register({ id: "nat-1", productId: "nat-gateway", spec: null, regionId: "cn-hangzhou", billingMethod: "payg", name: "nat", createdAt: "2026-10-01T00:00:00Z" });
    const usage = (id: string, instanceId: string, item: string, quantity: string, start: string, end: string, attributes?: Record<string, unknown>) => ({ id, instanceId, item, quantity, start, end, attributes });
    const records = [];
    for (let d = 1; d <= 9; d++) {
      const day = `2026-10-0${d}`;
      records.push(usage(`eg-${d}`, "oss-1", "internet-egress", "2.5", `${day}T10:00:00Z`, `${day}T11:00:00Z`, { network: "internet" }));
      records.push(usage(`st-${d}`, "oss-1", "storage", "10", `${day}T00:00:00Z`, `${day}T01:00:00Z`, { layerDigest: "bucket:oss-1", bytes: 10 * 1024 ** 3 }));
      records.push(usage(`is-${d}`, "is-1", "images-indexed", "1000", `${day}T12:00:00Z`, `${day}T12:00:00Z`));
    }
    await clock("2026-10-10T00:00:00Z");
    ok(await post(usagePOST, "/api/v1/usage", { records }));
    // Tags changed mid-month (the resource event), and by an admin in the console.
    ok(await post(tagsPOST, "/api/v1/instances/oss-1/tags", { tags: { team: "data", env: "prod" }, resourceGroup: "analytics", at: "2026-10-05T00:00:00Z" }, { id: "oss-1" }));
    await setInstanceTags(me, "cp-payg", { tags: { team: "phones" } });
    // More images than the search package holds: its quota is used up.
    ok(await post(usagePOST, "/api/v1/usage", { records: [usage("is-big", "is-1", "images-indexed", "3000000", "2026-10-09T12:00:00Z", "2026-10-09T12:00:00Z")] }));
    // Re-sent (duplicates) and a clash (409): the look-up of stored ids.
    ok(await post(usagePOST, "/api/v1/usage", { records: records.slice(0, 2) }));
    expect((await post(usagePOST, "/api/v1/usage", { records: [{ ...records[0], quantity: "9" }] })).status).toBe(409);
    // Alert rules, budgets and webhook endpoints before the jobs fire them.
    ok(await post(alertRulesPOST, "/api/v1/alert-rules", { kind: "low_balance", amount: "1000" }));
    ok(await post(alertRulesPOST, "/api/v1/alert-rules", { kind: "overdue" }));
    const budget = await post(budgetsPOST, "/api/v1/budgets", { amount: "5.00", productId: "oss", actualThresholds: [50, 80] });
    ok(budget);
    ok(await post(budgetsPOST, "/api/v1/budgets", { amount: "10.00" }));
    const ep = await post(endpointsPOST, "/api/v1/webhook-endpoints", { url: "http://127.0.0.1:9/hook", events: ["alert.fired", "account.overdue", "resource.state_changed", "order.paid", "refund.created", "bill.closed"] });
    expect(ep.status, JSON.stringify(ep.json)).toBe(201);
    const endpointId = ep.json.data.id as string;
    const ep2 = await post(endpointsPOST, "/api/v1/webhook-endpoints", { url: "http://127.0.0.1:9/two", events: ["alert.fired"] });
    const ep2Id = ep2.json.data.id as string;
    await clock("2026-10-15T00:00:00Z");

    // ── Lifecycle actions (API). The balance (about 185) does not cover a year: such orders wait unpaid ──
    ok(await get(quoteGET, "/api/v1/instances/cp-payg/quote?action=switch&months=12", { id: "cp-payg" }));
    const unpaidSwitch = async () => {
      const r = await post(switchPOST, "/api/v1/instances/cp-payg/switch", { months: 12 }, { id: "cp-payg" });
      ok(r);
      expect(r.json.data.order.status).toBe("unpaid");
      return r.json.data.order.id as string;
    };
    const cancelled = await unpaidSwitch();
    ok(await post(cancelPOST, `/api/v1/orders/${cancelled}/cancel`, {}, { id: cancelled }));
    await cancelUnpaidOrder(me, await unpaidSwitch());
    // Left unpaid: the jobs expire it after a day.
    const expiring = await unpaidSwitch();
    await clock("2026-10-16T01:00:00Z");
    const toPay = await unpaidSwitch();
    ok(await post(topUpPOST, "/api/v1/account/top-ups", { amount: "2000.00" }));
    ok(await post(payPOST, `/api/v1/orders/${toPay}/pay`, {}, { id: toPay }));
    ok(await post(renewPOST, "/api/v1/instances/cp-sub/renew", { months: 1 }, { id: "cp-sub" }));
    ok(await get(quoteGET, "/api/v1/instances/cp-sub/quote?action=change-spec&spec=acp.std.medium", { id: "cp-sub" }));
    ok(await post(changeSpecPOST, "/api/v1/instances/cp-sub/change-spec", { spec: "acp.std.medium" }, { id: "cp-sub" }));
    ok(await post(autoRenewPOST, "/api/v1/instances/cp-sub/auto-renew", { enabled: false }, { id: "cp-sub" }));
    ok(await post(unsubscribePOST, "/api/v1/instances/cp-sub/unsubscribe", { instanceCount: 1 }, { id: "cp-sub" }));
    await register({ id: "cr-ee", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", months: 1, name: "registry" });
    const orders = await get(ordersGET, "/api/v1/orders?limit=2");
    ok(orders);
    await get(ordersGET, `/api/v1/orders?limit=1&status=paid&instanceId=cp-sub&nextToken=${orders.json.nextToken ?? ""}`);
    ok(await post(releasePOST, "/api/v1/instances/nat-1/release", { at: "2026-10-15T00:00:00Z" }, { id: "nat-1" }));
    // The server actions' paths for the same actions (lib/data directly).
    await quoteLifecycle(me, "cr-ee", { action: "renew", months: 12 });
    await lifecycleOptions(me, "cr-ee");
    await runLifecycleAction(me, "cr-ee", { action: "renew", months: 1 }, `rq-renew-${A}`);
    await expect(payUnpaidOrder(me, "no-such-order")).rejects.toThrow();
    await setAutoRenew(me, "cr-ee", { enabled: true, months: 1 }, `rq-auto-${A}`);
    await registerInstance(me, { id: "eip-1", productId: "eip", regionId: "cn-hangzhou", billingMethod: "payg", name: "ip", createdAt: "2026-10-02T00:00:00Z" });
    await releaseInstance(me, "eip-1", {});
    await topUp(me, { amount: "10.00" });
    await ingestUsage(me, { records: [usage("eg-x", "oss-1", "internet-egress", "1", "2026-10-12T10:00:00Z", "2026-10-12T11:00:00Z", { network: "internet" })] });

    // ── Jobs: a month end closes the cycle; webhook deliveries go out (nothing listens on :9) ──
    await clock("2026-11-02T00:00:00Z");
    await runJobs(handle.db, { now: new Date("2026-11-03T00:00:00Z"), accountIds: [A] });
    await deliverPending(handle.db, { accountIds: [A], now: () => new Date("2026-11-03T00:00:00Z") });

    // ── The operator API for this account: terms, a voucher and a coupon issued and revoked, an adjustment to the closed October ──
    expect((await ops(opsAccountGET, "GET", "")).status).toBe(200);
    ok(await ops(opsAccountPATCH, "PATCH", "", { creditLimit: "100.00", reason: "router queries" }));
    const voucher = await ops(opsVouchersPOST, "POST", "/vouchers", { amount: "20.00", expiresAt: "2027-06-01T00:00:00Z", productIds: ["oss"], reason: "router queries" });
    expect(voucher.status, JSON.stringify(voucher.json)).toBe(201);
    ok(await ops(opsVoucherRevokePOST, "POST", `/vouchers/${voucher.json.data.id}/revoke`, { reason: "router queries" }, { voucherId: voucher.json.data.id }));
    const coupon = await ops(opsCouponsPOST, "POST", "/coupons", { percentOff: "10", maxValue: "30.00", usageLimit: 3, expiresAt: "2027-06-01T00:00:00Z", reason: "router queries" });
    expect(coupon.status, JSON.stringify(coupon.json)).toBe(201);
    ok(await ops(opsCouponRevokePOST, "POST", `/coupons/${coupon.json.data.id}/revoke`, { reason: "router queries" }, { couponId: coupon.json.data.id }));
    const adjusted = await ops(opsAdjustmentsPOST, "POST", "/adjustments", { kind: "credit", amount: "5.00", billingCycle: "2026-10", productId: "oss", reason: "router queries" });
    expect(adjusted.status, JSON.stringify(adjusted.json)).toBe(201);
    expect((await ops(opsAdjustmentsGET, "GET", "/adjustments")).status).toBe(200);

    // ── Reads (API) ──
    await get(accountGET, "/api/v1/account");
    await get(overdueGET, "/api/v1/account/overdue");
    await get(forecastGET, "/api/v1/account/forecast");
    for (const qs of ["", "?type=top_up", "?from=2026-10-01&to=2026-10-31&limit=2", "?format=csv"]) await get(ledgerGET, `/api/v1/account/ledger${qs}`);
    const page1 = await get(ledgerGET, "/api/v1/account/ledger?limit=1");
    if (page1.json.nextToken) await get(ledgerGET, `/api/v1/account/ledger?limit=1&nextToken=${page1.json.nextToken}`);
    const lineQueries = [
      "", "&granularity=MONTHLY", "&statisticItem=instance", "&statisticItem=product", "&statisticItem=instance&granularity=MONTHLY",
      ...DIMENSIONS.map((d) => `&groupBy=${d}`), "&productId=oss&productId=cloud-phone", "&billingMethod=payg", "&regionId=cn-hangzhou",
      "&instanceId=oss-1", "&billableItemId=oss.storage", "&productDetail=x", "&isHideZeroCharge=true", "&billingDate=2026-10-05",
      "&sort=pretaxAmount:desc", "&sort=productName", "&sort=billingDate:desc&limit=3", "&format=csv", "&format=focus", "&format=csv&columns=productCode,pretaxAmount",
      "&tagKey=team&tagValue=data", "&tagKey=team&tagValue=(untagged)", "&resourceGroup=analytics", "&resourceGroup=(none)",
      "&groupBy=tag&tagKey=team", "&groupBy=resourceGroup", "&groupBy=tag&tagKey=env&format=csv",
    ];
    for (const q of lineQueries) await get(billLinesGET, `/api/v1/bill-lines?billingCycle=2026-10${q}`);
    for (const sort of ["billingDate:asc", "pretaxAmount:desc", "instanceName:asc"]) {
      const first = await get(billLinesGET, `/api/v1/bill-lines?billingCycle=2026-10&limit=2&sort=${sort}`);
      if (first.json.nextToken) await get(billLinesGET, `/api/v1/bill-lines?billingCycle=2026-10&limit=2&sort=${sort}&nextToken=${first.json.nextToken}`);
    }
    // Groups by instance: the page's groups come from the kept per-instance totals (and a cursor continues them).
    const byInstance = "/api/v1/bill-lines?billingCycle=2026-10&groupBy=instanceId&granularity=MONTHLY&limit=1";
    const grouped = await get(billLinesGET, byInstance);
    if (grouped.json.nextToken) await get(billLinesGET, `${byInstance}&nextToken=${grouped.json.nextToken}`);
    const bills = await get(billsGET, "/api/v1/bills?billingCycle=2026-10");
    await get(billsGET, "/api/v1/bills?billingCycle=2026-10&type=payg&type=renewal&limit=1");
    await get(billsGET, "/api/v1/bills?billingCycle=2026-10&tagKey=team&tagValue=data&resourceGroup=analytics");
    const billIds = ((bills.json.data ?? []) as { id: string }[]).map((b) => b.id);
    expect(billIds.length).toBeGreaterThan(0);
    for (const id of billIds.slice(0, 4)) await get(billGET, `/api/v1/bills/${id}?limit=2`, { id });
    await get(catalogGET, "/api/v1/catalog?prices=all");
    await get(catalogGET, "/api/v1/catalog?productId=oss&billingMethod=payg");
    for (const qs of ["", "?status=active", "?billingMethod=subscription&productId=cloud-phone"]) await get(instancesGET, `/api/v1/instances${qs}`);
    for (const id of ["cp-payg", "cp-sub", "is-1", "oss-1"]) await get(instanceGET, `/api/v1/instances/${id}`, { id });
    await get(clockGET, "/api/v1/test-clock");
    const alerts = await get(alertsGET, "/api/v1/alerts?limit=1");
    if (alerts.json.nextToken) await get(alertsGET, `/api/v1/alerts?limit=1&nextToken=${alerts.json.nextToken}`);
    // Unread marks are per signed-in user (markAlertsRead below): an API key is refused.
    expect((await post(alertsReadPOST, "/api/v1/alerts/read")).status).toBe(400);
    const rules = await get(alertRulesGET, "/api/v1/alert-rules");
    await get(alertRulesGET, "/api/v1/alert-rules?kind=low_balance");
    const ruleId = (rules.json.data as { id: string }[])[0].id;
    await get(alertRuleGET, `/api/v1/alert-rules/${ruleId}`, { id: ruleId });
    await get(budgetsGET, "/api/v1/budgets");
    await get(budgetGET, `/api/v1/budgets/${budget.json.data.id}`, { id: budget.json.data.id });
    await get(endpointsGET, "/api/v1/webhook-endpoints");
    await get(endpointGET, `/api/v1/webhook-endpoints/${endpointId}`, { id: endpointId });
    const deliveries = await get(deliveriesGET, `/api/v1/webhook-endpoints/${endpointId}/deliveries?limit=2`, { id: endpointId });
    if (deliveries.json.nextToken) await get(deliveriesGET, `/api/v1/webhook-endpoints/${endpointId}/deliveries?limit=2&nextToken=${deliveries.json.nextToken}`, { id: endpointId });
    const deliveryId = (deliveries.json.data as { id: string }[])[0]?.id;
    expect(deliveryId, "the jobs emitted events to the endpoint").toBeTruthy();
    ok(await post(resendPOST, `/api/v1/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/resend`, {}, { id: endpointId, deliveryId }));
    ok(await call(endpointPATCH, "PATCH", `/api/v1/webhook-endpoints/${ep2Id}`, { enabled: false, description: "off" }, { id: ep2Id }));
    ok(await call(endpointDELETE, "DELETE", `/api/v1/webhook-endpoints/${ep2Id}`, undefined, { id: ep2Id }));
    ok(await call(budgetDELETE, "DELETE", `/api/v1/budgets/${budget.json.data.id}`, undefined, { id: budget.json.data.id }));
    ok(await call(alertRuleDELETE, "DELETE", `/api/v1/alert-rules/${ruleId}`, undefined, { id: ruleId }));
    for (const tab of ["details", "bills", "usage", "summary"]) await get(exportGET, `/bill-details/export?billingCycle=2026-10&tab=${tab}`);

    // ── The console: every page's and server action's lib/data call ──
    await getAccount(me);
    await getBalance(me);
    await getAccountOverview(me);
    await getOverdueStatus(me);
    await getConsoleShell(me);
    await getOverview(me);
    await getForecast(me);
    await getAccountSummary(me);
    for (const input of [{}, { granularity: "MONTHLY", groupBy: "productId" }, { statisticItem: "instance", sort: "pretaxAmount:desc" }, { isHideZeroCharge: "true", productId: ["oss"] }]) {
      await listBillLines(me, { billingCycle: "2026-10", ...input });
    }
    for (const dimension of SUMMARY_DIMENSIONS) await getSummary(me, { billingCycle: "2026-10", dimension, ...(dimension === "tag" ? { tagKey: "team" } : {}) });
    await getSummary(me, { billingCycle: "2026-10", dimension: "productId", tagKey: "team", tagValue: "data" });
    await tagChoices(me, "2026-10");
    await getCostAllocation(me, { billingCycle: "2026-10" });
    await getCostAllocation(me, { billingCycle: "2026-10", allocateBy: "tag", tagKey: "team" });
    await listAdjustments(me);
    await listBills(me, { billingCycle: "2026-10" });
    await listBills(me, { billingCycle: "2026-11" });
    for (const id of billIds.slice(0, 4)) await getBill(me, id, { statisticItem: "product" });
    for (const unit of ["hour", "day", "month"]) await listUsage(me, { billingCycle: "2026-10", unit, productId: unit === "day" ? ["oss"] : undefined });
    await listUsage(me, { billingCycle: "2026-10", from: "2026-10-02", to: "2026-10-05", itemId: ["oss.storage"], page: 2, limit: 1 });
    await usageItems(me);
    await filterChoices(me);
    await listLedger(me, { type: "deduction" });
    await ledgerPage(me, { limit: 2 });
    await drain(await ledgerExport(me, {}));
    await listAudit(me, {});
    await listAudit(me, { limit: 1 });
    await listAlerts(me, {});
    await markAlertsRead(me);
    await listAlertRules(me, {});
    const rule = await createAlertRule(me, { kind: "budget", amount: "1.00", forecastThresholds: [100] });
    await getAlertRule(me, rule.id);
    await listBudgets(me);
    await budgetProducts();
    await deleteAlertRule(me, rule.id);
    await listInstances(me, { status: "active" });
    await instanceChoices(me);
    for (const id of ["cp-payg", "cp-sub", "is-1", "cr-ee"]) {
      await getInstance(me, id);
      await getInstanceDetail(me, id);
      await lifecycleOptions(me, id);
    }
    await listOrders(me, {});
    await listOrders(me, { instanceId: "cp-sub", status: "paid", limit: 1 });
    await getCatalogView(me, {});
    await getCatalogNames("ru");
    await getTestClock(me);
    await saveColumnPreference(me, "bill-details", ["productCode", "pretaxAmount"]);
    await getColumnPreference(me, "bill-details");
    await saveLocalePreference(me, "ru");
    await getLocalePreference(me);
    const hook = await createWebhookEndpoint(me, { url: "http://127.0.0.1:9/three", events: ["bill.closed"] });
    await updateWebhookEndpoint(me, hook.id, { description: "three" });
    await getWebhookEndpoint(me, hook.id);
    await listWebhookEndpoints(me);
    await listDeliveries(me, endpointId, {});
    await resendDelivery(me, endpointId, deliveryId);
    await deleteWebhookEndpoint(me, hook.id);
    await drain(await exportBillLines(me, { billingCycle: "2026-10", groupBy: "instanceId" }));
    await drain(await exportBillLines(me, { billingCycle: "2026-10", granularity: "MONTHLY" }));
    await drain(await exportFocus(me, { billingCycle: "2026-10" }));
    for (const dimension of ["productId", "regionId"]) await drain(await exportSummary(me, { billingCycle: "2026-10", dimension }));
    for (const unit of ["hour", "day", "month"]) await drain(await exportUsage(me, { billingCycle: "2026-10", unit }));
    await drain(await exportBills(me, { billingCycle: "2026-10" }));
    // The bulk import (the operator CLI, for this one account).
    async function* source() {
      for (let i = 0; i < 50; i++) {
        yield { line: i + 2, raw: { id: `imp-${i}`, instanceId: "oss-1", item: "internet-egress", quantity: "0.5", start: "2026-10-20T10:00:00Z", end: "2026-10-20T11:00:00Z", attributes: { network: "internet" } } };
      }
      yield { line: 52, raw: { id: "imp-0", instanceId: "oss-1", item: "internet-egress", quantity: "0.5", start: "2026-10-20T10:00:00Z", end: "2026-10-20T11:00:00Z", attributes: { network: "internet" } } };
    }
    expect((await importUsage(OPERATOR, A, source())).accepted).toBe(50);
    // Sign-in, the session check, sign-out, the API key check.
    expect(await authenticateCredentials(EMAIL, PASSWORD, "10.1.2.3")).toMatchObject({ accountId: A });
    expect(await authenticateCredentials(EMAIL, "wrong-password-here", "10.1.2.3")).toBeNull();
    const [u] = await handle.db.select().from(users).where(and(eq(users.accountId, A), eq(users.id, userId)));
    session.user = { userId, accountId: A, sessionVersion: u.sessionVersion };
    expect(await sessionCaller()).toMatchObject({ accountId: A });
    await requireSessionCaller();
    session.user = null;
    await endSessions({ userId, accountId: A, sessionVersion: u.sessionVersion });
    expect(await apiKeyCaller(`Bearer ${key}`)).toMatchObject({ accountId: A });
    // A second month: late usage for the closed cycle, then more pay-as-you-go usage than the balance covers: overdue, restrictions, an
    // unpaid order left to expire, releases at the end of the timelines, and a top-up that clears it.
    await clock("2026-12-02T00:00:00Z");
    ok(await post(usagePOST, "/api/v1/usage", { records: [usage("late-1", "oss-1", "internet-egress", "3", "2026-10-30T10:00:00Z", "2026-10-30T11:00:00Z", { network: "internet" })] }));
    await runJobs(handle.db, { now: new Date("2026-12-02T00:00:00Z"), accountIds: [A] });
    await deliverPending(handle.db, { accountIds: [A] });
    ok(await post(usagePOST, "/api/v1/usage", { records: [usage("eg-huge", "oss-1", "internet-egress", "900000", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", { network: "internet" })] }));
    await clock("2026-12-04T00:00:00Z");
    await get(overdueGET, "/api/v1/account/overdue");
    await getConsoleShell(me);
    await getOverview(me);
    await advanceTestClock(me, { now: "2026-12-10T00:00:00Z" });
    await clock("2026-12-31T00:00:00Z");
    await getOverdueStatus(me);
    await listInstances(me, {});
    await getAccountOverview(me);
    ok(await post(topUpPOST, "/api/v1/account/top-ups", { amount: "999999.00" }));
    await clock("2027-01-02T00:00:00Z");
    await deliverPending(handle.db, { accountIds: [A] });
    expect(await handle.db.$count(webhookDeliveries, sql`${webhookDeliveries.accountId} = ${A}`)).toBeGreaterThan(0);
    // The scenario reached what it means to cover.
    const [expired] = await query<{ status: string }>(handle.db, sql`select status from orders where account_id = ${A} and id = ${expiring}`);
    expect(expired.status).toBe("expired");
    const states = await query<{ to: string }>(handle.db, sql`select distinct to_status as "to" from instance_state_changes where account_id = ${A}`);
    expect(states.map((r) => r.to), "overdue restrictions, expiry and releases happened").toEqual(expect.arrayContaining(["restricted", "expired", "released"]));
  }

  it("drives every route handler and every lib/data function the console and the API call", () => {
    const self = readFileSync(fileURLToPath(import.meta.url), "utf8");
    const driven = new Set([...self.matchAll(/from "@\/(app\/[^"]+\/route)"/g)].map((m) => `${m[1]}.ts`));
    // The OpenAPI document is static; next-auth's handler reaches the database only through
    // authenticateCredentials and endSessions, which are driven below.
    const exempt = ["app/api/v1/openapi.json/route.ts", "app/api/ops/v1/openapi.json/route.ts", "app/api/auth/[...nextauth]/route.ts"];
    const routes = readdirSync("app", { recursive: true }).map((f) => `app/${String(f)}`).filter((f) => f.endsWith("/route.ts"));
    expect(routes.filter((f) => !driven.has(f) && !exempt.includes(f))).toEqual([]);
    // Every async function the app imports from lib/data is called here by name (what only a driven route imports is driven through it).
    const sources = ["app", "components"].flatMap((d) =>
      readdirSync(d, { recursive: true })
        .map((f) => `${d}/${String(f)}`)
        .filter((f) => /\.tsx?$/.test(f) && !driven.has(f))
        .map((f) => readFileSync(f, "utf8")),
    );
    const missing = new Set<string>();
    for (const src of sources) {
      for (const [, names, mod] of src.matchAll(/import \{([^}]+)\} from "@\/lib\/data\/([\w/-]+)"/g)) {
        const lib = readFileSync(`lib/data/${mod}.ts`, "utf8");
        for (const name of names.split(",").map((n) => n.replace(/^\s*type\s+/, "").trim()).filter(Boolean)) {
          if (new RegExp(`export async function ${name}\\b`).test(lib) && !new RegExp(`\\b${name}\\(`).test(self)) missing.add(`${mod}: ${name}`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  it("drives the console, the API and the jobs for one account; Citus plans each statement on one shard", async () => {
    capturing = true;
    try {
      await drive();
    } finally {
      capturing = false;
    }

    // The bulk import's staging tables (local, dropped after the import): made again so what used them can be EXPLAINed.
    const staging = [...captured.values()].filter((c) => /^create unlogged table "usage_import_/i.test(c.text.trim()));
    for (const c of staging) await raw.unsafe(c.text, c.params[0] as never[]);

    const offending: string[] = [];
    const perTable = new Map<string, number>();
    let checked = 0;
    let skipped = 0;
    const pulledTexts = new Set<string>();
    const skippedTexts: string[] = [];
    for (const c of captured.values()) {
      const tables = touched(c.text);
      if (control(c.text) || !tables.length) {
        skipped++;
        skippedTexts.push(c.text.slice(0, 200));
        continue;
      }
      checked++;
      for (const t of tables) perTable.set(t, (perTable.get(t) ?? 0) + 1);
      for (const params of c.params) {
        const { plan, pulled, why } = await checkPlan(raw, c.text, params);
        if (why) {
          offending.push(`── ${tables.join(", ")} (${why}): ${c.text}\n   params: ${JSON.stringify(params).slice(0, 300)}\n${plan}`);
          break;
        }
        if (pulled) pulledTexts.add(c.text);
      }
    }
    for (const c of staging) await raw.unsafe(c.text.replace(/^\s*create unlogged table ("usage_import_\w+").*$/is, "drop table $1"));
    const summary = [...perTable.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(", ");
    console.log(`router queries: ${captured.size} distinct statements, ${checked} on distributed tables checked, ${skipped} skipped (control, reference-only or none); ${pulledTexts.size} INSERT … SELECT of client rows pulled to the coordinator and shown to land on one shard\n  per table: ${summary}`);
    if (process.env.ROUTER_QUERIES_REPORT) writeFileSync(process.env.ROUTER_QUERIES_REPORT, [...offending, "pulled:", ...[...pulledTexts].map((t) => t.slice(0, 300)), "skipped:", ...skippedTexts].join("\n\n"));
    expect(checked).toBeGreaterThan(100);
    expect(offending, `${offending.length} statements are not router queries on one shard:\n${offending.join("\n\n")}`).toEqual([]);
  });
});
