// The operations of /api/v1 (resources, usage, bills, lifecycle, testing):
// queries and bodies are the zod schemas lib/data validates with.
import { z } from "zod";
import { billLinesQuerySchema, lineOptionsSchema } from "@/lib/data/bill-lines";
import { billsQuerySchema } from "@/lib/data/bills";
import { catalogQuery } from "@/lib/data/catalog";
import { instanceFilters } from "@/lib/data/instances";
import { ledgerFilters } from "@/lib/data/ledger";
import { autoRenewInput, changeSpecInput, idempotencyKey, orderFilters, renewInput, switchInput, unsubscribeInput } from "@/lib/data/lifecycle";
import { registerInput, releaseInput } from "@/lib/data/resource-events";
import { setTagsInput } from "@/lib/data/tags";
import { advanceInput } from "@/lib/data/test-clock";
import { topUpInput } from "@/lib/data/top-ups";
import { USAGE_BATCH_MAX, usageRecordSchema } from "@/lib/data/usage";
import { describeFields, jsonSchema, register, type Parameter, type PathSpecs, type Ref, type ResponseSpec } from "./openapi-builder";
import { AccountSummary, Catalog, OverdueStatus, TestClock, TestClockResult, TopUpResult } from "./schemas-account";
import { BillDetail, BillLinePage, BillPage, dataOf, ErrorBody, Instance, InstanceDetail, LedgerEntry, LifecycleResult, listOf, Order, OrderActionResult, Quote, TagsResult, UsageResult } from "./schemas";

const err = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
export const READ_ERRORS = { "400": err("BadRequest"), "401": err("Unauthenticated"), "403": err("Forbidden"), "429": err("TooManyRequests") };
export const WRITE_ERRORS = { ...READ_ERRORS, "404": err("NotFound"), "409": err("Conflict") };
export const ok = (description: string, schema: z.ZodType): ResponseSpec => ({ description, schema });
export const fails = (description: string): ResponseSpec => ({ description, schema: ErrorBody });

// ── Request schemas from lib/data, named and described ───────────────────────

register(registerInput, "InstanceRegistration", "A resource created by a product service");
describeFields(registerInput, {
  id: "Your id for the resource (default: generated)",
  productId: "Product code from the catalog, e.g. cloud-phone",
  spec: "Required when the product has specs",
  regionId: "Region id, e.g. cn-hangzhou",
  zoneId: "The availability zone, when the resource lives in one (one of the region's zones)",
  name: "Display name",
  createdAt: { format: "date-time", description: "A past creation instant with an offset; default: the account's clock" },
  months: "Subscription duration: 1, 2, 3, 6 or 12 (subscriptions only, required for them)",
  autoRenew: "Subscriptions only",
  tags: "User-defined tags, key → value (at most 50; keys 1–128 characters, values up to 256; keys may not start with billing-console/)",
  resourceGroup: "The resource group the resource belongs to (default: none)",
});
register(setTagsInput, "TagsEvent", "The resource's tags and resource group from `at` on: the tag set replaces the current one");
describeFields(setTagsInput, {
  tags: "The whole tag set, key → value (an empty object removes every tag)",
  resourceGroup: "The resource group; null removes it; left out: unchanged",
  at: { format: "date-time", description: "From when, not in the future nor before the assignment in force began; default: the account's clock" },
});
register(usageRecordSchema, "UsageRecord");
describeFields(usageRecordSchema, {
  id: "Idempotency key per account: a re-sent record is a duplicate; the same id with other content is a 409",
  instanceId: "One of the account's instances",
  item: "Billable item code (or <productId>.<code>), e.g. storage, egress, scanner, images-indexed (counted against the Image Search package's quota, not charged)",
  quantity: "A decimal string (or a JSON number): ≥ 0, ≤ 1e9, at most 6 decimals",
  start: { format: "date-time", description: "Start of the measured interval, an ISO 8601 instant with an offset" },
  end: { format: "date-time", description: "End of the measured interval (not before start, not in the future)" },
  attributes: "Storage: layerDigest and bytes; traffic: network internet | vpc | replication",
});
const records = z.array(usageRecordSchema).min(1).max(USAGE_BATCH_MAX);
const UsageBatch = register(
  z.union([z.object({ records }), records]),
  "UsageBatch",
  "All-or-nothing: any bad record → 400 naming records[index].field, and nothing is written",
);
describeFields(topUpInput, { amount: "Positive amount with at most 2 decimals, e.g. \"100.00\"" });
describeFields(advanceInput, { now: "The new instant, with an offset" });
describeFields(releaseInput, { at: { format: "date-time", description: "Release instant, not in the future; default: the account's clock" } });
// One months field serves switch, renew and auto-renew.
describeFields(renewInput, { months: "Duration in months: 1, 2, 3, 6 or 12" });
describeFields(autoRenewInput, { enabled: "Auto-renewal on or off", months: "Duration of each renewal in months: 1, 2, 3, 6 or 12 (default 1)" });

/** One key per submission: a retry returns the first result; the same key with other parameters is 409. */
export const IdempotencyKey: Parameter = {
  name: "Idempotency-Key",
  in: "header",
  required: true,
  description: "One per submission (e.g. a UUID): a retry returns the first result and charges nothing again; the same key with other parameters is 409.",
  schema: jsonSchema(idempotencyKey),
};
const idempotent = { $ref: "#/components/parameters/IdempotencyKey" };

const LIST_DOCS = {
  limit: "Page size.",
  nextToken: "Opaque cursor from the previous page (keyset: stable with ties, no OFFSET). Only valid with the same sort and row shape.",
};
const LINE_DOCS: Record<string, string> = {
  granularity: "Statistic period: DAILY = one row per statistic day (the stored lines), MONTHLY = one row per billing cycle.",
  statisticItem: "line = bill lines; instance / product = aggregated per instance or per product (+ product detail and billing method).",
  groupBy: "Aggregate by one filter dimension, the resource group, or the value of tagKey (tag) — untagged lines and lines in no group are a row of their own, so rows add up to the totals (replaces the statistic item's grouping; per day when granularity=DAILY). In aggregated rows a field is null unless all lines share it.",
  billingDate: "Only this statistic day (YYYY-MM-DD, inside the cycle).",
  productId: "Product codes. Multi-select: repeat the parameter or separate values with commas.",
  productDetail: "Product details. Multi-select: repeat the parameter (free text may contain commas).",
  billingMethod: "Billing methods. Multi-select: repeat the parameter or separate values with commas.",
  regionId: "Region ids. Multi-select: repeat the parameter or separate values with commas.",
  instanceId: "Instance ids. Multi-select: repeat the parameter or separate values with commas.",
  billableItemId: "Billable item ids. Multi-select: repeat the parameter or separate values with commas.",
  tagKey: "A tag key: the key tagValue filters on and groupBy=tag groups by (alone it filters nothing).",
  tagValue: "Lines whose tagKey has one of these values; (untagged) selects lines without the key. Multi-select: repeat the parameter or separate values with commas.",
  resourceGroup: "Lines in one of these resource groups; (none) selects lines in no group. Multi-select: repeat the parameter or separate values with commas.",
  isHideZeroCharge: "Hide lines whose pretax amount is 0.",
  sort: "field or field:asc|desc (default billingDate:asc for DAILY, productCode:asc for MONTHLY); ties broken by id.",
  ...LIST_DOCS,
};
const CYCLE_DOC = { billingCycle: "Billing cycle YYYY-MM in the account's time zone." };
const HEADERS_DOC = "Language of the CSV header row (format=csv); cells stay machine-readable (dot decimals) in every language.";

const lifecycleBody = (schema: z.ZodObject) => schema.omit({ action: true });
const lifecycleOp = (operationId: string, summary: string, body: z.ZodObject) => ({
  tag: "Lifecycle",
  operationId,
  summary,
  headers: [idempotent],
  body: lifecycleBody(body),
  responses: { "200": ok("Done, or an unpaid order when funds are short", dataOf(LifecycleResult)), ...WRITE_ERRORS },
});
const notFoundInstance = fails("No such instance in the key's account (another account's instance reads the same)");

export const corePaths: PathSpecs = {
  "/api/v1/instances": {
    get: {
      tag: "Resources",
      operationId: "listInstances",
      summary: "List the account's instances",
      query: instanceFilters,
      responses: { "200": ok("Instances, all in one page", listOf(Instance)), ...READ_ERRORS },
    },
    post: {
      tag: "Resources",
      operationId: "registerInstance",
      summary: "Register a resource (admin key)",
      description: "A subscription resource comes with its paid new-purchase order; 402 when balance, vouchers and coupons do not cover it.",
      body: registerInput,
      responses: {
        "201": ok("Registered", z.object({ data: Instance, order: Order.nullable() })),
        "402": fails("The order is not covered; nothing was written"),
        ...WRITE_ERRORS,
      },
    },
  },
  "/api/v1/instances/{id}": {
    get: {
      tag: "Resources",
      operationId: "getInstance",
      summary: "One instance of the account, with its state history and, for a package with a metered quota, quota used and remaining",
      responses: { "200": ok("The instance", dataOf(InstanceDetail)), ...READ_ERRORS, "404": notFoundInstance },
    },
  },
  "/api/v1/instances/{id}/release": {
    post: {
      tag: "Resources",
      operationId: "releaseInstance",
      summary: "Release a resource (admin key); the body is optional",
      body: releaseInput,
          responses: {
        "200": ok("Released", dataOf(Instance)),
        ...WRITE_ERRORS,
        "404": notFoundInstance,
        "409": fails("The instance was already released; nothing was written"),
      },
    },
  },
  "/api/v1/instances/{id}/tags": {
    post: {
      tag: "Resources",
      operationId: "setInstanceTags",
      summary: "Set a resource's tags and resource group (admin key); the history is kept",
      description: "Bill lines carry the tags in force when their day starts (docs/tags.md); a change mid-day applies from the next day's lines.",
      body: setTagsInput,
      responses: { "200": ok("The tags in force from validFrom", dataOf(TagsResult)), ...WRITE_ERRORS, "404": notFoundInstance },
    },
  },
  "/api/v1/catalog": {
    get: {
      tag: "Bills",
      operationId: "getCatalog",
      summary: "Products, billable items, specs, region groups and prices with their effective dates, in the account's currency",
      description: "The numbers to check a bill with: a line's listPrice is one of these unit prices (6 decimals); its amount is rounded once to cents.",
      query: catalogQuery,
      queryDocs: { prices: "all: every price with its effective dates (default); current: only those in effect at the account's clock." },
      responses: { "200": ok("The catalog", dataOf(Catalog)), ...READ_ERRORS },
    },
  },
  "/api/v1/instances/{id}/quote": {
    get: {
      tag: "Lifecycle",
      operationId: "quoteLifecycleAction",
      summary: "What an action would charge or refund now (admin); refusals are 409 with the reason",
      query: z.discriminatedUnion("action", [switchInput, renewInput, changeSpecInput, unsubscribeInput]),
      queryDocs: {
        months: "switch, renew",
        spec: "change-spec",
        billingMethod: "switch: subscription (payg is refused for Cloud Phone)",
        autoRenew: "switch",
        instanceCount: "unsubscribe: must be the whole group",
      },
      responses: { "200": ok("The quote", dataOf(Quote)), ...WRITE_ERRORS },
    },
  },
  "/api/v1/instances/{id}/switch": { post: lifecycleOp("switchToSubscription", "Switch pay-as-you-go → subscription (admin)", switchInput) },
  "/api/v1/instances/{id}/renew": { post: lifecycleOp("renewSubscription", "Renew a subscription (admin)", renewInput) },
  "/api/v1/instances/{id}/unsubscribe": {
    post: lifecycleOp("unsubscribe", "Unsubscribe the whole resource; refund cash × unused days / term days (admin)", unsubscribeInput),
  },
  "/api/v1/instances/{id}/change-spec": { post: lifecycleOp("changeSpec", "Upgrade or downgrade; end date unchanged (admin)", changeSpecInput) },
  "/api/v1/instances/{id}/auto-renew": {
    post: {
      tag: "Lifecycle",
      operationId: "setAutoRenew",
      summary: "Auto-renewal on/off and its duration (admin)",
      headers: [idempotent],
      body: autoRenewInput,
      responses: { "200": ok("Saved", dataOf(z.record(z.string(), z.unknown()))), ...WRITE_ERRORS },
    },
  },
  "/api/v1/orders": {
    get: {
      tag: "Lifecycle",
      operationId: "listOrders",
      summary: "The account's orders, newest first",
      query: orderFilters,
      queryDocs: LIST_DOCS,
      responses: { "200": ok("A page of orders", listOf(Order)), ...READ_ERRORS },
    },
  },
  "/api/v1/orders/{id}/pay": {
    post: {
      tag: "Lifecycle",
      operationId: "payOrder",
      summary: "Pay an unpaid order from coupons, vouchers and balance (admin); a paid one is returned as is; an expired one (unpaid for 24 h) is 409",
      responses: { "200": ok("Paid, or still unpaid with the reason", dataOf(OrderActionResult)), ...WRITE_ERRORS },
    },
  },
  "/api/v1/orders/{id}/cancel": {
    post: {
      tag: "Lifecycle",
      operationId: "cancelOrder",
      summary: "Cancel an unpaid order (admin)",
      responses: { "200": ok("Cancelled", dataOf(OrderActionResult)), ...WRITE_ERRORS },
    },
  },
  "/api/v1/usage": {
    post: {
      tag: "Usage",
      operationId: "ingestUsage",
      summary: `Ingest a batch of up to ${USAGE_BATCH_MAX.toLocaleString("en")} usage records (admin key)`,
      description:
        "All-or-nothing per batch, idempotent per record id. Usage for a day whose line is already settled is billed as an adjustment line (lineType adjustment) for the difference, due when rated.",
      body: UsageBatch,
      responses: {
        "200": ok("Stored", UsageResult),
        ...WRITE_ERRORS,
        "400": fails("A bad record (details.issues name its index, field and reason) or envelope; nothing was written"),
        "409": fails("A record id already stored with different content; nothing was written"),
        "413": fails("Body too large"),
      },
    },
  },
  "/api/v1/bill-lines": {
    get: {
      tag: "Bills",
      operationId: "listBillLines",
      summary: "Billing details: bill lines of a cycle, filtered, grouped and paginated",
      description:
        "format=csv streams every matching row (all pages) as CSV with a UTF-8 BOM: the chosen `columns` (else the signed-in user's saved choice, else the defaults), amounts as plain decimals, formula-looking text prefixed with '. format=focus streams the matching charges as FOCUS 1.2: the 21 mandatory columns plus AvailabilityZone, ChargeFrequency, ConsumedQuantity/Unit, InvoiceId, ListUnitPrice, RegionId/Name, ResourceId/Name/Type, ServiceSubcategory and SkuId, SkuPriceId, SkuMeter, SkuPriceDetails. One row per stored line, except Cloud Phone pay-as-you-go lines, which are exported as their 4-hour periods (each multiplies out to its own ListCost); what vouchers paid is a separate Credit row. EffectiveCost is the cost after coupons; BilledCost also leaves out what a resource plan covered, so Σ BilledCost is what the balance pays.",
      query: billLinesQuerySchema,
      queryDocs: {
        ...CYCLE_DOC,
        ...LINE_DOCS,
        format: "json (a page), csv or focus (a streamed file of every row).",
        columns: "CSV columns, in the catalogue's order (format=csv). Multi-select: repeat the parameter or separate values with commas.",
        headers: HEADERS_DOC,
      },
      responses: {
        "200": { description: "A page of rows with totals over all matching rows (json), or a streamed CSV file (csv, focus)", schema: BillLinePage, csv: true },
        ...READ_ERRORS,
      },
    },
  },
  "/api/v1/bills": {
    get: {
      tag: "Bills",
      operationId: "listBills",
      summary: "Consumption by bill: orders and pay-as-you-go bills of a cycle",
      description: "Pay-as-you-go bills (one per product) come first, then orders in the order placed.",
      query: billsQuerySchema,
      queryDocs: {
        ...CYCLE_DOC,
        ...LIST_DOCS,
        orderNo: "Exact order number (orders only).",
        type: "Bill kinds (subscription, payg, refund) or order types (new, renewal, upgrade, downgrade, conversion); either matches. Multi-select: repeat the parameter or separate values with commas.",
        tagKey: LINE_DOCS.tagKey,
        tagValue: `${LINE_DOCS.tagValue} A pay-as-you-go bill sums only its matching lines; an order matches by the tags its line recorded (unpaid orders have none).`,
        resourceGroup: LINE_DOCS.resourceGroup,
      },
      responses: { "200": ok("A page of bills with totals over all matching bills", BillPage), ...READ_ERRORS },
    },
  },
  "/api/v1/bills/{id}": {
    get: {
      tag: "Bills",
      operationId: "getBill",
      summary: "One bill and a page of its lines",
      description: "id: an order id or order number, or a pay-as-you-go bill id. Takes the bill-lines options for its lines.",
      query: lineOptionsSchema,
      queryDocs: LINE_DOCS,
      responses: { "200": ok("The bill", BillDetail), ...READ_ERRORS, "404": err("NotFound") },
    },
  },
  "/api/v1/account": {
    get: {
      tag: "Bills",
      operationId: "getAccountSummary",
      summary: "Balance, credit limit, vouchers, coupons, outstanding and available credit",
      responses: { "200": ok("The account's money", AccountSummary), ...READ_ERRORS },
    },
  },
  "/api/v1/account/top-ups": {
    post: {
      tag: "Bills",
      operationId: "topUp",
      summary: "Top up the balance (admin or finance key); outstanding amounts are paid oldest first",
      description:
        "Credits the ledger, pays outstanding bill lines oldest first, and when what is left fits the credit limit ends overdue and reactivates every resource not yet released. The same Idempotency-Key again returns the first result (200); with another amount, 409.",
      headers: [{ name: "Idempotency-Key", in: "header", required: true, description: "One key per intended top-up.", schema: jsonSchema(topUpInput.shape.idempotencyKey.unwrap()) }],
      body: topUpInput.pick({ amount: true }),
      responses: {
        "201": ok("Applied", TopUpResult),
        "200": ok("Replayed: already applied with this key", TopUpResult),
        ...WRITE_ERRORS,
        "409": fails("The key was used for another amount"),
      },
    },
  },
  "/api/v1/account/overdue": {
    get: {
      tag: "Bills",
      operationId: "getOverdueStatus",
      summary: "Overdue status: amount, since when, and per live resource its state, what is refused and what happens next",
      responses: { "200": ok("The overdue status", OverdueStatus), ...READ_ERRORS },
    },
  },
  "/api/v1/account/ledger": {
    get: {
      tag: "Bills",
      operationId: "listLedger",
      summary: "The account's ledger, newest first (JSON, or CSV with format=csv)",
      query: ledgerFilters,
      queryDocs: { ...LIST_DOCS, from: "First day (inclusive), account time zone.", to: "Last day (inclusive), account time zone." },
      extraQuery: [
        { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv"], default: "json" } },
        { name: "headers", in: "query", description: "The CSV header row in words of this language; without it, the field names (at, type, amount, …).", schema: jsonSchema(billLinesQuerySchema.shape.headers) },
      ],
      responses: {
        "200": { description: "Ledger entries; amounts are signed (credits positive)", schema: listOf(LedgerEntry), csv: true },
        ...READ_ERRORS,
      },
    },
  },
  "/api/v1/test-clock": {
    get: {
      tag: "Testing",
      operationId: "getTestClock",
      summary: "The account's clock (404 unless BILLING_TEST_CLOCK=1)",
      responses: { "200": ok("The clock", TestClock), ...READ_ERRORS, "404": err("NotFound") },
    },
    post: {
      tag: "Testing",
      operationId: "advanceTestClock",
      summary: "Move the account's clock forward and run its jobs (admin key; 404 unless BILLING_TEST_CLOCK=1)",
      body: advanceInput,
      responses: { "200": ok("Jobs ran up to now", TestClockResult), ...WRITE_ERRORS, "409": fails("The clock would move backwards") },
    },
  },
  "/api/v1/openapi.json": {
    get: {
      tag: "Meta",
      operationId: "getOpenApiDocument",
      summary: "This document",
      public: true,
      responses: { "200": ok("OpenAPI 3.1 document", z.record(z.string(), z.unknown())) },
    },
  },
};
