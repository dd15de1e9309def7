// The whole domain in one file. Tenant tables carry account_id leading their
// primary key and every index a tenant query uses, so the schema can be
// distributed by account with Citus. Money and quantities are numeric (string
// mode in TypeScript → Decimal); instants are timestamptz.
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const money = (name: string) => numeric(name, { precision: 20, scale: 6 });
const qty = (name: string) => numeric(name, { precision: 24, scale: 6 });
const now = () => ts("created_at").notNull().defaultNow();

export const ROLES = ["admin", "finance", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const CURRENCIES = ["USD", "RUB", "KZT"] as const;
export type Currency = (typeof CURRENCIES)[number];
export const BILLING_METHODS = ["subscription", "payg", "free"] as const;
export type BillingMethod = (typeof BILLING_METHODS)[number];
export const INSTANCE_STATUSES = [
  "active",
  "restricted", // overdue: usable and billed, but changes refused (Container Registry)
  "overdue", // overdue: unusable, data kept, not billed (Cloud Phone)
  "expired", // subscription ended without renewal; in retention
  "released",
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

// ── Accounts, users, keys ────────────────────────────────────────────────────

export const accounts = pgTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  currency: text("currency").$type<Currency>().notNull().default("USD"),
  timeZone: text("time_zone").notNull().default("UTC"),
  creditLimit: money("credit_limit").notNull().default("0"),
  // Extended suspension quota, recomputed each cycle by the jobs.
  suspensionQuota: money("suspension_quota").notNull().default("0"),
  overdueSince: ts("overdue_since"),
  // When pay-as-you-go was stopped: the overdue amount passed the suspension quota.
  paygStoppedSince: ts("payg_stopped_since"),
  // Per-account test clock (only honoured when BILLING_TEST_CLOCK=1).
  testClockNow: ts("test_clock_now"),
  // The instant the billing jobs last ran up to for this account.
  jobsRunUntil: ts("jobs_run_until"),
  createdAt: now(),
});
export type Account = typeof accounts.$inferSelect;

export const users = pgTable(
  "users",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role").$type<Role>().notNull(),
    // Bumped on password change or disable: sessions carrying an older value end.
    sessionVersion: integer("session_version").notNull().default(1),
    // The console's language ("en" | "ru"); null: follow the browser's Accept-Language.
    locale: text("locale"),
    disabledAt: ts("disabled_at"),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), uniqueIndex("users_account_email_key").on(t.accountId, t.email)],
);
export type User = typeof users.$inferSelect;

// Sign-in knows an e-mail before it knows an account: this table, keyed by the
// e-mail (on Citus distributed by it), finds the account and keeps e-mails
// unique across accounts. Written with the user in one transaction.
export const userLogins = pgTable("user_logins", {
  email: text("email").primaryKey(),
  accountId: text("account_id").notNull(),
  userId: text("user_id").notNull(),
});

// Failed sign-ins, counted per e-mail and per IP inside a sliding window.
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    key: text("key").notNull(), // "email:<address>" or "ip:<address>"
    id: text("id").notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  // Keyed by what is counted, so one bucket's failures live together (on Citus, in one shard).
  (t) => [primaryKey({ columns: [t.key, t.id] }), index("sign_in_failures_key_at_idx").on(t.key, t.at)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    prefix: text("prefix").notNull(), // shown to humans to tell keys apart
    keyHash: text("key_hash").notNull(), // sha256 of the whole key; the key is shown once
    createdAt: now(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), uniqueIndex("api_keys_account_hash_key").on(t.accountId, t.keyHash)],
);
export type ApiKey = typeof apiKeys.$inferSelect;

// A request's key names no account until it is looked up: keyed by the key's
// hash (on Citus distributed by it). Written with the key in one transaction.
export const apiKeyHashes = pgTable("api_key_hashes", {
  keyHash: text("key_hash").primaryKey(),
  accountId: text("account_id").notNull(),
  keyId: text("key_id").notNull(),
});

// The provider's staff: keys for /api/ops/v1. Not tenant data (no account_id):
// no account can create or see one; only the ops CLI makes them.
export const operatorKeys = pgTable(
  "operator_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(), // who holds it: recorded in the audit log of every action
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(), // sha256 of the whole key; the key is shown once
    createdAt: now(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("operator_keys_hash_key").on(t.keyHash)],
);
export type OperatorKey = typeof operatorKeys.$inferSelect;

// ── Catalog (global, not tenant data) ────────────────────────────────────────

// `names`: the name in the console's other languages by language code ({"ru": …}); `name` is English.
export const products = pgTable("products", {
  id: text("id").primaryKey(), // e.g. "cloud-phone"
  name: text("name").notNull(),
  names: jsonb("names").$type<Record<string, string>>().notNull().default({}),
  category: text("category").notNull(),
  // FOCUS classification of the service (ServiceCategory / ServiceSubcategory).
  serviceCategory: text("service_category").notNull().default("Other"),
  serviceSubcategory: text("service_subcategory").notNull().default("Other (Other)"),
  billingMethods: text("billing_methods").array().$type<BillingMethod[]>().notNull(),
  // Retention after overdue/expiry, and the overdue policy to apply.
  overduePolicy: text("overdue_policy").notNull(),
  // Which region grouping prices this product ("phone", "cr"); null: same price everywhere.
  regionScheme: text("region_scheme"),
  specs: jsonb("specs").$type<{ id: string; name: string; names?: Record<string, string>; metadata?: Record<string, unknown> }[]>().notNull().default([]),
  // Catalog discount by subscription months, e.g. { "12": "0.15" }.
  termDiscounts: jsonb("term_discounts").$type<Record<string, string>>().notNull().default({}),
  description: text("description").notNull().default(""),
  // Product facts that quoting, ordering and lifecycle read (see ProductAttributes in lib/billing/catalog.ts).
  attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
});
export type Product = typeof products.$inferSelect;

export const regionGroups = pgTable("region_groups", {
  id: text("id").primaryKey(), // e.g. "phone-cn", "cr-asia-pacific"
  scheme: text("scheme").notNull(), // which products group regions this way
  name: text("name").notNull(),
  names: jsonb("names").$type<Record<string, string>>().notNull().default({}),
});

export const regions = pgTable("regions", {
  id: text("id").primaryKey(), // e.g. "cn-hangzhou"
  name: text("name").notNull(),
  names: jsonb("names").$type<Record<string, string>>().notNull().default({}),
  // A region belongs to one group per scheme.
  groups: text("groups").array().notNull(),
  // Availability zones resources can be placed in (empty: none published).
  zones: text("zones").array().notNull().default([]),
});
export type Region = typeof regions.$inferSelect;

export const billableItems = pgTable(
  "billable_items",
  {
    id: text("id").primaryKey(), // e.g. "cloud-phone.instance"
    productId: text("product_id").notNull().references(() => products.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    names: jsonb("names").$type<Record<string, string>>().notNull().default({}),
    // Rating rule family: lib/billing/<rule>.ts
    rule: text("rule").notNull(),
    usageUnit: text("usage_unit").notNull(),
    // package-quota items: the spec metadata key that holds the package's quota (e.g. "indexedImages").
    quotaKey: text("quota_key"),
    // Usage before this instant is free whatever the price lookup says (null: no such date).
    freeUntil: ts("free_until"),
  },
  (t) => [uniqueIndex("billable_items_product_code_key").on(t.productId, t.code)],
);
export type BillableItem = typeof billableItems.$inferSelect;

export const prices = pgTable(
  "prices",
  {
    id: text("id").primaryKey(),
    billableItemId: text("billable_item_id").notNull().references(() => billableItems.id),
    regionGroupId: text("region_group_id"), // null: any region
    spec: text("spec"), // null: any spec
    billingMethod: text("billing_method").$type<BillingMethod>().notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    unitPrice: money("unit_price").notNull(),
    priceUnit: text("price_unit").notNull(), // "USD/hour", "USD/GB-month", …
    // Tiered prices: [{ upTo: "10" | null, unitPrice: "0.1" }] by cumulative quantity.
    tiers: jsonb("tiers").$type<{ upTo: string | null; unitPrice: string }[]>(),
    isDefault: boolean("is_default").notNull().default(false), // figure not in the seeds
    note: text("note"),
    effectiveFrom: ts("effective_from").notNull(),
    effectiveTo: ts("effective_to"),
  },
  (t) => [index("prices_lookup_idx").on(t.billableItemId, t.currency, t.billingMethod, t.effectiveFrom)],
);
export type Price = typeof prices.$inferSelect;

// ── Resources and usage ──────────────────────────────────────────────────────

export const instances = pgTable(
  "instances",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    productId: text("product_id").notNull().references(() => products.id),
    name: text("name").notNull(),
    spec: text("spec"),
    regionId: text("region_id").notNull(),
    instanceCount: integer("instance_count").notNull().default(1),
    billingMethod: text("billing_method").$type<BillingMethod>().notNull(),
    status: text("status").$type<InstanceStatus>().notNull().default("active"),
    createdAt: ts("created_at").notNull(),
    // Pay-as-you-go periods align to this instant (creation, or reactivation).
    billingAnchorAt: ts("billing_anchor_at").notNull(),
    expiresAt: ts("expires_at"),
    releasedAt: ts("released_at"),
    statusSince: ts("status_since").notNull(),
    autoRenew: boolean("auto_renew").notNull().default(false),
    autoRenewMonths: integer("auto_renew_months").notNull().default(1),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("instances_account_status_idx").on(t.accountId, t.status, t.billingMethod),
  ],
);
export type Instance = typeof instances.$inferSelect;

/** User-defined tags: key → value (docs/tags.md). */
export type Tags = Record<string, string>;

// An instance's tags and resource group over time: one row per assignment of
// the whole set, in force from valid_from until valid_to (null: still in
// force). Rating reads the assignment in force for each line's period, so
// rating again over the same history gives the same lines. Like usage_records,
// no foreign key to instances (lib/data checks the instance): only accounts is
// referenced, so the table distributes like every other tenant table.
export const instanceTagAssignments = pgTable(
  "instance_tag_assignments",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    instanceId: text("instance_id").notNull(),
    tags: jsonb("tags").$type<Tags>().notNull().default({}),
    resourceGroup: text("resource_group"), // null: in no group
    validFrom: ts("valid_from").notNull(),
    validTo: ts("valid_to"),
    createdAt: now(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("instance_tag_assignments_account_instance_idx").on(t.accountId, t.instanceId, t.validFrom),
  ],
);
export type InstanceTagAssignment = typeof instanceTagAssignments.$inferSelect;

export const usageRecords = pgTable(
  "usage_records",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(), // the ingest record id: idempotency per account
    instanceId: text("instance_id").notNull(),
    itemId: text("item_id").notNull(),
    quantity: qty("quantity").notNull(),
    startAt: ts("start_at").notNull(),
    endAt: ts("end_at").notNull(),
    attributes: jsonb("attributes").$type<Record<string, unknown>>(),
    contentHash: text("content_hash").notNull(), // same id, other content → 409
    ingestedAt: ts("ingested_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("usage_records_account_instance_idx").on(t.accountId, t.instanceId, t.startAt),
    // Usage Records tab: an account's usage in a time range, whatever the instance.
    index("usage_records_account_start_idx").on(t.accountId, t.startAt),
  ],
);
export type UsageRecord = typeof usageRecords.$inferSelect;

// Usage rollups for the Usage Records tab, kept by the one writer of
// usage_records (lib/billing/usage-store.ts) so that every insert path — API,
// bulk import, seed — maintains them in the same transaction. Ids are ordered bytewise
// (COLLATE "C") so the primary key serves the tab's page order on any locale.
const textC = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });
const usageSum = (name: string) => numeric(name, { precision: 30, scale: 6 });

/** Usage per UTC hour (hours of whole-hour zones are whole UTC hours). */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    accountId: text("account_id").notNull(),
    hour: ts("hour").notNull(),
    instanceId: textC("instance_id").notNull(),
    itemId: textC("item_id").notNull(),
    quantity: usageSum("quantity").notNull(),
    records: bigint("records", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.hour, t.instanceId, t.itemId] })],
);
export type UsageHourly = typeof usageHourly.$inferSelect;

/** Usage per calendar day in the account's time zone (an account's zone never changes). */
export const usageDaily = pgTable(
  "usage_daily",
  {
    accountId: text("account_id").notNull(),
    day: date("day").notNull(),
    instanceId: textC("instance_id").notNull(),
    itemId: textC("item_id").notNull(),
    quantity: usageSum("quantity").notNull(),
    records: bigint("records", { mode: "number" }).notNull(),
    // usage_hourly rows of this day, instance and item whose UTC hour lies
    // wholly inside the day (every hour, in a zone with whole-hour offsets):
    // their sum over whole days counts the hourly view's groups exactly.
    hours: integer("hours").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day, t.instanceId, t.itemId] })],
);
export type UsageDaily = typeof usageDaily.$inferSelect;

// ── Bills, orders, lines ─────────────────────────────────────────────────────

export const bills = pgTable(
  "bills",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    billingCycle: text("billing_cycle").notNull(), // "YYYY-MM" in the account's time zone
    productId: text("product_id").notNull(),
    billingMethod: text("billing_method").$type<BillingMethod>().notNull(),
    billType: text("bill_type").notNull(), // payg | subscription | refund | adjustment
    status: text("status").notNull().default("open"), // open (estimate) | closed (final)
    closedAt: ts("closed_at"),
    createdAt: now(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    uniqueIndex("bills_account_cycle_key").on(t.accountId, t.billingCycle, t.productId, t.billingMethod, t.billType),
  ],
);
export type Bill = typeof bills.$inferSelect;

export const orders = pgTable(
  "orders",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    orderNo: text("order_no").notNull(),
    instanceId: text("instance_id").notNull(),
    productId: text("product_id").notNull(),
    // new | renewal | upgrade | downgrade | conversion | refund
    orderType: text("order_type").notNull(),
    spec: text("spec"),
    months: integer("months"),
    instanceCount: integer("instance_count").notNull().default(1),
    termStart: ts("term_start"),
    termEnd: ts("term_end"),
    originalAmount: money("original_amount").notNull(),
    discountAmount: money("discount_amount").notNull().default("0"),
    payableAmount: money("payable_amount").notNull(),
    paidAmount: money("paid_amount").notNull().default("0"),
    status: text("status").notNull().default("unpaid"), // unpaid | paid | cancelled | expired (unpaid for 24 h)
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash"),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull(),
    paidAt: ts("paid_at"),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    uniqueIndex("orders_account_no_key").on(t.accountId, t.orderNo),
    uniqueIndex("orders_account_idem_key").on(t.accountId, t.idempotencyKey),
    index("orders_account_created_idx").on(t.accountId, t.createdAt),
  ],
);
export type Order = typeof orders.$inferSelect;

// Stored with fillfactor 50 (migration 0015, not modelled by drizzle): settling a line
// updates it in place on its page, without new index entries.
export const billLines = pgTable(
  "bill_lines",
  {
    accountId: text("account_id").notNull(),
    // Deterministic key (instance, item, day or order) so re-rating upserts.
    id: text("id").notNull(),
    billId: text("bill_id"),
    billingCycle: text("billing_cycle").notNull(),
    billDate: date("bill_date", { mode: "string" }).notNull(),
    lineType: text("line_type").notNull(), // usage | subscription | refund | adjustment
    productId: text("product_id").notNull(),
    productDetail: text("product_detail").notNull(),
    instanceId: text("instance_id").notNull(),
    instanceName: text("instance_name").notNull(),
    regionId: text("region_id").notNull(),
    billingMethod: text("billing_method").$type<BillingMethod>().notNull(),
    billableItemId: text("billable_item_id").notNull(),
    usageQuantity: qty("usage_quantity").notNull(),
    usageUnit: text("usage_unit").notNull(),
    unitPrice: money("unit_price").notNull(),
    priceUnit: text("price_unit").notNull(),
    priceId: text("price_id"),
    originalAmount: money("original_amount").notNull(),
    discountAmount: money("discount_amount").notNull().default("0"),
    pretaxAmount: money("pretax_amount").notNull(),
    deductedByResourcePlan: money("deducted_by_resource_plan").notNull().default("0"),
    deductedByCoupons: money("deducted_by_coupons").notNull().default("0"),
    deductedByVouchers: money("deducted_by_vouchers").notNull().default("0"),
    paidFromBalance: money("paid_from_balance").notNull().default("0"),
    outstandingAmount: money("outstanding_amount").notNull().default("0"),
    currency: text("currency").$type<Currency>().notNull(),
    orderId: text("order_id"),
    dueAt: ts("due_at").notNull(),
    settledAt: ts("settled_at"),
    ratedAt: ts("rated_at").notNull(),
    // The instance's tags and resource group in force for the line's period (docs/tags.md).
    tags: jsonb("tags").$type<Tags>().notNull().default({}),
    resourceGroup: text("resource_group"),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("bill_lines_account_cycle_idx").on(t.accountId, t.billingCycle, t.productId),
    index("bill_lines_account_instance_idx").on(t.accountId, t.instanceId, t.billDate),
    index("bill_lines_account_outstanding_idx").on(t.accountId, t.dueAt),
    // Billing Details' default order (day, then id in C order): a first page reads only its rows.
    index("bill_lines_account_cycle_day_idx").on(t.accountId, t.billingCycle, t.billDate, sql`${t.id} COLLATE "C"`),
  ],
);
export type BillLine = typeof billLines.$inferSelect;

// Kept totals of bill_lines (docs/scaling.md#kept-bill-line-totals): per account, cycle and the
// dimensions the Bill Details views filter and group by, the line count and the
// sums of each amount rounded to cents (a total is a sum of rounded charges).
// Written in the same transaction as the lines, only by lib/billing/line-totals.ts;
// a group whose last line goes is deleted, so every row has line_count > 0.
// No foreign key to accounts: a kept row only sums bill_lines rows, whose key
// already holds the account, and the check per written row was ~8 % of the
// server's work at a month close.
const lineSums = {
  lineCount: bigint("line_count", { mode: "number" }).notNull(),
  originalAmount: numeric("original_amount").notNull(),
  discountAmount: numeric("discount_amount").notNull(),
  pretaxAmount: numeric("pretax_amount").notNull(),
  deductedByResourcePlan: numeric("deducted_by_resource_plan").notNull(),
  deductedByCoupons: numeric("deducted_by_coupons").notNull(),
  deductedByVouchers: numeric("deducted_by_vouchers").notNull(),
  paidFromBalance: numeric("paid_from_balance").notNull(),
  outstandingAmount: numeric("outstanding_amount").notNull(),
};

/** Per cycle, day, product, method, line type, region, item and product detail: a few thousand rows per cycle. */
export const billLineTotals = pgTable(
  "bill_line_totals",
  {
    accountId: text("account_id").notNull(),
    billingCycle: text("billing_cycle").notNull(),
    billDate: date("bill_date", { mode: "string" }).notNull(),
    productId: text("product_id").notNull(),
    billingMethod: text("billing_method").$type<BillingMethod>().notNull(),
    lineType: text("line_type").notNull(),
    regionId: text("region_id").notNull(),
    billableItemId: text("billable_item_id").notNull(),
    productDetail: text("product_detail").notNull(),
    ...lineSums,
  },
  (t) => [
    primaryKey({
      name: "bill_line_totals_pkey",
      columns: [t.accountId, t.billingCycle, t.billDate, t.productId, t.billingMethod, t.lineType, t.regionId, t.billableItemId, t.productDetail],
    }),
    // The forecast's run-rate window is a range of days whatever cycle its lines are in.
    index("bill_line_totals_account_day_idx").on(t.accountId, t.billDate),
  ],
);

/** Per cycle and instance (with its product, region, method and the name its lines carry): one row per instance. */
export const billLineInstanceTotals = pgTable(
  "bill_line_instance_totals",
  {
    accountId: text("account_id").notNull(),
    billingCycle: text("billing_cycle").notNull(),
    instanceId: text("instance_id").notNull(),
    productId: text("product_id").notNull(),
    regionId: text("region_id").notNull(),
    billingMethod: text("billing_method").$type<BillingMethod>().notNull(),
    instanceName: text("instance_name").notNull(),
    ...lineSums,
  },
  (t) => [
    primaryKey({
      name: "bill_line_instance_totals_pkey",
      columns: [t.accountId, t.billingCycle, t.instanceId, t.productId, t.regionId, t.billingMethod, t.instanceName],
    }),
  ],
);

/**
 * Per cycle, resource group and tag set (cost allocation, the tag pickers): one
 * row per distinct combination the lines carry. The group is '' when the lines
 * are in none (names are never empty); the tag set is keyed by its md5, as a
 * tag set can be longer than an index entry may be.
 */
export const billLineTagTotals = pgTable(
  "bill_line_tag_totals",
  {
    accountId: text("account_id").notNull(),
    billingCycle: text("billing_cycle").notNull(),
    resourceGroup: text("resource_group").notNull(),
    tagsHash: text("tags_hash").notNull(),
    tags: jsonb("tags").$type<Tags>().notNull(),
    ...lineSums,
  },
  (t) => [primaryKey({ name: "bill_line_tag_totals_pkey", columns: [t.accountId, t.billingCycle, t.resourceGroup, t.tagsHash] })],
);

// The 4-hour periods behind a Cloud Phone day line. Each period is its own
// charge, rounded once and settled at the instant it falls due; the day line
// carries the sums. Keyed by (instance, item, period start): re-rating upserts
// the same rows, and settled periods are final.
export const billLinePeriods = pgTable(
  "bill_line_periods",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(),
    lineId: text("line_id").notNull(),
    instanceId: text("instance_id").notNull(),
    productId: text("product_id").notNull(),
    billableItemId: text("billable_item_id").notNull(),
    periodStart: ts("period_start").notNull(),
    periodEnd: ts("period_end").notNull(),
    dueAt: ts("due_at").notNull(),
    reason: text("reason").notNull(), // ended | released | overdue | switched
    chargedSeconds: integer("charged_seconds").notNull(),
    instances: integer("instances").notNull(),
    unitPrice: money("unit_price").notNull(),
    amount: money("amount").notNull(),
    deductedByResourcePlan: money("deducted_by_resource_plan").notNull().default("0"),
    deductedByCoupons: money("deducted_by_coupons").notNull().default("0"),
    deductedByVouchers: money("deducted_by_vouchers").notNull().default("0"),
    paidFromBalance: money("paid_from_balance").notNull().default("0"),
    outstandingAmount: money("outstanding_amount").notNull().default("0"),
    settledAt: ts("settled_at"),
    ratedAt: ts("rated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("bill_line_periods_account_line_idx").on(t.accountId, t.lineId, t.periodStart),
    index("bill_line_periods_account_due_idx").on(t.accountId, t.dueAt),
  ],
);
export type BillLinePeriod = typeof billLinePeriods.$inferSelect;

// ── Money on account: vouchers, coupons, plans, ledger ───────────────────────

export const vouchers = pgTable(
  "vouchers",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    code: text("code").notNull(),
    faceValue: money("face_value").notNull(),
    remaining: money("remaining").notNull(),
    // Scope; empty = every product.
    productIds: text("product_ids").array().notNull().default([]),
    validFrom: ts("valid_from").notNull(),
    expiresAt: ts("expires_at").notNull(),
    // Issued by an operator: who and why (null for vouchers that came another way).
    issuedBy: text("issued_by"),
    reason: text("reason"),
    // Revoking sets remaining to 0 and keeps what was taken back; the used part stays used.
    revokedAt: ts("revoked_at"),
    revokedAmount: money("revoked_amount"),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);
export type Voucher = typeof vouchers.$inferSelect;

export const coupons = pgTable(
  "coupons",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    code: text("code").notNull(),
    // A discount coupon: percent off a line (or a fixed amount off when amount_off
    // is set), up to the remaining amount and at most usage_limit uses.
    discountPercent: numeric("discount_percent", { precision: 5, scale: 2 }).notNull(),
    amountOff: money("amount_off"),
    remaining: money("remaining").notNull(),
    // What it could take off when issued (null: not recorded).
    faceValue: money("face_value"),
    usageLimit: integer("usage_limit"), // lines or orders it may apply to; null = no limit
    timesUsed: integer("times_used").notNull().default(0),
    productIds: text("product_ids").array().notNull(), // scope; empty = every product
    validFrom: ts("valid_from").notNull(),
    expiresAt: ts("expires_at").notNull(),
    issuedBy: text("issued_by"),
    reason: text("reason"),
    revokedAt: ts("revoked_at"),
    revokedAmount: money("revoked_amount"),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);
export type Coupon = typeof coupons.$inferSelect;

export const resourcePlans = pgTable(
  "resource_plans",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    name: text("name").notNull(),
    billableItemId: text("billable_item_id").notNull(),
    totalQuantity: qty("total_quantity").notNull(),
    remainingQuantity: qty("remaining_quantity").notNull(),
    unit: text("unit").notNull(),
    validFrom: ts("valid_from").notNull(),
    expiresAt: ts("expires_at").notNull(),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);
export type ResourcePlan = typeof resourcePlans.$inferSelect;

// Append-only: the balance is the sum of amount over an account's entries.
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    entryType: text("entry_type").notNull(), // top_up | deduction | refund | adjustment
    amount: money("amount").notNull(), // signed: credits positive
    currency: text("currency").$type<Currency>().notNull(),
    referenceType: text("reference_type"), // bill_line | order | top_up
    referenceId: text("reference_id"),
    idempotencyKey: text("idempotency_key"),
    memo: text("memo").notNull().default(""),
    at: ts("at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("ledger_entries_account_at_idx").on(t.accountId, t.at),
    uniqueIndex("ledger_entries_account_idem_key").on(t.accountId, t.idempotencyKey),
  ],
);
export type LedgerEntry = typeof ledgerEntries.$inferSelect;

// Operator corrections of a closed cycle: never an edit of its bill, but an
// adjustment line in the cycle open when it is made (line_id), settled like
// any line (a credit goes to the balance through the ledger).
export const adjustments = pgTable(
  "adjustments",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    kind: text("kind").$type<"credit" | "debit">().notNull(),
    amount: money("amount").notNull(), // positive; the kind says which way
    targetCycle: text("target_cycle").notNull(), // the closed cycle it corrects
    productId: text("product_id").notNull(),
    billingMethod: text("billing_method").$type<BillingMethod>().notNull(),
    lineId: text("line_id").notNull(),
    reason: text("reason").notNull(),
    issuedBy: text("issued_by").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("adjustments_account_at_idx").on(t.accountId, t.at)],
);
export type Adjustment = typeof adjustments.$inferSelect;

// ── History ──────────────────────────────────────────────────────────────────

export const instanceStateChanges = pgTable(
  "instance_state_changes",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(),
    instanceId: text("instance_id").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    at: ts("at").notNull(),
    cause: text("cause").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("instance_state_changes_account_instance_idx").on(t.accountId, t.instanceId, t.at),
  ],
);
export type InstanceStateChange = typeof instanceStateChanges.$inferSelect;

export const auditLog = pgTable(
  "audit_log",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(),
    at: ts("at").notNull(),
    actorUserId: text("actor_user_id"),
    actorApiKeyId: text("actor_api_key_id"),
    // The provider's operator: an operator key id, or "cli:<name>".
    actorOperatorId: text("actor_operator_id"),
    actorOperatorName: text("actor_operator_name"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    fromState: text("from_state"),
    toState: text("to_state"),
    amounts: jsonb("amounts").$type<Record<string, string>>(),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("audit_log_account_at_idx").on(t.accountId, t.at)],
);
export type AuditEntry = typeof auditLog.$inferSelect;

// Replays of idempotent requests (lifecycle actions, top-ups) return the first result.
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    accountId: text("account_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    response: jsonb("response").$type<unknown>(),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);

export const columnPreferences = pgTable(
  "column_preferences",
  {
    accountId: text("account_id").notNull(),
    userId: text("user_id").notNull(),
    view: text("view").notNull(),
    columns: text("columns").array().notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId, t.view] })],
);

// ── Alerts and webhooks ──────────────────────────────────────────────────────

export const ALERT_KINDS = ["low_balance", "budget", "overdue"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

// What an account wants to be warned about. Budgets carry a monthly amount
// (whole account, or one product) and percent thresholds on actual spend and
// on the cycle-end forecast; low balance carries the available-credit floor.
export const alertRules = pgTable(
  "alert_rules",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    kind: text("kind").$type<AlertKind>().notNull(),
    name: text("name").notNull(),
    amount: money("amount"),
    productId: text("product_id"),
    actualThresholds: integer("actual_thresholds").array().notNull().default([]),
    forecastThresholds: integer("forecast_thresholds").array().notNull().default([]),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);
export type AlertRule = typeof alertRules.$inferSelect;

// One row per rule and crossing key (threshold + basis + cycle, resource
// event, overdue start…): a crossing fires once; low balance re-arms when it clears.
export const alertStates = pgTable(
  "alert_states",
  {
    accountId: text("account_id").notNull(),
    ruleId: text("rule_id").notNull(),
    key: text("key").notNull(),
    active: boolean("active").notNull().default(true),
    since: ts("since").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.ruleId, t.key] })],
);

// The history the console lists (bell, Alerts page). `at` is the billing
// instant of the crossing; created_at orders unread counts.
export const alerts = pgTable(
  "alerts",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(),
    ruleId: text("rule_id").notNull(),
    kind: text("kind").$type<AlertKind>().notNull(),
    key: text("key").notNull(),
    title: text("title").notNull(),
    message: text("message").notNull(),
    at: ts("at").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("alerts_account_created_idx").on(t.accountId, t.createdAt)],
);
export type Alert = typeof alerts.$inferSelect;

/** Per user: alerts created after this instant are unread. */
export const alertReads = pgTable(
  "alert_reads",
  {
    accountId: text("account_id").notNull(),
    userId: text("user_id").notNull(),
    readUntil: ts("read_until").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId] })],
);

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    accountId: text("account_id").notNull().references(() => accounts.id),
    id: text("id").notNull(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    events: text("events").array().notNull(),
    // Needed in clear to sign; shown to the user once, at creation.
    secret: text("secret").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

// The outbox: written in the transaction that made the event happen.
export const webhookEvents = pgTable(
  "webhook_events",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(),
    type: text("type").notNull(),
    occurredAt: ts("occurred_at").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] })],
);
export type WebhookEvent = typeof webhookEvents.$inferSelect;

// One per event and endpoint (and per resend): pending until a 2xx, retried
// with backoff for 24 h, then failed. Instants here are wall-clock time.
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    status: text("status").$type<"pending" | "succeeded" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    leaseUntil: ts("lease_until"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: ts("delivered_at"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("webhook_deliveries_account_due_idx").on(t.accountId, t.status, t.nextAttemptAt),
    index("webhook_deliveries_account_endpoint_idx").on(t.accountId, t.endpointId, t.createdAt),
  ],
);
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    accountId: text("account_id").notNull(),
    id: text("id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    at: ts("at").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("webhook_attempts_account_delivery_idx").on(t.accountId, t.deliveryId, t.at)],
);
