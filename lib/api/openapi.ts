// The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.
// A typed object rather than a generator: no extra dependency, and
// lib/api/openapi.test.ts checks that every route file has its path and
// methods here (and vice versa) and that the bill-lines parameters match the
// zod schema, so the document cannot silently drift from the code.
import { BILLING_METHODS, CURRENCIES, INSTANCE_STATUSES } from "@/db/schema";
import { BILL_TYPES } from "@/lib/data/bills";
import { DIMENSIONS, SORT_FIELDS } from "@/lib/data/bill-lines";
import { DETAIL_COLUMN_KEYS } from "@/lib/exports/columns";

// ── Just enough OpenAPI 3.1 typing ───────────────────────────────────────────

import { alertsPaths, alertsSchemas, alertsTags } from "./openapi-alerts";

export interface Ref {
  $ref: string;
  description?: string; // OpenAPI 3.1 allows a description beside $ref
}
type JsonType = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";
export interface Schema {
  type?: JsonType | JsonType[];
  format?: string;
  description?: string;
  enum?: readonly (string | number | null)[];
  pattern?: string;
  properties?: Record<string, Schema | Ref>;
  required?: readonly string[];
  items?: Schema | Ref;
  additionalProperties?: boolean | Schema | Ref;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  default?: unknown;
  examples?: unknown[];
  oneOf?: (Schema | Ref)[];
  allOf?: (Schema | Ref)[];
}
export interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  description?: string;
  schema: Schema | Ref;
  style?: "form" | "simple";
  explode?: boolean;
}
export interface MediaType {
  schema: Schema | Ref;
}
export interface Response {
  description: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, { description: string; schema: Schema }>;
}
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: (Parameter | Ref)[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, Response | Ref>;
}
export const HTTP_METHODS = ["get", "post", "put", "patch", "delete"] as const;
export type PathItem = Partial<Record<(typeof HTTP_METHODS)[number], Operation>>;
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    securitySchemes: Record<string, { type: "http"; scheme: "bearer"; description: string }>;
    schemas: Record<string, Schema>;
    responses: Record<string, Response>;
    parameters: Record<string, Parameter>;
  };
}

// ── Building blocks ──────────────────────────────────────────────────────────

const ref = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });
const err = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
const param = (name: string): Ref => ({ $ref: `#/components/parameters/${name}` });
const json = (schema: Schema | Ref) => ({ "application/json": { schema } });
const ok = (description: string, schema: Schema | Ref): Response => ({ description, content: json(schema) });
const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const nullable = (description: string, extra: Schema = {}): Schema => ({ type: ["string", "null"], description, ...extra });
const instant = (description: string): Schema => ({ type: "string", format: "date-time", description });
const nullableInstant = (description: string): Schema => ({ type: ["string", "null"], format: "date-time", description });
const amount = (description: string): Ref => ({ ...ref("Amount"), description });
const obj = (properties: Record<string, Schema | Ref>, required: string[] = Object.keys(properties)): Schema => ({
  type: "object",
  properties,
  required,
});

/** Errors a tenant route can answer with, besides its own successes. */
const READ_ERRORS = { "400": err("BadRequest"), "401": err("Unauthenticated"), "403": err("Forbidden"), "429": err("TooManyRequests") };
const WRITE_ERRORS = { ...READ_ERRORS, "404": err("NotFound"), "409": err("Conflict") };

const AMOUNT_FIELDS: [string, string][] = [
  ["pretaxGrossAmount", "Original (list) amount"],
  ["invoiceDiscount", "Discount"],
  ["pretaxAmount", "Pretax amount payable (original − discount)"],
  ["deductedByResourcePackage", "Offset by resource plans"],
  ["deductedByCoupons", "Deducted by coupons"],
  ["deductedByCashCoupons", "Deducted by vouchers"],
  ["paymentAmount", "Paid from the cash balance"],
  ["outstandingAmount", "Still owed"],
];
const amounts = (nullableDeductions = false): Record<string, Schema | Ref> =>
  Object.fromEntries(
    AMOUNT_FIELDS.map(([name, d]) => [
      name,
      nullableDeductions && name.startsWith("deductedBy")
        ? { oneOf: [ref("Amount"), { type: "null" }], description: `${d}; null for orders, which record only what was paid` }
        : amount(d),
    ]),
  );

// Free text may contain commas, so product details are multi-selected by repetition only.
const CSV_HEADERS: Parameter = {
  name: "headers",
  in: "query",
  description: "Language of the CSV header row (format=csv); cells stay machine-readable (dot decimals) in every language.",
  schema: { type: "string", enum: ["en", "ru"], default: "en" },
};

const multiQuery = (name: string, description: string, item: Schema = { type: "string" }): Parameter => ({
  name,
  in: "query",
  description: `${description} Multi-select: ${name === "productDetail" ? "repeat the parameter" : "repeat the parameter or separate values with commas"}.`,
  schema: { type: "array", items: item },
  style: "form",
  explode: true,
});

// ── Schemas ──────────────────────────────────────────────────────────────────

const schemas: Record<string, Schema> = {
  Error: obj(
    {
      error: obj(
        {
          code: str("Machine-readable code", { examples: ["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "too_many_requests"] }),
          message: str("What went wrong, naming the parameter, record index or field"),
          details: { description: "Structured details, e.g. {issues: [{path|index, field, message}]}" },
        },
        ["code", "message"],
      ),
    },
    ["error"],
  ),
  Amount: str("Money: exact decimal string with 2 decimals (never a JSON number)", { pattern: "^-?\\d+\\.\\d{2}$", examples: ["12.50"] }),
  Decimal: str("Exact decimal string as stored (up to 6 decimals)", { pattern: "^-?\\d+(\\.\\d+)?$" }),
  Quantity: str("Quantity: decimal string, up to 6 decimals, no trailing zeros", { pattern: "^-?\\d+(\\.\\d{1,6})?$" }),
  UnitPrice: str("Unit price (a rate, not an amount): decimal string with exactly 6 decimals, never rounded to cents; amounts computed from it are rounded once to 2 decimals", { pattern: "^-?\\d+\\.\\d{6}$", examples: ["0.080800"] }),
  Totals: { ...obj(amounts()), description: "Sums over ALL rows matching the query (not just the page), of the rounded line amounts" },
  Instance: obj(
    {
      accountId: str("Owning account"),
      id: str("Instance id"),
      productId: str("Product code"),
      productName: nullable("Product name (GET only)"),
      name: str("Display name"),
      spec: nullable("Spec, e.g. acp.std.small"),
      regionId: str("Region id"),
      regionName: nullable("Region name (GET only)"),
      instanceCount: { type: "integer", minimum: 1 },
      billingMethod: { type: "string", enum: BILLING_METHODS },
      status: { type: "string", enum: INSTANCE_STATUSES },
      createdAt: instant("Created"),
      billingAnchorAt: instant("Pay-as-you-go periods align to this instant"),
      expiresAt: nullableInstant("Subscription end"),
      releasedAt: nullableInstant("Released at"),
      statusSince: instant("Current status since"),
      autoRenew: { type: "boolean" },
      autoRenewMonths: { type: "integer" },
      attributes: { type: "object", additionalProperties: true },
    },
    ["accountId", "id", "productId", "name", "regionId", "instanceCount", "billingMethod", "status", "createdAt"],
  ),
  InstanceDetail: {
    allOf: [
      ref("Instance"),
      obj({
        history: {
          type: "array",
          items: obj({ from: { type: ["string", "null"], enum: [...INSTANCE_STATUSES, null] }, to: { type: "string", enum: INSTANCE_STATUSES }, at: instant("When"), cause: str("Why") }),
          description: "Every state change, oldest first",
        },
        quota: {
          oneOf: [
            obj({
              billableItemId: str("The metered item counted against the package, e.g. image-search.images-indexed"),
              unit: str("Its unit, e.g. image"),
              totalQuantity: ref("Quantity"),
              usedQuantity: ref("Quantity"),
              remainingQuantity: ref("Quantity"),
              usedUpAt: nullableInstant("When usage reached the quota: the package's 15-day retention starts then"),
            }),
            { type: "null" },
          ],
          description: "Packages with a metered quota (Image Search): usage ingested through POST /api/v1/usage, counted once its record has ended. Quantities, not money.",
        },
      }),
    ],
  },
  InstanceRegistration: {
    type: "object",
    additionalProperties: false,
    required: ["productId", "regionId", "billingMethod", "name"],
    properties: {
      id: str("Your id for the resource (default: generated)", { pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$" }),
      productId: str("Product code from the catalog, e.g. cloud-phone"),
      spec: { type: ["string", "null"], description: "Required when the product has specs" },
      regionId: str("Region id, e.g. cn-hangzhou"),
      billingMethod: { type: "string", enum: BILLING_METHODS },
      instanceCount: { type: "integer", minimum: 1, maximum: 1000, default: 1 },
      name: str("Display name", { maxLength: 200 }),
      createdAt: instant("A past creation instant; default: the account's clock"),
      months: { type: "integer", enum: [1, 2, 3, 6, 12], description: "Subscription duration (subscriptions only, required for them)" },
      autoRenew: { type: "boolean", description: "Subscriptions only" },
    },
  },
  Order: obj(
    {
      accountId: str("Owning account"),
      id: str("Order id"),
      orderNo: str("Order number"),
      instanceId: str("Instance"),
      productId: str("Product code"),
      orderType: { type: "string", enum: ["new", "renewal", "upgrade", "downgrade", "conversion", "refund"] },
      spec: nullable("Spec"),
      months: { type: ["integer", "null"] },
      instanceCount: { type: "integer" },
      termStart: nullableInstant("Term start"),
      termEnd: nullableInstant("Term end"),
      originalAmount: ref("Amount"),
      discountAmount: ref("Amount"),
      payableAmount: amount("Signed: refunds are negative"),
      paidAmount: ref("Amount"),
      status: { type: "string", enum: ["unpaid", "paid", "cancelled", "expired"], description: "An unpaid order expires 24 hours after it is placed; until then paying it charges the quoted amount" },
      createdAt: instant("Placed"),
      paidAt: nullableInstant("Paid"),
    },
    ["id", "orderNo", "instanceId", "productId", "orderType", "payableAmount", "paidAmount", "status", "createdAt"],
  ),
  UsageRecord: {
    type: "object",
    additionalProperties: false,
    required: ["id", "instanceId", "item", "quantity", "start", "end"],
    properties: {
      id: str("Idempotency key per account: a re-sent record is a duplicate; the same id with other content is a 409", { maxLength: 200 }),
      instanceId: str("One of the account's instances", { maxLength: 200 }),
      item: str("Billable item code (or <productId>.<code>), e.g. storage, egress, scanner, images-indexed (counted against the Image Search package's quota, not charged)", { maxLength: 200 }),
      quantity: { oneOf: [ref("Quantity"), { type: "number" }], description: "≥ 0, ≤ 1e9, at most 6 decimals" },
      start: instant("Start of the measured interval, with an offset"),
      end: instant("End of the measured interval (not before start, not in the future)"),
      attributes: {
        type: ["object", "null"],
        additionalProperties: true,
        description: "Storage: layerDigest and bytes; traffic: network internet | vpc | replication",
      },
    },
  },
  UsageBatch: {
    oneOf: [obj({ records: { type: "array", items: ref("UsageRecord"), minItems: 1, maxItems: 10_000 } }), { type: "array", items: ref("UsageRecord"), minItems: 1, maxItems: 10_000 }],
    description: "All-or-nothing: any bad record → 400 naming records[index].field, and nothing is written",
  },
  UsageResult: obj({ accepted: { type: "integer", description: "Records stored" }, duplicates: { type: "integer", description: "Records already stored with the same content" } }),
  BillLine: obj(
    {
      id: str("The stored line's id; for aggregated rows a deterministic id of the group key"),
      lineCount: { type: "integer", description: "Stored lines in this row (1 for a line)" },
      billingCycle: nullable("YYYY-MM"),
      billingDate: nullable("Statistic day YYYY-MM-DD; null when granularity=MONTHLY"),
      productCode: nullable("Product code"),
      productName: nullable("Product name"),
      productDetail: nullable("Product detail"),
      instanceId: nullable("Instance id"),
      instanceName: nullable("Instance name"),
      region: nullable("Region id"),
      regionName: nullable("Region name"),
      billingMethod: { type: ["string", "null"], enum: [...BILLING_METHODS, null] },
      subscriptionType: { type: ["string", "null"], enum: ["Subscription", "PayAsYouGo", "Free", null] },
      billableItemId: nullable("Billable item id"),
      billableItem: nullable("Billable item name"),
      usage: { oneOf: [ref("Quantity"), { type: "null" }], description: "Usage; null when an aggregate mixes units" },
      usageUnit: nullable("Usage unit"),
      listPrice: { oneOf: [ref("UnitPrice"), { type: "null" }], description: "Unit (list) price, 6 decimals" },
      listPriceUnit: nullable("Unit of the list price, e.g. USD/hour"),
      ...amounts(),
      currency: { type: ["string", "null"], enum: [...CURRENCIES, null] },
      orderId: nullable("Order id, for subscription lines"),
      orderNo: nullable("Order number, for subscription lines"),
      lineType: nullable("usage | subscription | refund | adjustment"),
      periods: {
        type: "array",
        items: ref("BillLinePeriod"),
        description:
          "Stored lines only (absent on aggregated rows): the 4-hour periods a Cloud Phone pay-as-you-go day line adds up, empty for other lines. Each period is its own charge — hourly price × charged seconds / 3600 × instances, rounded once to cents — settled at the instant it falls due (its end; or the release, overdue or switch instant). Its day is the day it falls due; the line's amounts are the sums of its periods, so `Σ periods[].amount = pretaxAmount`. Example: 0.0945/h for 48 h is 12 periods of 0.38 = 4.56 (not 4.536).",
      },
    },
    ["id", "lineCount", "billingCycle", "billingDate", "productCode", "productName", "productDetail", "instanceId", "instanceName", "region", "regionName", "billingMethod", "subscriptionType", "billableItemId", "billableItem", "usage", "usageUnit", "listPrice", "listPriceUnit", ...AMOUNT_FIELDS.map(([n]) => n), "currency", "orderId", "orderNo", "lineType"],
  ),
  BillLinePeriod: obj({
    id: str("Deterministic id: instance, item and period start"),
    start: instant("Period start (aligned to the group's creation or reactivation)"),
    end: instant("Period end, or the stop instant of a period cut short by overdue or a switch"),
    dueAt: instant("When the charge fell due and was settled"),
    reason: { type: "string", enum: ["ended", "released", "overdue", "switched"], description: "ended: a full period; released: the release period, charged in full; overdue/switched: charged to the second up to that instant" },
    chargedSeconds: { type: "integer", description: "Seconds charged per instance" },
    instances: { type: "integer", description: "Instances in the group" },
    unitPrice: ref("UnitPrice"),
    amount: amount("unitPrice × chargedSeconds / 3600 × instances, rounded once"),
    paymentAmount: amount("Paid from the balance when it fell due (or later by a top-up)"),
    outstandingAmount: amount("Still owed"),
    settledAt: nullableInstant("Settled at (its due instant)"),
  }),
  BillLinePage: {
    type: "object",
    required: ["data", "nextToken", "totalCount", "totals"],
    properties: {
      data: { type: "array", items: ref("BillLine") },
      nextToken: { type: ["string", "null"], description: "Pass as nextToken for the next page; null on the last page" },
      totalCount: { type: "integer", description: "Rows matching the query, over all pages" },
      totals: ref("Totals"),
    },
  },
  Bill: obj(
    {
      id: str("Order id, or the pay-as-you-go bill id (bills row id, else payg-<cycle>-<product>)"),
      billType: { type: "string", enum: ["subscription", "payg", "refund"] },
      subscriptionType: { type: "string", enum: ["Subscription", "PayAsYouGo"] },
      orderNo: nullable("Order number (orders only)"),
      orderType: { type: ["string", "null"], enum: ["new", "renewal", "upgrade", "downgrade", "conversion", "refund", null] },
      status: str("Orders: unpaid | paid | cancelled | expired. Pay-as-you-go bills: open (estimate) | closed (final)"),
      billingCycle: str("YYYY-MM"),
      productCode: str("Product code"),
      productName: nullable("Product name"),
      instanceId: nullable("Instance (orders only)"),
      instanceName: nullable("Instance name (orders only)"),
      spec: nullable("Spec (orders only)"),
      months: { type: ["integer", "null"] },
      termStart: nullableInstant("Term start (orders only)"),
      termEnd: nullableInstant("Term end (orders only)"),
      createdAt: nullableInstant("Order placed / bill created"),
      paidAt: nullableInstant("Order paid"),
      closedAt: nullableInstant("Bill closed"),
      lineCount: { type: ["integer", "null"], description: "Lines in a pay-as-you-go bill" },
      ...amounts(true),
      currency: { type: "string", enum: CURRENCIES },
    },
  ),
  BillPage: obj({
    data: { type: "array", items: ref("Bill") },
    nextToken: { type: ["string", "null"] },
    totalCount: { type: "integer" },
    totals: ref("Totals"),
  }),
  BillDetail: { allOf: [ref("Bill"), obj({ lines: ref("BillLinePage") })] },
  Voucher: obj({
    id: str("Voucher id"),
    code: str("Code"),
    faceValue: ref("Amount"),
    remaining: ref("Amount"),
    validFrom: instant("Valid from"),
    expiresAt: instant("Expires"),
    usable: { type: "boolean", description: "Valid now and remaining > 0" },
  }),
  Coupon: obj({
    id: str("Coupon id"),
    code: str("Code"),
    discountPercent: ref("Decimal"),
    remaining: ref("Amount"),
    productIds: { type: "array", items: { type: "string" }, description: "Scope; empty = every product" },
    validFrom: instant("Valid from"),
    expiresAt: instant("Expires"),
    usable: { type: "boolean", description: "Valid now and remaining > 0" },
  }),
  AccountSummary: obj({
    accountId: str("Account id"),
    name: str("Account name"),
    currency: { type: "string", enum: CURRENCIES },
    timeZone: str("IANA zone of the billing cycles"),
    asOf: instant("The account's clock"),
    balance: amount("Σ ledger entries (never stored)"),
    creditLimit: amount("Credit (overdraft) limit"),
    usableVoucherAmount: amount("Σ remaining of usable vouchers"),
    usableCouponAmount: amount("Σ remaining of usable coupons"),
    outstandingAmount: amount("Σ bill lines' outstanding + Σ (payable − paid) of unpaid orders"),
    outstanding: obj({ billLines: ref("Amount"), orders: ref("Amount") }),
    availableCredit: amount("balance + usableVoucherAmount + usableCouponAmount + creditLimit − outstandingAmount"),
    availableCreditFormula: str("The formula above, spelled out"),
    overdue: {
      oneOf: [obj({ since: instant("Overdue since"), amount: ref("Amount"), days: { type: "integer" } }), { type: "null" }],
    },
    vouchers: { type: "array", items: ref("Voucher") },
    coupons: { type: "array", items: ref("Coupon") },
  }),
  TestClock: obj({ now: instant("The account's clock"), frozen: { type: "boolean", description: "Whether a test clock is set" } }),
  TestClockResult: obj({
    now: instant("The new clock"),
    linesRated: { type: "integer" },
    linesSettled: { type: "integer" },
    overdueSince: nullableInstant("Set when the account became overdue"),
  }),  // ── Lifecycle ──
  Quote: obj({
    action: str("switch | renew | change-spec | unsubscribe"),
    orderType: str("new | renewal | upgrade | downgrade | conversion | refund"),
    instanceId: str("The resource"),
    spec: nullable("Spec the order buys (the new one for a change)"),
    months: { type: ["integer", "null"], description: "Duration bought (1, 2, 3, 6 or 12)" },
    instanceCount: { type: "integer" },
    termStart: instant("Term start"),
    termEnd: instant("Term end (unchanged by upgrade/downgrade)"),
    currency: str("The account's currency"),
    originalAmount: ref("Amount"),
    discountAmount: ref("Amount"),
    payableAmount: amount("Signed: > 0 charged, < 0 refunded to the balance. Upgrade/downgrade: (new − old) × remaining seconds / term seconds, rounded once"),
    paygFinalCharge: { oneOf: [ref("Amount"), { type: "null" }], description: "Switch: the running pay-as-you-go period, charged up to the switch instant by the jobs" },
    explanation: { type: "array", items: { type: "string" }, description: "The formula, worked" },
  }),
  LifecycleOrder: obj({
    id: str("Order id"),
    orderNo: str("Order number"),
    instanceId: str("The resource"),
    productId: str("Product"),
    orderType: str("new | renewal | upgrade | downgrade | conversion | refund"),
    spec: nullable("Spec"),
    months: { type: ["integer", "null"] },
    instanceCount: { type: "integer" },
    termStart: nullableInstant("Term start"),
    termEnd: nullableInstant("Term end"),
    originalAmount: ref("Amount"),
    discountAmount: ref("Amount"),
    payableAmount: amount("Signed (refunds negative)"),
    paidAmount: ref("Amount"),
    status: str("unpaid | paid | cancelled | expired. An unpaid order expires 24 hours after it is placed (a quote is a price at an instant); until then paying it charges the quoted amount and the term starts at payment", { enum: ["unpaid", "paid", "cancelled", "expired"] }),
    createdAt: instant("Placed"),
    paidAt: nullableInstant("Paid"),
  }),
  LifecycleResult: obj({
    replayed: { type: "boolean", description: "true: this Idempotency-Key was seen before; this is the first result" },
    paid: { type: "boolean", description: "false: insufficient funds, the order is unpaid (pay or cancel it)" },
    message: str("What happened, for people"),
    order: ref("LifecycleOrder"),
    ledgerEntry: { oneOf: [ref("LedgerEntry"), { type: "null" }], description: "The order's ledger entry (deduction, or refund to the balance)" },
    quote: ref("Quote"),
    instance: { type: "object", description: "The resource after the action" },
  }),
  LedgerEntry: obj({
    id: str("Entry id"),
    at: instant("When"),
    type: { type: "string", enum: ["top_up", "deduction", "refund", "adjustment"] },
    amount: amount("Signed: credits positive"),
    currency: { type: "string", enum: CURRENCIES },
    referenceType: { type: ["string", "null"], description: "bill_line | bill_line_period | order | top_up" },
    referenceId: { type: ["string", "null"] },
    memo: str("Memo"),
  }),
  CatalogPrice: obj({
    id: str("Stable price id"),
    regionGroupId: nullable("Region group priced (null: every region)"),
    spec: nullable("Spec priced (null: the product has no specs)"),
    billingMethod: { type: "string", enum: BILLING_METHODS },
    unitPrice: ref("UnitPrice"),
    priceUnit: str("e.g. USD/hour, USD/month, USD/GB-month"),
    tiers: { oneOf: [{ type: "array", items: obj({ upTo: { oneOf: [ref("Quantity"), { type: "null" }] }, unitPrice: ref("UnitPrice") }) }, { type: "null" }], description: "Tiered prices by cumulative quantity per cycle; the last tier is open-ended" },
    isDefault: { type: "boolean", description: "A figure not from the provider's pages, labelled as such" },
    note: nullable("Where a default figure comes from"),
    effectiveFrom: instant("In effect from (inclusive)"),
    effectiveTo: nullableInstant("In effect until (exclusive); null: open"),
    inEffect: { type: "boolean", description: "In effect at the account's clock" },
  }),
  Catalog: obj({
    currency: { type: "string", enum: CURRENCIES, description: "The account's currency: only its prices are listed" },
    asOf: instant("The account's clock"),
    regionGroups: { type: "array", items: obj({ id: str("Group id"), scheme: str("Which products price by it"), name: str("Name"), regions: { type: "array", items: obj({ id: str("Region id"), name: str("Name") }) } }) },
    products: {
      type: "array",
      items: obj({
        id: str("Product code"),
        name: str("Name"),
        category: str("Category"),
        description: str("Description"),
        billingMethods: { type: "array", items: { type: "string", enum: BILLING_METHODS } },
        regionScheme: nullable("Region grouping of its prices"),
        termDiscounts: { type: "object", additionalProperties: ref("Decimal"), description: "Subscription discount by months, e.g. {\"12\": \"0.15\"}" },
        specs: { type: "array", items: obj({ id: str("Spec id"), name: str("Name"), metadata: { type: "object", additionalProperties: true } }) },
        items: {
          type: "array",
          items: obj({
            id: str("Billable item id"),
            code: str("Code (usage records may name it)"),
            name: str("Name"),
            rule: str("How it is rated: phone-period, storage-gb-month, egress-tiered, traffic-free, per-scan, subscription, free, hourly, package-quota (not charged: counted against the package's quota)"),
            usageUnit: str("Unit of usage"),
            quotaKey: nullable("package-quota: the spec metadata holding the quota"),
            prices: { type: "array", items: ref("CatalogPrice") },
          }),
        },
      }),
    },
  }),
};

/** The one envelope of every list: data, the next page's token, the count over all pages. */
const listOf = (item: Schema | Ref, extra: Record<string, Schema | Ref> = {}): Schema =>
  obj({
    data: { type: "array", items: item },
    nextToken: { type: ["string", "null"], description: "Pass as nextToken for the next page; null on the last page" },
    totalCount: { type: "integer", description: "Rows matching the query, over all pages" },
    ...extra,
  });

// ── Parameters and responses ─────────────────────────────────────────────────

const parameters: Record<string, Parameter> = {
  billingCycle: { name: "billingCycle", in: "query", required: true, description: "Billing cycle YYYY-MM in the account's time zone.", schema: { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])$" } },
  limit: { name: "limit", in: "query", description: "Page size.", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
  nextToken: { name: "nextToken", in: "query", description: "Opaque cursor from the previous page (keyset: stable with ties, no OFFSET). Only valid with the same sort and row shape.", schema: { type: "string" } },
};

const errorResponse = (description: string): Response => ({ description, content: json(ref("Error")) });
const responses: Record<string, Response> = {
  BadRequest: errorResponse("Bad input; the message names the parameter, or records[index].field"),
  Unauthenticated: errorResponse("No valid API key (Authorization: Bearer <key>)"),
  Forbidden: errorResponse("The key's role does not allow this"),
  NotFound: errorResponse("Not found in the caller's account (another account's ids read as unknown)"),
  Conflict: errorResponse("Conflicts with the current state (duplicate id with other content, already released, clock backwards, overdue…)"),
  TooManyRequests: {
    ...errorResponse("Too many requests"),
    headers: { "retry-after": { description: "Seconds to wait", schema: { type: "integer" } } },
  },
};

const lineOptionParams: (Parameter | Ref)[] = [
  { name: "granularity", in: "query", description: "Statistic period: DAILY = one row per statistic day (the stored lines), MONTHLY = one row per billing cycle.", schema: { type: "string", enum: ["DAILY", "MONTHLY"], default: "DAILY" } },
  { name: "statisticItem", in: "query", description: "line = bill lines; instance / product = aggregated per instance or per product (+ product detail and billing method).", schema: { type: "string", enum: ["line", "instance", "product"], default: "line" } },
  { name: "groupBy", in: "query", description: "Aggregate by one filter dimension (replaces the statistic item's grouping; per day when granularity=DAILY). In aggregated rows a field is null unless all lines share it.", schema: { type: "string", enum: DIMENSIONS } },
  { name: "billingDate", in: "query", description: "Only this statistic day (YYYY-MM-DD, inside the cycle).", schema: { type: "string", format: "date" } },
  multiQuery("productId", "Product codes."),
  multiQuery("productDetail", "Product details."),
  multiQuery("billingMethod", "Billing methods.", { type: "string", enum: BILLING_METHODS }),
  multiQuery("regionId", "Region ids."),
  multiQuery("instanceId", "Instance ids."),
  multiQuery("billableItemId", "Billable item ids."),
  { name: "isHideZeroCharge", in: "query", description: "Hide lines whose pretax amount is 0.", schema: { type: "boolean", default: false } },
  {
    name: "sort",
    in: "query",
    description: "field or field:asc|desc (default billingDate:asc for DAILY, productCode:asc for MONTHLY); ties broken by id.",
    schema: { type: "string", pattern: `^(${Object.keys(SORT_FIELDS).join("|")})(:(asc|desc))?$` },
  },
  param("limit"),
  param("nextToken"),
];

const tenant = (tag: string, op: Omit<Operation, "tags">): Operation => ({ tags: [tag], ...op });

// ── The document ─────────────────────────────────────────────────────────────

export const openApiDocument: OpenApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Billing Console API",
    version: "1.0.0",
    description:
      "Bills, usage and resources of one account (the API key's). Money (every amount, balance, limit and quota in money) is a decimal string with exactly 2 decimals (`^-?\\d+\\.\\d{2}$`); unit prices are rates with exactly 6 decimals; quantities have up to 6. Every list answers with one envelope: {data, nextToken, totalCount} (plus totals where rows carry amounts); pass nextToken back for the next page. Field names follow the provider's billing API vocabulary. Errors are {error:{code,message,details?}}.",
  },
  servers: [{ url: "/" }],
  security: [{ bearerAuth: [] }],
  tags: [
    { name: "Resources", description: "Resource events from product services" },
    { name: "Usage", description: "Metered usage ingestion" },
    { name: "Bills", description: "Bill lines, bills and the account's money" },
    { name: "Lifecycle", description: "Admin actions: quote, switch, renew, auto-renew, unsubscribe, upgrade/downgrade; orders" },
    { name: "Testing", description: "Test clocks (BILLING_TEST_CLOCK=1 only)" },
    { name: "Meta", description: "This document" },
    ...alertsTags,
  ],
  paths: {
    "/api/v1/instances": {
      get: tenant("Resources", {
        operationId: "listInstances",
        summary: "List the account's instances",
        parameters: [
          { name: "status", in: "query", schema: { type: "string", enum: INSTANCE_STATUSES } },
          { name: "billingMethod", in: "query", schema: { type: "string", enum: BILLING_METHODS } },
          { name: "productId", in: "query", schema: { type: "string" } },
        ],
        responses: { "200": ok("Instances, all in one page", listOf(ref("Instance"))), ...READ_ERRORS },
      }),
      post: tenant("Resources", {
        operationId: "registerInstance",
        summary: "Register a resource (admin key)",
        description: "A subscription resource comes with its paid new-purchase order; 402 when balance, vouchers and coupons do not cover it.",
        requestBody: { required: true, content: json(ref("InstanceRegistration")) },
        responses: {
          "201": ok("Registered", obj({ data: ref("Instance"), order: { oneOf: [ref("Order"), { type: "null" }] } })),
          "402": errorResponse("The order is not covered; nothing was written"),
          ...WRITE_ERRORS,
        },
      }),
    },
    "/api/v1/instances/{id}": {
      get: tenant("Resources", {
        operationId: "getInstance",
        summary: "One instance of the account, with its state history and, for a package with a metered quota, quota used and remaining",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": ok("The instance", obj({ data: ref("InstanceDetail") })), ...READ_ERRORS, "404": errorResponse("No such instance in the key's account (another account's instance reads the same)") },
      }),
    },
    "/api/v1/catalog": {
      get: tenant("Bills", {
        operationId: "getCatalog",
        summary: "Products, billable items, specs, region groups and prices with their effective dates, in the account's currency",
        description: "The numbers to check a bill with: a line's listPrice is one of these unit prices (6 decimals); its amount is rounded once to cents.",
        parameters: [
          { name: "productId", in: "query", schema: { type: "string" } },
          { name: "billingMethod", in: "query", schema: { type: "string", enum: BILLING_METHODS } },
          { name: "prices", in: "query", description: "all: every price with its effective dates (default); current: only those in effect at the account's clock.", schema: { type: "string", enum: ["all", "current"], default: "all" } },
        ],
        responses: { "200": ok("The catalog", obj({ data: ref("Catalog") })), ...READ_ERRORS },
      }),
    },
    "/api/v1/instances/{id}/release": {
      post: tenant("Resources", {
        operationId: "releaseInstance",
        summary: "Release a resource (admin key)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        requestBody: {
          required: false,
          content: json({ type: "object", additionalProperties: false, properties: { at: instant("Release instant, not in the future; default: the account's clock") } }),
        },
        responses: {
          "200": ok("Released", obj({ data: ref("Instance") })),
          ...WRITE_ERRORS,
          "404": errorResponse("No such instance in the key's account (another account's instance reads the same)"),
          "409": errorResponse("The instance was already released; nothing was written"),
        },
      }),
    },
    "/api/v1/instances/{id}/quote": {
      get: tenant("Lifecycle", {
        operationId: "quoteLifecycleAction",
        summary: "What an action would charge or refund now (admin); refusals are 409 with the reason",
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          { name: "action", in: "query", required: true, schema: { type: "string", enum: ["switch", "renew", "change-spec", "unsubscribe"] } },
          { name: "months", in: "query", description: "switch, renew", schema: { type: "integer", enum: [1, 2, 3, 6, 12] } },
          { name: "spec", in: "query", description: "change-spec", schema: { type: "string" } },
          { name: "billingMethod", in: "query", description: "switch: subscription (payg is refused for Cloud Phone)", schema: { type: "string", enum: ["subscription", "payg"] } },
          { name: "autoRenew", in: "query", description: "switch", schema: { type: "boolean" } },
          { name: "instanceCount", in: "query", description: "unsubscribe: must be the whole group", schema: { type: "integer" } },
        ],
        responses: { "200": ok("The quote", obj({ data: ref("Quote") })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/instances/{id}/switch": {
      post: tenant("Lifecycle", {
        operationId: "switchToSubscription",
        summary: "Switch pay-as-you-go → subscription (admin)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, { name: "Idempotency-Key", in: "header", required: true, description: "One per submission (e.g. a UUID): a retry returns the first result; the same key with other parameters is 409.", schema: { type: "string", description: "8–200 of A–Z a–z 0–9 _ . : -" } }],
        requestBody: { required: false, content: json({ type: "object", properties: { months: { type: "integer", enum: [1, 2, 3, 6, 12] }, autoRenew: { type: "boolean" }, billingMethod: { type: "string", enum: ["subscription", "payg"] } } }) },
        responses: { "200": ok("Done, or an unpaid order when funds are short", obj({ data: ref("LifecycleResult") })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/instances/{id}/renew": {
      post: tenant("Lifecycle", {
        operationId: "renewSubscription",
        summary: "Renew a subscription (admin)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, { name: "Idempotency-Key", in: "header", required: true, description: "One per submission (e.g. a UUID): a retry returns the first result; the same key with other parameters is 409.", schema: { type: "string", description: "8–200 of A–Z a–z 0–9 _ . : -" } }],
        requestBody: { required: false, content: json({ type: "object", properties: { months: { type: "integer", enum: [1, 2, 3, 6, 12] } } }) },
        responses: { "200": ok("Done, or an unpaid order when funds are short", obj({ data: ref("LifecycleResult") })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/instances/{id}/unsubscribe": {
      post: tenant("Lifecycle", {
        operationId: "unsubscribe",
        summary: "Unsubscribe the whole resource; refund cash × unused days / term days (admin)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, { name: "Idempotency-Key", in: "header", required: true, description: "One per submission (e.g. a UUID): a retry returns the first result; the same key with other parameters is 409.", schema: { type: "string", description: "8–200 of A–Z a–z 0–9 _ . : -" } }],
        requestBody: { required: false, content: json({ type: "object", properties: { instanceCount: { type: "integer" } } }) },
        responses: { "200": ok("Done, or an unpaid order when funds are short", obj({ data: ref("LifecycleResult") })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/instances/{id}/change-spec": {
      post: tenant("Lifecycle", {
        operationId: "changeSpec",
        summary: "Upgrade or downgrade; end date unchanged (admin)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, { name: "Idempotency-Key", in: "header", required: true, description: "One per submission (e.g. a UUID): a retry returns the first result; the same key with other parameters is 409.", schema: { type: "string", description: "8–200 of A–Z a–z 0–9 _ . : -" } }],
        requestBody: { required: false, content: json({ type: "object", properties: { spec: { type: "string" } } }) },
        responses: { "200": ok("Done, or an unpaid order when funds are short", obj({ data: ref("LifecycleResult") })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/instances/{id}/auto-renew": {
      post: tenant("Lifecycle", {
        operationId: "setAutoRenew",
        summary: "Auto-renewal on/off and its duration (admin)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, { name: "Idempotency-Key", in: "header", required: true, description: "One per submission (e.g. a UUID): a retry returns the first result; the same key with other parameters is 409.", schema: { type: "string", description: "8–200 of A–Z a–z 0–9 _ . : -" } }],
        requestBody: { required: true, content: json({ type: "object", properties: { enabled: { type: "boolean" }, months: { type: "integer", enum: [1, 2, 3, 6, 12] } }, required: ["enabled"] }) },
        responses: { "200": ok("Saved", obj({ data: { type: "object" } })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/orders": {
      get: tenant("Lifecycle", {
        operationId: "listOrders",
        summary: "The account's orders, newest first",
        parameters: [
          { name: "instanceId", in: "query", schema: { type: "string" } },
          { name: "status", in: "query", schema: { type: "string", enum: ["unpaid", "paid", "cancelled", "expired"] } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
          param("nextToken"),
        ],
        responses: { "200": ok("A page of orders", listOf(ref("LifecycleOrder"))), ...READ_ERRORS },
      }),
    },
    "/api/v1/orders/{id}/pay": {
      post: tenant("Lifecycle", {
        operationId: "payOrder",
        summary: "Pay an unpaid order from coupons, vouchers and balance (admin); a paid one is returned as is; an expired one (unpaid for 24 h) is 409",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": ok("Paid, or still unpaid with the reason", obj({ data: { type: "object" } })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/orders/{id}/cancel": {
      post: tenant("Lifecycle", {
        operationId: "cancelOrder",
        summary: "Cancel an unpaid order (admin)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": ok("Cancelled", obj({ data: { type: "object" } })), ...WRITE_ERRORS },
      }),
    },
    "/api/v1/usage": {
      post: tenant("Usage", {
        operationId: "ingestUsage",
        summary: "Ingest a batch of up to 10,000 usage records (admin key)",
        description:
          "All-or-nothing per batch, idempotent per record id. Usage for a day whose line is already settled is billed as an adjustment line (lineType adjustment) for the difference, due when rated.",
        requestBody: { required: true, content: json(ref("UsageBatch")) },
        responses: {
          "200": ok("Stored", ref("UsageResult")),
          ...WRITE_ERRORS,
          "400": errorResponse("A bad record (details.issues name its index, field and reason) or envelope; nothing was written"),
          "409": errorResponse("A record id already stored with different content; nothing was written"),
          "413": errorResponse("Body too large"),
        },
      }),
    },
    "/api/v1/bill-lines": {
      get: tenant("Bills", {
        operationId: "listBillLines",
        summary: "Billing details: bill lines of a cycle, filtered, grouped and paginated",
        description:
          "format=csv streams every matching row (all pages) as CSV with a UTF-8 BOM: the chosen `columns` (else the signed-in user's saved choice, else the defaults), amounts as plain decimals, formula-looking text prefixed with '. format=focus streams the matching charges as FOCUS 1.2: the 21 mandatory columns plus AvailabilityZone, ChargeFrequency, ConsumedQuantity/Unit, InvoiceId, ListUnitPrice, RegionId/Name, ResourceId/Name/Type, ServiceSubcategory and SkuId, SkuPriceId, SkuMeter, SkuPriceDetails. One row per stored line, except Cloud Phone pay-as-you-go lines, which are exported as their 4-hour periods (each multiplies out to its own ListCost); what vouchers paid is a separate Credit row. EffectiveCost is the cost after coupons; BilledCost also leaves out what a resource plan covered, so Σ BilledCost is what the balance pays.",
        parameters: [
          param("billingCycle"),
          ...lineOptionParams,
          { name: "format", in: "query", description: "json (a page), csv or focus (a streamed file of every row).", schema: { type: "string", enum: ["json", "csv", "focus"], default: "json" } },
          multiQuery("columns", "CSV columns, in the catalogue's order (format=csv).", { type: "string", enum: DETAIL_COLUMN_KEYS }),
          CSV_HEADERS,
        ],
        responses: {
          "200": {
            description: "A page of rows with totals over all matching rows (json), or a streamed CSV file (csv, focus)",
            content: { ...json(ref("BillLinePage")), "text/csv": { schema: { type: "string" } } },
          },
          ...READ_ERRORS,
        },
      }),
    },
    "/api/v1/bills": {
      get: tenant("Bills", {
        operationId: "listBills",
        summary: "Consumption by bill: orders and pay-as-you-go bills of a cycle",
        description: "Pay-as-you-go bills (one per product) come first, then orders in the order placed.",
        parameters: [
          param("billingCycle"),
          { name: "orderNo", in: "query", description: "Exact order number (orders only).", schema: { type: "string" } },
          multiQuery("type", "Bill kinds (subscription, payg, refund) or order types (new, renewal, upgrade, downgrade, conversion); either matches.", { type: "string", enum: BILL_TYPES }),
          param("limit"),
          param("nextToken"),
        ],
        responses: { "200": ok("A page of bills with totals over all matching bills", ref("BillPage")), ...READ_ERRORS },
      }),
    },
    "/api/v1/bills/{id}": {
      get: tenant("Bills", {
        operationId: "getBill",
        summary: "One bill and a page of its lines",
        description: "id: an order id or order number, or a pay-as-you-go bill id. Takes the bill-lines options for its lines.",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, ...lineOptionParams],
        responses: { "200": ok("The bill", ref("BillDetail")), ...READ_ERRORS, "404": err("NotFound") },
      }),
    },
    "/api/v1/account": {
      get: tenant("Bills", {
        operationId: "getAccountSummary",
        summary: "Balance, credit limit, vouchers, coupons, outstanding and available credit",
        responses: { "200": ok("The account's money", ref("AccountSummary")), ...READ_ERRORS },
      }),
    },
    // Issue 6: top-ups and the ledger.
    "/api/v1/account/top-ups": {
      post: tenant("Bills", {
        operationId: "topUp",
        summary: "Top up the balance (admin or finance key); outstanding amounts are paid oldest first",
        description:
          "Credits the ledger, pays outstanding bill lines oldest first, and when what is left fits the credit limit ends overdue and reactivates every resource not yet released. The same Idempotency-Key again returns the first result (200); with another amount, 409.",
        parameters: [{ name: "Idempotency-Key", in: "header", required: true, description: "One key per intended top-up.", schema: { type: "string", maxLength: 120 } }],
        requestBody: { required: true, content: json(obj({ amount: str("Positive amount with at most 2 decimals", { pattern: "^\\d{1,12}(\\.\\d{1,2})?$", examples: ["100.00"] }) })) },
        responses: {
          "201": ok("Applied", obj({ ledgerEntryId: str("The top-up's ledger entry"), settledLines: { type: "integer", description: "Bill lines and Cloud Phone periods paid" }, settledAmount: amount("Paid from this top-up"), balance: amount("Balance after"), replayed: { type: "boolean" } })),
          "200": ok("Replayed: already applied with this key", obj({ ledgerEntryId: str("The first top-up's ledger entry"), replayed: { type: "boolean" } }, ["ledgerEntryId", "replayed"])),
          ...WRITE_ERRORS,
          "409": errorResponse("The key was used for another amount"),
        },
      }),
    },
    "/api/v1/account/overdue": {
      get: tenant("Bills", {
        operationId: "getOverdueStatus",
        summary: "Overdue status: amount, since when, and per live resource its state, what is refused and what happens next",
        responses: {
          "200": ok(
            "The overdue status",
            obj({
              asOf: instant("The account's now"),
              overdue: { oneOf: [obj({ since: instant("Overdue since: the due instant of the first charge left uncovered (for Cloud Phone, a period's end)"), amount: ref("Amount") }), { type: "null" }] },
              outstandingAmount: amount("Outstanding amount"),
              creditLimit: amount("Credit (overdraft) limit"),
              suspensionQuota: amount("Extended suspension quota"),
              suspensionQuotaFormula: str("How the quota is computed"),
              paygStoppedSince: { type: ["string", "null"], format: "date-time" },
              resources: {
                type: "array",
                items: obj({
                  id: str("Instance id"),
                  name: str("Name"),
                  productName: str("Product"),
                  status: { type: "string", enum: INSTANCE_STATUSES },
                  statusSince: instant("In this state since"),
                  blocked: { type: "array", items: { type: "string", enum: ["create", "deploy", "restart", "change-spec", "use", "renew", "upgrade"] } },
                  next: { oneOf: [obj({ status: { type: "string", enum: INSTANCE_STATUSES }, at: instant("When"), cause: str("Why") }), { type: "null" }] },
                }),
              },
            }),
          ),
          ...READ_ERRORS,
        },
      }),
    },
    "/api/v1/account/ledger": {
      get: tenant("Bills", {
        operationId: "listLedger",
        summary: "The account's ledger, newest first (JSON, or CSV with format=csv)",
        parameters: [
          { name: "type", in: "query", schema: { type: "string", enum: ["top_up", "deduction", "refund", "adjustment"] } },
          { name: "from", in: "query", description: "First day (inclusive), account time zone.", schema: { type: "string", format: "date" } },
          { name: "to", in: "query", description: "Last day (inclusive), account time zone.", schema: { type: "string", format: "date" } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 5000, default: 200 } },
          param("nextToken"),
          { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv"], default: "json" } },
          { ...CSV_HEADERS, description: "The CSV header row in words of this language; without it, the field names (at, type, amount, …)." },
        ],
        responses: {
          "200": {
            description: "Ledger entries; amounts are signed (credits positive)",
            content: {
              ...json(listOf(ref("LedgerEntry"))),
              "text/csv": { schema: { type: "string" } },
            },
          },
          ...READ_ERRORS,
        },
      }),
    },
    "/api/v1/test-clock": {
      get: tenant("Testing", {
        operationId: "getTestClock",
        summary: "The account's clock (404 unless BILLING_TEST_CLOCK=1)",
        responses: { "200": ok("The clock", ref("TestClock")), ...READ_ERRORS, "404": err("NotFound") },
      }),
      post: tenant("Testing", {
        operationId: "advanceTestClock",
        summary: "Move the account's clock forward and run its jobs (admin key; 404 unless BILLING_TEST_CLOCK=1)",
        requestBody: { required: true, content: json(obj({ now: instant("The new instant, with an offset") })) },
        responses: { "200": ok("Jobs ran up to now", ref("TestClockResult")), ...WRITE_ERRORS, "409": errorResponse("The clock would move backwards") },
      }),
    },
    "/api/v1/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        summary: "This document",
        tags: ["Meta"],
        security: [],
        responses: { "200": ok("OpenAPI 3.1 document", { type: "object" }) },
      },
    },
    ...alertsPaths,
  },
  components: {
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", description: "An API key of the account: Authorization: Bearer <key>" },
    },
    schemas: { ...schemas, ...alertsSchemas },
    responses,
    parameters,
  },
};
