// Every /api/v1 route and the console's export, fed random strings, NUL bytes,
// huge numbers, impossible dates and forged page tokens in every query
// parameter and body field: the answer is never a 5xx, a read never writes,
// a refused write writes nothing, and text with a NUL byte is always refused.
// Every answer carries Cache-Control: no-store.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import fc from "fast-check";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { DEMO_ACCOUNT_ID, seedDemo } from "@/db/seed/demo";
import { GET as accountGET } from "@/app/api/v1/account/route";
import { GET as ledgerGET } from "@/app/api/v1/account/ledger/route";
import { GET as overdueGET } from "@/app/api/v1/account/overdue/route";
import { POST as topUpPOST } from "@/app/api/v1/account/top-ups/route";
import { GET as billLinesGET } from "@/app/api/v1/bill-lines/route";
import { GET as billsGET } from "@/app/api/v1/bills/route";
import { GET as billGET } from "@/app/api/v1/bills/[id]/route";
import { GET as instancesGET, POST as registerPOST } from "@/app/api/v1/instances/route";
import { POST as autoRenewPOST } from "@/app/api/v1/instances/[id]/auto-renew/route";
import { POST as changeSpecPOST } from "@/app/api/v1/instances/[id]/change-spec/route";
import { GET as quoteGET } from "@/app/api/v1/instances/[id]/quote/route";
import { POST as tagsPOST } from "@/app/api/v1/instances/[id]/tags/route";
import { POST as releasePOST } from "@/app/api/v1/instances/[id]/release/route";
import { POST as renewPOST } from "@/app/api/v1/instances/[id]/renew/route";
import { POST as switchPOST } from "@/app/api/v1/instances/[id]/switch/route";
import { POST as unsubscribePOST } from "@/app/api/v1/instances/[id]/unsubscribe/route";
import { GET as openapiGET } from "@/app/api/v1/openapi.json/route";
import { GET as ordersGET } from "@/app/api/v1/orders/route";
import { POST as cancelPOST } from "@/app/api/v1/orders/[id]/cancel/route";
import { POST as payPOST } from "@/app/api/v1/orders/[id]/pay/route";
import { GET as clockGET, POST as clockPOST } from "@/app/api/v1/test-clock/route";
import { POST as usagePOST } from "@/app/api/v1/usage/route";
import { GET as forecastGET } from "@/app/api/v1/account/forecast/route";
import { GET as instanceGET } from "@/app/api/v1/instances/[id]/route";
import { GET as catalogGET } from "@/app/api/v1/catalog/route";
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
import { createAlertRule } from "@/lib/data/alerts";
import { createWebhookEndpoint } from "@/lib/data/webhooks";
import { emitEvent } from "@/lib/webhooks/outbox";
import { orders, webhookDeliveries } from "@/db/schema";
import { GET as exportGET } from "@/app/(console)/bill-details/export/route";
import { billLinesQuerySchema } from "@/lib/data/bill-lines";
import { billsQuerySchema } from "@/lib/data/bills";
import { instanceFilters } from "@/lib/data/instances";
import { ledgerFilters } from "@/lib/data/ledger";
import { summaryQuerySchema } from "@/lib/data/views/summary";
import { usageQuerySchema } from "@/lib/data/views/usage";
import { switchInput, unsubscribeInput, changeSpecInput, autoRenewInput } from "@/lib/lifecycle/input";
import { usageRecordSchema } from "@/lib/billing/usage-validate";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import { useTestDatabase } from "./db";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Route {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  handler: unknown;
  path: (id: string) => string;
  /** Query parameters (GET) or body fields (POST). */
  fields: string[];
  /** Valid values the random ones are mixed into, so requests reach past the first check. */
  base?: Record<string, unknown>;
  ids?: string[];
  /** Valid values per field, drawn now and then among the random ones (so some requests succeed). */
  valid?: Record<string, unknown[]>;
  /** Route parameters from the id (default { id }). */
  params?: (id: string) => Record<string, string>;
}

/** A parameter or body field the route does not read (it must be ignored, harmlessly). */
const IGNORED = "ignored";
const keysOf = (...schemas: { shape: object }[]) => [...new Set(schemas.flatMap((s) => Object.keys(s.shape)))];
const INSTANCE_IDS = ["cp-hz-large", "cp-sh-perf", "oss-backup-hz", "is-catalog", "cp-globex", "nope"];
const LINE_PARAMS = keysOf(billLinesQuerySchema);
const EXPORT_PARAMS = ["tab", ...keysOf(billLinesQuerySchema, billsQuerySchema, usageQuerySchema, summaryQuerySchema)];
const LIFECYCLE_FIELDS = keysOf(switchInput, unsubscribeInput, changeSpecInput);

const RULE_FIELDS = ["name", "amount", "productId", "actualThresholds", "forecastThresholds"];
const RULE_VALID = { kind: ["budget", "low_balance", "overdue"], name: ["fuzz"], amount: ["1", "99.99"], productId: ["oss", null], actualThresholds: [[50], [1, 1000]], forecastThresholds: [[], [100]] };
const ENDPOINT_FIELDS = ["url", "events", "description"];
const ENDPOINT_VALID = { url: ["http://127.0.0.1:9/other"], events: [["alert.fired"], ["alert.fired", "account.overdue"]], description: ["", "fuzz"], enabled: [true, false] };
/** Ids of rows made before the run (filled in beforeAll; a route's ids are drawn after it). */
const FIXTURE = { orders: ["nope"], rules: ["nope"], endpoints: ["nope"], patchable: ["nope"], deletable: ["nope"], deliveries: ["nope/nope"] };

const ROUTES: Route[] = [
  { name: "account", method: "GET", handler: accountGET, path: () => "/api/v1/account", fields: [IGNORED] },
  { name: "ledger", method: "GET", handler: ledgerGET, path: () => "/api/v1/account/ledger", fields: ["format", ...keysOf(ledgerFilters)] },
  { name: "overdue", method: "GET", handler: overdueGET, path: () => "/api/v1/account/overdue", fields: [IGNORED] },
  { name: "bill-lines", method: "GET", handler: billLinesGET, path: () => "/api/v1/bill-lines", fields: LINE_PARAMS, base: { billingCycle: "2026-10" } },
  { name: "bills", method: "GET", handler: billsGET, path: () => "/api/v1/bills", fields: keysOf(billsQuerySchema), base: { billingCycle: "2026-10" } },
  { name: "bill", method: "GET", handler: billGET, path: (id) => `/api/v1/bills/${id}`, fields: LINE_PARAMS, ids: ["payg-2026-10-acme", "payg-2026-99-x", "ord_cp-sh-perf_new", "x"] },
  { name: "instances", method: "GET", handler: instancesGET, path: () => "/api/v1/instances", fields: keysOf(instanceFilters) },
  { name: "quote", method: "GET", handler: quoteGET, path: (id) => `/api/v1/instances/${id}/quote`, fields: ["action", ...LIFECYCLE_FIELDS], ids: INSTANCE_IDS },
  { name: "orders", method: "GET", handler: ordersGET, path: () => "/api/v1/orders", fields: ["instanceId", "status", "limit"] },
  { name: "test-clock", method: "GET", handler: clockGET, path: () => "/api/v1/test-clock", fields: [IGNORED] },
  { name: "openapi", method: "GET", handler: openapiGET, path: () => "/api/v1/openapi.json", fields: [IGNORED] },
  { name: "export", method: "GET", handler: exportGET, path: () => "/bill-details/export", fields: EXPORT_PARAMS, base: { billingCycle: "2026-10", tab: "details" } },
  { name: "top-ups", method: "POST", handler: topUpPOST, path: () => "/api/v1/account/top-ups", fields: ["amount", "at"] },
  { name: "register", method: "POST", handler: registerPOST, path: () => "/api/v1/instances", fields: ["id", "productId", "spec", "regionId", "billingMethod", "instanceCount", "name", "createdAt", "months", "autoRenew", "tags", "resourceGroup"], base: { productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: "fuzz" } },
  { name: "auto-renew", method: "POST", handler: autoRenewPOST, path: (id) => `/api/v1/instances/${id}/auto-renew`, fields: keysOf(autoRenewInput), ids: INSTANCE_IDS },
  { name: "change-spec", method: "POST", handler: changeSpecPOST, path: (id) => `/api/v1/instances/${id}/change-spec`, fields: LIFECYCLE_FIELDS, ids: INSTANCE_IDS },
  { name: "tags", method: "POST", handler: tagsPOST, path: (id) => `/api/v1/instances/${id}/tags`, fields: ["tags", "resourceGroup", "at"], ids: INSTANCE_IDS, valid: { tags: [{}, { project: "fuzz" }], resourceGroup: [null, "fuzz-group"] } },
  { name: "release", method: "POST", handler: releasePOST, path: (id) => `/api/v1/instances/${id}/release`, fields: ["at"], ids: INSTANCE_IDS },
  { name: "renew", method: "POST", handler: renewPOST, path: (id) => `/api/v1/instances/${id}/renew`, fields: LIFECYCLE_FIELDS, ids: INSTANCE_IDS },
  { name: "switch", method: "POST", handler: switchPOST, path: (id) => `/api/v1/instances/${id}/switch`, fields: LIFECYCLE_FIELDS, ids: INSTANCE_IDS },
  { name: "unsubscribe", method: "POST", handler: unsubscribePOST, path: (id) => `/api/v1/instances/${id}/unsubscribe`, fields: LIFECYCLE_FIELDS, ids: INSTANCE_IDS },
  { name: "pay", method: "POST", handler: payPOST, path: (id) => `/api/v1/orders/${id}/pay`, fields: [IGNORED], ids: FIXTURE.orders },
  { name: "cancel", method: "POST", handler: cancelPOST, path: (id) => `/api/v1/orders/${id}/cancel`, fields: [IGNORED], ids: FIXTURE.orders },
  { name: "test-clock", method: "POST", handler: clockPOST, path: () => "/api/v1/test-clock", fields: ["now"] },
  { name: "usage", method: "POST", handler: usagePOST, path: () => "/api/v1/usage", fields: Object.keys(usageRecordSchema.shape) },
  { name: "instance", method: "GET", handler: instanceGET, path: (id) => `/api/v1/instances/${id}`, fields: [IGNORED], ids: INSTANCE_IDS },
  { name: "catalog", method: "GET", handler: catalogGET, path: () => "/api/v1/catalog", fields: ["productId", "billingMethod", "prices"], valid: { productId: ["oss", "cloud-phone"], billingMethod: ["payg", "subscription"], prices: ["current", "all"] } },
  { name: "forecast", method: "GET", handler: forecastGET, path: () => "/api/v1/account/forecast", fields: [IGNORED] },
  { name: "alerts", method: "GET", handler: alertsGET, path: () => "/api/v1/alerts", fields: ["nextToken", "limit"], valid: { limit: ["1", "200"] } },
  { name: "alert-rules", method: "GET", handler: alertRulesGET, path: () => "/api/v1/alert-rules", fields: ["kind"], valid: { kind: ["budget", "low_balance", "overdue"] } },
  { name: "alert-rule", method: "GET", handler: alertRuleGET, path: (id) => `/api/v1/alert-rules/${id}`, fields: [IGNORED], ids: FIXTURE.rules },
  { name: "budgets", method: "GET", handler: budgetsGET, path: () => "/api/v1/budgets", fields: [IGNORED] },
  { name: "budget", method: "GET", handler: budgetGET, path: (id) => `/api/v1/budgets/${id}`, fields: [IGNORED], ids: FIXTURE.rules },
  { name: "webhook-endpoints", method: "GET", handler: endpointsGET, path: () => "/api/v1/webhook-endpoints", fields: [IGNORED] },
  { name: "webhook-endpoint", method: "GET", handler: endpointGET, path: (id) => `/api/v1/webhook-endpoints/${id}`, fields: [IGNORED], ids: FIXTURE.endpoints },
  { name: "deliveries", method: "GET", handler: deliveriesGET, path: (id) => `/api/v1/webhook-endpoints/${id}/deliveries`, fields: ["nextToken", "limit"], valid: { limit: ["1", "50"] }, ids: FIXTURE.endpoints },
  { name: "alerts-read", method: "POST", handler: alertsReadPOST, path: () => "/api/v1/alerts/read", fields: [IGNORED] },
  { name: "alert-rules", method: "POST", handler: alertRulesPOST, path: () => "/api/v1/alert-rules", fields: ["kind", ...RULE_FIELDS], base: { kind: "budget", amount: "10.00" }, valid: RULE_VALID },
  { name: "budgets", method: "POST", handler: budgetsPOST, path: () => "/api/v1/budgets", fields: RULE_FIELDS, base: { amount: "10.00" }, valid: RULE_VALID },
  { name: "alert-rule", method: "DELETE", handler: alertRuleDELETE, path: (id) => `/api/v1/alert-rules/${id}`, fields: [IGNORED], ids: FIXTURE.rules },
  { name: "budget", method: "DELETE", handler: budgetDELETE, path: (id) => `/api/v1/budgets/${id}`, fields: [IGNORED], ids: FIXTURE.rules },
  { name: "webhook-endpoints", method: "POST", handler: endpointsPOST, path: () => "/api/v1/webhook-endpoints", fields: ENDPOINT_FIELDS, base: { url: "http://127.0.0.1:9/new", events: ["alert.fired"] }, valid: ENDPOINT_VALID },
  // PATCH and DELETE get endpoints of their own: the resend fixture's address must stay 127.0.0.1:9.
  { name: "webhook-endpoint", method: "PATCH", handler: endpointPATCH, path: (id) => `/api/v1/webhook-endpoints/${id}`, fields: [...ENDPOINT_FIELDS, "enabled"], valid: ENDPOINT_VALID, ids: FIXTURE.patchable },
  { name: "webhook-endpoint", method: "DELETE", handler: endpointDELETE, path: (id) => `/api/v1/webhook-endpoints/${id}`, fields: [IGNORED], ids: FIXTURE.deletable },
  {
    name: "resend", method: "POST", handler: resendPOST, fields: [IGNORED], ids: FIXTURE.deliveries,
    path: (id) => `/api/v1/webhook-endpoints/${id}/resend`,
    // "<endpoint>/<delivery>"; a random id stands for both.
    params: (id) => (id.includes("/") ? { id: id.slice(0, id.indexOf("/")), deliveryId: id.slice(id.indexOf("/") + 1) } : { id, deliveryId: id }),
  },
];

// ── Values ───────────────────────────────────────────────────────────────────
const NUL = "\u0000";
const nasty = fc.constantFrom(
  NUL, `cp-hz${NUL}`, "2026-10-99", "2026-02-30", "2026-00-01", "0000-01-01", "9999-12-31", "2026-13", "2026-10",
  "2026-10-05T25:00:00Z", "1e309", "-1e309", "9".repeat(400), "-0", "NaN", "Infinity", "0x10", "", " ", "%00",
  "\\", "' OR '1'='1", "\ud800", "🙂", "null", "true", "[]", "{}", "csv", "focus", "json", "line", "MONTHLY",
  "billingDate:desc", "pretaxAmount:asc", "productId", "switch", "renew", "12", "0", "-5",
);
const scalar = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.double().map(String),
  fc.date({ min: new Date("1900-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);
const SORTS = ["billingDate:asc", "billingDate:desc", "pretaxAmount:asc", "outstandingAmount:desc", "productName:asc", "bills"];
const MODES = ["line/DAILY/", "instance/MONTHLY/", "product/DAILY/", "line/DAILY/productId", "bills"];
const forgedToken = fc
  .record({ v: scalar, i: scalar, s: fc.constantFrom(...SORTS), m: fc.constantFrom(...MODES) })
  .map((c) => Buffer.from(JSON.stringify(c)).toString("base64url"));
const paramValue = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: forgedToken });
const jsonLeaf = fc.oneof(scalar, fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, 1e-320, 1.5, 12));
const jsonValue = fc.oneof(
  { weight: 5, arbitrary: jsonLeaf },
  { weight: 1, arbitrary: fc.array(jsonLeaf, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(scalar, jsonLeaf, { maxKeys: 3 }) },
);
const hasNul = (v: unknown): boolean =>
  typeof v === "string" ? v.includes(NUL) : v !== null && typeof v === "object" ? Object.entries(v).some(([k, x]) => k.includes(NUL) || hasNul(x)) : false;

// ── The database, before and after ───────────────────────────────────────────
describe("every /api/v1 route under random and malformed input", () => {
  const t = useTestDatabase();
  let key = "";
  let snapshotSql = sql``;

  beforeAll(async () => {
    process.env.BILLING_TEST_CLOCK = "1";
    const now = "2026-11-20T10:00:00Z";
    setSystemClock(fixedClock(now));
    await seedDemo(t.handle().db, { now: new Date(now) });
    key = (await createApiKey(OPERATOR, { accountId: DEMO_ACCOUNT_ID, name: "fuzz", role: "admin" })).key;
    // Rules, endpoints and a delivery to aim at. Webhooks go to 127.0.0.1:9 (nothing listens: a resend fails fast, offline).
    process.env.WEBHOOKS_ALLOW_PRIVATE = "1";
    for (const input of [{ kind: "budget", amount: "100" }, { kind: "budget", amount: "5", productId: "oss" }, { kind: "low_balance", amount: "10" }, { kind: "overdue" }]) {
      FIXTURE.rules.push((await createAlertRule(OPERATOR, input, DEMO_ACCOUNT_ID)).id);
    }
    // A paid demo order (paying or cancelling it again is refused, nothing written).
    const [paidOrder] = await t.handle().db.select({ id: orders.id }).from(orders).where(sql`${orders.accountId} = ${DEMO_ACCOUNT_ID} AND ${orders.instanceId} = 'cp-sh-perf' AND ${orders.orderType} = 'new'`);
    FIXTURE.orders.push(paidOrder.id);
    const endpoint = async () => (await createWebhookEndpoint(OPERATOR, { url: "http://127.0.0.1:9/hook", events: ["alert.fired"] }, DEMO_ACCOUNT_ID)).id;
    const hook = await endpoint();
    FIXTURE.endpoints.push(hook);
    FIXTURE.patchable.push(await endpoint());
    FIXTURE.deletable.push(await endpoint(), await endpoint());
    await emitEvent(t.handle().db, DEMO_ACCOUNT_ID, "alert.fired", { fuzz: true }, new Date(now));
    const [delivery] = await t.handle().db.select().from(webhookDeliveries).where(sql`${webhookDeliveries.endpointId} = ${hook}`);
    FIXTURE.deliveries.push(`${hook}/${delivery.id}`, `${hook}/nope`, `nope/${delivery.id}`);
    // Row count and newest row version per table: any insert, update or delete moves one.
    // (api_keys is left out: every request stamps its key's last use.)
    // Tenant tables are read for the fuzzed account only (on a cluster: its one shard).
    const tables = await query<{ t: string; tenant: boolean }>(
      t.handle().db,
      sql`SELECT tablename AS t, EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = tablename AND c.column_name = 'account_id') AS tenant
          FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'api_keys' ORDER BY 1`,
    );
    snapshotSql = sql.raw(
      tables
        .map(({ t: name, tenant }) => `SELECT '${name}' AS t, count(*)::text AS n, coalesce(max(xmin::text::bigint), 0)::text AS x FROM "${name}"${tenant ? ` WHERE account_id = '${DEMO_ACCOUNT_ID}'` : ""}`)
        .join(" UNION ALL "),
    );
  }, 300_000);
  afterAll(() => {
    delete process.env.BILLING_TEST_CLOCK;
    delete process.env.WEBHOOKS_ALLOW_PRIVATE;
    setSystemClock(realClock);
  });

  const snapshot = async () => JSON.stringify(await query(t.handle().db, snapshotSql));

  async function send(route: Route, id: string, init: { query?: [string, string][]; body?: string; idempotencyKey?: string }) {
    const url = new URL(`http://localhost${route.path(encodeURIComponent(id))}`);
    for (const [k, v] of init.query ?? []) url.searchParams.append(k, v);
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    if (init.idempotencyKey) headers["idempotency-key"] = init.idempotencyKey;
    const params = route.params ? route.params(id) : { id };
    const res = await (route.handler as Handler)(new Request(url, { method: route.method, headers, body: init.body }), { params: Promise.resolve(params) });
    // Read it all: an export that fails half-way must fail here too.
    const text = await res.text();
    // Every answer, success or error, JSON or CSV: never cached, never sniffed.
    expect(res.headers.get("cache-control"), `${route.name} cache-control`).toBe("no-store");
    expect(res.headers.get("x-content-type-options"), `${route.name} nosniff`).toBe("nosniff");
    return { status: res.status, text };
  }

  const routeArb = (reads: boolean) => fc.constantFrom(...ROUTES.filter((r) => (r.method === "GET") === reads));
    // A path segment is bytes: lone surrogates cannot reach a route as an id.
  /** A field of the route and a value for it: random, or now and then one of its valid values. */
  const fieldOf = <V, T>(r: Route, random: fc.Arbitrary<V>, as: (v: unknown) => T) =>
    fc.constantFrom(...r.fields).chain((k) =>
      fc.tuple(fc.constant(k), (r.valid?.[k] ? fc.oneof(random as fc.Arbitrary<unknown>, fc.constantFrom(...r.valid[k])) : (random as fc.Arbitrary<unknown>)).map(as)));
  const idFor = (r: Route) => (r.ids ? fc.oneof(fc.constantFrom(...r.ids), scalar.filter((s) => !/\p{Cs}/u.test(s))) : fc.constant(""));

  it("reads: never a 5xx, never a write", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        routeArb(true).chain((r) =>
          fc.record({
            route: fc.constant(r),
            id: idFor(r),
            useBase: fc.boolean(),
            params: fc.array(fieldOf(r, paramValue, String), { minLength: 1, maxLength: 5 }),
          }),
        ),
        async ({ route, id, useBase, params }) => {
          const q: [string, string][] = [...(useBase ? Object.entries(route.base ?? {}).filter(([k]) => !params.some(([p]) => p === k)).map(([k, v]): [string, string] => [k, String(v)]) : []), ...params];
          const res = await send(route, id, { query: q });
          expect(res.status, `${route.name} ${JSON.stringify(q)} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
          if (params.some(([k, v]) => k !== IGNORED && v.includes(NUL)) || id.includes(NUL)) expect(res.status, `${route.name} ${JSON.stringify(q)}`).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 600 },
    );
    expect(await snapshot()).toBe(before);
  }, 600_000);

  it("writes: never a 5xx; a refused one (and any with a NUL byte) writes nothing", async () => {
    const validKey = fc.string({ minLength: 8, maxLength: 40 }).filter((s) => /^[\x21-\x7e]+$/.test(s));
    await fc.assert(
      fc.asyncProperty(
        routeArb(false).chain((r) =>
          fc.record({
            route: fc.constant(r),
            id: idFor(r),
            useBase: fc.boolean(),
            fields: fc.uniqueArray(fieldOf(r, jsonValue, (v) => v), { minLength: 1, maxLength: 4, selector: ([k]) => k }).map((kv) => Object.fromEntries(kv)),
            raw: fc.option(fc.oneof(scalar, fc.constantFrom("{", "[1,", `{"a":"\\u0000"}`, `{"records":[{"attributes":{"k":"\\u0000"}}]}`)), { freq: 6 }),
            idempotencyKey: fc.option(validKey, { freq: 5 }),
          }),
        ),
        async ({ route, id, useBase, fields, raw, idempotencyKey }) => {
          const payload = { ...(useBase ? route.base : {}), ...fields };
          const body = raw ?? JSON.stringify(route.name === "usage" ? { records: [payload] } : payload);
          const before = await snapshot();
          const res = await send(route, id, { body, idempotencyKey: idempotencyKey ?? undefined });
          const what = `${route.name}/${JSON.stringify(id)} ${body.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          const readsBody = !route.fields.includes(IGNORED);
          const nul = id.includes(NUL) || (readsBody && (raw !== null ? raw.includes(NUL) || raw.includes("\\u0000") : hasNul(fields)));
          if (nul) expect(res.status, what).toBeGreaterThanOrEqual(400);
          if (res.status >= 400) expect(await snapshot(), what).toBe(before);
        },
      ),
      { numRuns: 600 },
    );
  }, 600_000);
});
