// Billing Details (the second Bill Details tab) and GET /api/v1/bill-lines.
//
// Parameters use the provider's billing API vocabulary (docs/api.md#field-names). Rows are either
// the stored bill lines themselves (statisticItem=line, granularity=DAILY — the
// default, because a stored line *is* one statistic day) or aggregates of them:
//   granularity=MONTHLY   one row per key for the whole cycle instead of per day
//   statisticItem=instance|product, or groupBy=<filter dimension>
//                         one row per instance / product / dimension value
// In an aggregated row a descriptive field has a value only when every line in
// the group shares it (else null), and usage is summed only when the lines
// share one unit — summing GB with hours would be meaningless.
//
// Everything is one set-based statement per page (plus one for totals), always
// scoped by account_id first so the bill_lines_account_cycle_idx index leads.
// Pagination is keyset on (sort value, row id): stable under ties, no OFFSET.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "@/db/client";
import { BILLING_METHODS, type Tags } from "@/db/schema";
import { BadRequestError } from "@/lib/errors";
import { DETAIL_COLUMN_KEYS } from "@/lib/exports/columns";
import { LOCALES } from "@/lib/i18n/locale";
import { dec, toFixedString } from "@/lib/money";
import { badTextReason } from "@/lib/text";
import { tenantOf, type Caller } from "./caller";
import { NO_GROUP, UNTAGGED } from "@/lib/tags";
import { resourceGroupSchema, tagKey, tagValue } from "./tags";
import { KEPT_TABLES } from "@/lib/billing/line-totals";
import { keptTableFor, keptWhere, type KeptConditions, type KeptTable } from "./line-totals";
import { parseInput } from "./validate";

// ── Query parameters ─────────────────────────────────────────────────────────

/** URLSearchParams → plain object; a repeated parameter becomes an array. */
export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function asObject(input: unknown): unknown {
  return input instanceof URLSearchParams ? searchParamsObject(input) : input;
}

/**
 * Multi-select: repeated parameters and/or comma-separated values. Free text
 * (product detail) may itself contain commas, so it is split only by repetition.
 */
export function multi<T extends z.ZodType>(item: T, splitCommas = true) {
  return z.preprocess((v) => {
    if (v === undefined || v === null) return undefined;
    const values = (Array.isArray(v) ? v : [v]).flatMap((s) =>
      typeof s === "string" && splitCommas ? s.split(",") : [s],
    );
    const cleaned = values.map((s) => (typeof s === "string" ? s.trim() : s)).filter((s) => s !== "");
    return cleaned.length ? cleaned : undefined;
  }, z.array(item).max(200, "at most 200 values").optional());
}

const ID = z.string().max(200, "is too long");

export const CYCLE = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a billing cycle YYYY-MM");

/** A calendar day: 2026-10-99 and 2026-02-30 are refused here, not by the database. */
export const DAY = z.iso.date({ message: "must be a day YYYY-MM-DD" });

export const LIMIT = z.coerce
  .number({ error: "must be an integer from 1 to 1000" })
  .int("must be an integer from 1 to 1000")
  .min(1, "must be an integer from 1 to 1000")
  .max(1000, "must be an integer from 1 to 1000")
  .default(100);

const BOOL = z.preprocess(
  (v) => (typeof v === "boolean" ? String(v) : v),
  z.enum(["true", "false", "1", "0"], { error: "must be true or false" }).transform((v) => v === "true" || v === "1"),
);

/** The filter dimensions, each a multi-select and a possible groupBy. */
export const DIMENSIONS = ["productId", "productDetail", "billingMethod", "regionId", "instanceId", "billableItemId"] as const;
export type Dimension = (typeof DIMENSIONS)[number];
const DIMENSION_SQL: Record<Dimension, string> = {
  productId: "bl.product_id",
  productDetail: "bl.product_detail",
  billingMethod: "bl.billing_method",
  regionId: "bl.region_id",
  instanceId: "bl.instance_id",
  billableItemId: "bl.billable_item_id",
};

/** Cost allocation groupings beyond the filter dimensions (docs/tags.md). */
export const GROUP_BYS = [...DIMENSIONS, "resourceGroup", "tag"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export { NO_GROUP, UNTAGGED };

/** `bl.tags ->> '<key>'`: the key is checked against TAG_KEY (no quote can pass), and quoted anyway. */
export function tagValueSql(key: string, alias = "bl"): string {
  return `(${alias}.tags ->> '${key.replace(/'/g, "''")}')`;
}

/** Sortable fields: text fields sort with NULL as "", amounts numerically. */
export const SORT_FIELDS = {
  billingDate: "text",
  productCode: "text",
  productName: "text",
  productDetail: "text",
  instanceId: "text",
  instanceName: "text",
  region: "text",
  billingMethod: "text",
  billableItemId: "text",
  pretaxGrossAmount: "numeric",
  invoiceDiscount: "numeric",
  pretaxAmount: "numeric",
  deductedByResourcePackage: "numeric",
  deductedByCoupons: "numeric",
  deductedByCashCoupons: "numeric",
  paymentAmount: "numeric",
  outstandingAmount: "numeric",
} as const;
type SortField = keyof typeof SORT_FIELDS;
const SORT_RE = new RegExp(`^(${Object.keys(SORT_FIELDS).join("|")})(?::(asc|desc))?$`);

const SORT = z
  .string()
  .regex(SORT_RE, `must be <field> or <field>:asc|desc with field one of ${Object.keys(SORT_FIELDS).join(", ")}`)
  .transform((s) => {
    const [, field, dir] = SORT_RE.exec(s)!;
    return { field: field as SortField, dir: (dir ?? "asc") as "asc" | "desc" };
  });

// Cost allocation: a tag key (to filter by its values or group by it) and the resource group.
export const allocationFields = {
  tagKey: tagKey.optional(),
  tagValue: multi(z.union([z.literal(UNTAGGED), tagValue])),
  resourceGroup: multi(z.union([z.literal(NO_GROUP), resourceGroupSchema.unwrap()])),
};
export type AllocationFilter = { tagKey?: string; tagValue?: string[]; resourceGroup?: string[] };

/** Everything but the cycle: also used for one bill's lines (lib/data/bills.ts). */
export const lineOptionsSchema = z.object({
  granularity: z.enum(["DAILY", "MONTHLY"], { error: "must be DAILY or MONTHLY" }).default("DAILY"),
  statisticItem: z.enum(["line", "instance", "product"], { error: "must be line, instance or product" }).default("line"),
  groupBy: z.enum(GROUP_BYS, { error: `must be one of ${GROUP_BYS.join(", ")}` }).optional(),
  ...allocationFields,
  billingDate: DAY.optional(),
  productId: multi(ID),
  productDetail: multi(z.string().max(500, "is too long"), false),
  billingMethod: multi(z.enum(BILLING_METHODS, { error: `must be one of ${BILLING_METHODS.join(", ")}` })),
  regionId: multi(ID),
  instanceId: multi(ID),
  billableItemId: multi(ID),
  isHideZeroCharge: BOOL.default(false),
  sort: SORT.optional(),
  limit: LIMIT,
  nextToken: z.string().max(2000, "is too long").optional(),
});
export type LineOptions = z.output<typeof lineOptionsSchema>;

/** tagValue and grouping by tag need the key they are about. */
export function needsTagKey(q: AllocationFilter & { groupBy?: string; dimension?: string }, ctx: z.RefinementCtx) {
  if (q.tagKey) return;
  if (q.tagValue?.length) ctx.addIssue({ code: "custom", path: ["tagKey"], message: "is required with tagValue" });
  if (q.groupBy === "tag") ctx.addIssue({ code: "custom", path: ["tagKey"], message: "is required with groupBy=tag" });
  if (q.dimension === "tag") ctx.addIssue({ code: "custom", path: ["tagKey"], message: "is required with dimension=tag" });
}

export const billLinesQuerySchema = lineOptionsSchema
  .extend({
    billingCycle: CYCLE,
    // csv: the rows as shown (all pages, `columns` or the user's saved choice); focus: FOCUS 1.2 lines.
    format: z.enum(["json", "csv", "focus"], { error: "must be json, csv or focus" }).default("json"),
    columns: multi(z.enum(DETAIL_COLUMN_KEYS as [string, ...string[]], { error: `must be among ${DETAIL_COLUMN_KEYS.join(", ")}` })),
    // The CSV header row's language (the route words it; cells are the same in every language).
    headers: z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` }).optional(),
  })
  .refine((q) => !q.billingDate || q.billingDate.startsWith(`${q.billingCycle}-`), {
    path: ["billingDate"],
    message: "must be a day of billingCycle",
  })
  .superRefine(needsTagKey);
export type BillLinesQuery = z.output<typeof billLinesQuerySchema>;

// ── Columns ──────────────────────────────────────────────────────────────────
// Static SQL fragments (never user input), keyed by their API name.

const DESCRIPTIVE: [string, string][] = [
  ["billingCycle", "bl.billing_cycle"],
  ["billingDate", "to_char(bl.bill_date, 'YYYY-MM-DD')"],
  ["productCode", "bl.product_id"],
  ["productName", "p.name"],
  ["productDetail", "bl.product_detail"],
  ["instanceId", "bl.instance_id"],
  ["instanceName", "bl.instance_name"],
  ["region", "bl.region_id"],
  ["regionName", "r.name"],
  ["billingMethod", "bl.billing_method"],
  ["billableItemId", "bl.billable_item_id"],
  ["billableItem", "bi.name"],
  ["usageUnit", "bl.usage_unit"],
  ["listPrice", "bl.unit_price"],
  ["listPriceUnit", "bl.price_unit"],
  ["currency", "bl.currency"],
  ["orderId", "bl.order_id"],
  ["orderNo", "o.order_no"],
  ["lineType", "bl.line_type"],
  ["tags", "bl.tags"],
  ["resourceGroup", "bl.resource_group"],
];

/** API amount names → bill_lines columns (docs/api.md#field-names). */
export const AMOUNTS: [string, string][] = [
  ["pretaxGrossAmount", "original_amount"],
  ["invoiceDiscount", "discount_amount"],
  ["pretaxAmount", "pretax_amount"],
  ["deductedByResourcePackage", "deducted_by_resource_plan"],
  ["deductedByCoupons", "deducted_by_coupons"],
  ["deductedByCashCoupons", "deducted_by_vouchers"],
  ["paymentAmount", "paid_from_balance"],
  ["outstandingAmount", "outstanding_amount"],
];

/**
 * The name look-ups of `bl` (a bill_lines row, a page or a group of them). The
 * order join names the account itself: Citus does not carry bl's account filter
 * through a grouped or LIMITed subquery and would read orders on every shard.
 */
function lookupsOf(accountId: string): SQL {
  return sql`
  LEFT JOIN products p ON p.id = bl.product_id
  LEFT JOIN regions r ON r.id = bl.region_id
  LEFT JOIN billable_items bi ON bi.id = bl.billable_item_id
  LEFT JOIN orders o ON o.account_id = ${accountId} AND o.account_id = bl.account_id AND o.id = bl.order_id`;
}

/**
 * Sort fields that are a stored line's own column, as an expression on `bl`
 * ordering exactly like the API field does (a date orders like its ISO text).
 */
const LINE_SORT: Partial<Record<SortField, string>> = {
  billingDate: "bl.bill_date",
  productCode: `coalesce(bl.product_id, '') COLLATE "C"`,
  productDetail: `coalesce(bl.product_detail, '') COLLATE "C"`,
  instanceId: `coalesce(bl.instance_id, '') COLLATE "C"`,
  instanceName: `coalesce(bl.instance_name, '') COLLATE "C"`,
  region: `coalesce(bl.region_id, '') COLLATE "C"`,
  billingMethod: `coalesce(bl.billing_method, '') COLLATE "C"`,
  billableItemId: `coalesce(bl.billable_item_id, '') COLLATE "C"`,
  ...Object.fromEntries(AMOUNTS.map(([name, c]) => [name, `round(bl.${c}, 2)`])),
};

/** The bill_lines columns DESCRIPTIVE reads (directly or to look a name up). */
const GROUPED_COLUMNS = [
  "billing_cycle", "bill_date", "product_id", "product_detail", "instance_id", "instance_name", "region_id",
  "billing_method", "billable_item_id", "usage_unit", "unit_price", "price_unit", "currency", "order_id", "line_type", "resource_group",
];

/** The grouping key, or null for the stored lines themselves. */
function groupKey(q: LineOptions): string[] | null {
  const day = q.granularity === "DAILY" ? ["bl.bill_date"] : [];
  if (q.groupBy === "tag") return [q.tagKey ? tagValueSql(q.tagKey) : "NULL::text", ...day];
  if (q.groupBy === "resourceGroup") return ["bl.resource_group", ...day];
  if (q.groupBy) return [DIMENSION_SQL[q.groupBy], ...day];
  if (q.statisticItem === "instance") return ["bl.product_id", "bl.instance_id", "bl.region_id", "bl.billing_method", ...day];
  if (q.statisticItem === "product") return ["bl.product_id", "bl.product_detail", "bl.billing_method", ...day];
  if (q.granularity === "DAILY") return null;
  // One row per line "identity" over the cycle: the days merge, orders stay apart.
  return ["bl.product_id", "bl.instance_id", "bl.billable_item_id", "bl.billing_method", "bl.region_id", "bl.line_type", "bl.order_id"];
}

/** SELECT producing one API row per stored line or per group; `tag` is the tagKey's value expression. */
function rowsSelect(accountId: string, key: string[] | null, where: SQL, tag: string, from: SQL = sql`bill_lines bl ${lookupsOf(accountId)}`): SQL {
  // Amounts are summed rounded, so every total reconciles with the lines to the cent.
  if (!key) {
    const cols = [
      "bl.id AS id",
      "1 AS \"lineCount\"",
      "bl.usage_quantity AS \"usage\"",
      ...DESCRIPTIVE.map(([name, e]) => `${e} AS "${name}"`),
      `${tag} AS "tagValue"`,
      ...AMOUNTS.map(([name, c]) => `round(bl.${c}, 2) AS "${name}"`),
    ];
    return sql`SELECT ${sql.raw(cols.join(", "))} FROM ${from} WHERE ${where}`;
  }
  // Group bill_lines alone, then look names up once per group: a name is
  // shared exactly when the id it belongs to is shared.
  const same = (e: string) => `CASE WHEN count(${e}) = count(*) AND min(${e}) = max(${e}) THEN min(${e}) END`;
  const inner = [
    `'g_' || md5(json_build_array(${key.join(", ")})::text) AS id`,
    "count(*)::int AS \"lineCount\"",
    "CASE WHEN min(bl.usage_unit) = max(bl.usage_unit) THEN sum(bl.usage_quantity) END AS \"usage\"",
    "min(bl.account_id) AS account_id",
    ...GROUPED_COLUMNS.map((c) => `${same(`bl.${c}`)} AS ${c}`),
    // jsonb has no min/max: the tag set is compared as its (canonical) text.
    `${same("bl.tags::text")} AS tags`,
    `${same(tag)} AS tag_value`,
    ...AMOUNTS.map(([name, c]) => `sum(round(bl.${c}, 2)) AS "${name}"`),
  ];
  const outer = [
    "bl.id",
    "bl.\"lineCount\"",
    "bl.\"usage\"",
    ...DESCRIPTIVE.map(([name, e]) => `${e} AS "${name}"`),
    `bl.tag_value AS "tagValue"`,
    ...AMOUNTS.map(([name]) => `bl."${name}"`),
  ];
  return sql`SELECT ${sql.raw(outer.join(", "))}
    FROM (SELECT ${sql.raw(inner.join(", "))} FROM bill_lines bl WHERE ${where} GROUP BY ${sql.raw(key.join(", "))}) bl ${lookupsOf(accountId)}`;
}

/**
 * Count and totals over every matching row, straight from bill_lines: the
 * lookups (product, region, item, order names) never change a total, so they
 * are left out, and a group's sums add up to the sums of its lines.
 */
function totalsSelect(key: string[] | null, where: SQL): SQL {
  const sums = AMOUNTS.map(([name, c]) => `coalesce(sum(round(bl.${c}, 2)), 0)::text AS "${name}"`).join(", ");
  const count = key
    ? sql`(SELECT count(*) FROM (SELECT 1 FROM bill_lines bl WHERE ${where} GROUP BY ${sql.raw(key.join(", "))}) g)`
    : sql`count(*)`;
  return sql`SELECT ${count}::text AS "totalCount", ${sql.raw(sums)} FROM bill_lines bl WHERE ${where}`;
}

/** The bill_lines column behind each dimension filter. */
const DIMENSION_COLUMN: Record<Dimension, string> = Object.fromEntries(
  DIMENSIONS.map((d) => [d, DIMENSION_SQL[d].slice(3)]),
) as Record<Dimension, string>;

/** Where the kept totals can stand in for the lines: the table, its conditions and the grouping columns. */
interface KeptPlan {
  table: KeptTable;
  where: SQL;
  keyCols: string[];
}

/**
 * The kept table (lib/data/line-totals.ts) whose columns hold the scope, the
 * filters and the grouping; null when none does (tags, resource group,
 * zero-charge hiding, an order's lines, one line's identity): those scan bill_lines.
 */
function keptPlan(accountId: string, known: KeptConditions | undefined, key: string[] | null, q: LineOptions): KeptPlan | null {
  if (!known || q.isHideZeroCharge || allocationFilters(q).length) return null;
  const conds: KeptConditions = [...known];
  for (const dim of DIMENSIONS) if (q[dim]?.length) conds.push([DIMENSION_COLUMN[dim], q[dim]!]);
  if (q.billingDate) conds.push(["bill_date", [q.billingDate]]);
  const keyCols = (key ?? []).map((k) => /^bl\.(\w+)$/.exec(k)?.[1]);
  if (keyCols.some((c) => !c)) return null;
  const table = keptTableFor([...conds.map(([c]) => c), ...(keyCols as string[])]);
  return table ? { table, where: keptWhere(accountId, conds), keyCols: keyCols as string[] } : null;
}

/** Count and totals from the kept totals (the same figures totalsSelect sums from the lines). */
function keptTotalsSelect(plan: KeptPlan, grouped: boolean): SQL {
  const { table, where, keyCols } = plan;
  const sums = AMOUNTS.map(([name, c]) => `coalesce(sum(t.${c}), 0)::text AS "${name}"`).join(", ");
  const count = grouped
    ? sql`(SELECT count(*) FROM (SELECT 1 FROM ${sql.raw(table)} t WHERE ${where} GROUP BY ${sql.raw(keyCols.map((c) => `t.${c}`).join(", "))}) g)`
    : sql`coalesce(sum(t.line_count), 0)`;
  return sql`SELECT ${count}::text AS "totalCount", ${sql.raw(sums)} FROM ${sql.raw(table)} t WHERE ${where}`;
}

/** API sort fields → the bill_lines column an aggregated row shows when its lines share it. */
const SORT_COLUMN: Partial<Record<SortField, string>> = {
  billingDate: "bill_date",
  productCode: "product_id",
  productDetail: "product_detail",
  instanceId: "instance_id",
  instanceName: "instance_name",
  region: "region_id",
  billingMethod: "billing_method",
  billableItemId: "billable_item_id",
};

/**
 * Groups by instance: which groups make the page, chosen from the kept
 * per-instance totals (one row per instance, not a GROUP BY over every line),
 * as a condition on `bl` that keeps only their lines. The group id, the sort
 * value and the cursor condition are the listing's own, computed from the kept
 * rows, so the page has the same rows in the same order. Null when the sort
 * field is not a kept column or an amount.
 */
async function keptGroupPage(plan: KeptPlan, key: string[], sort: { field: SortField; dir: "asc" | "desc" }, cursor: { v: string; i: string } | null, limit: number): Promise<SQL | null> {
  if (plan.table !== "bill_line_instance_totals" || !plan.keyCols.includes("instance_id")) return null;
  const numeric = SORT_FIELDS[sort.field] === "numeric";
  const has = new Set<string>(KEPT_TABLES[plan.table]);
  let value: string;
  if (numeric) value = `sum(t.${AMOUNTS.find(([name]) => name === sort.field)![1]})`;
  else {
    const column = SORT_COLUMN[sort.field];
    if (!column || !has.has(column)) return null;
    value = `CASE WHEN min(t.${column}) = max(t.${column}) THEN min(t.${column}) END`;
  }
  const keys = plan.keyCols.map((c) => `t.${c}`).join(", ");
  const sortExpr = sql.raw(numeric ? `x.__s` : `coalesce(x.__s, '') COLLATE "C"`);
  let after = sql`TRUE`;
  if (cursor) {
    const v = numeric ? sql`${cursor.v}::numeric` : sql`${cursor.v}`;
    const beyond = sort.dir === "asc" ? sql`${sortExpr} > ${v}` : sql`${sortExpr} < ${v}`;
    after = sql`(${beyond} OR (${sortExpr} = ${v} AND x.id COLLATE "C" > ${cursor.i}))`;
  }
  const groups = await query<Record<string, string>>(
    await getDb(),
    sql`SELECT ${sql.raw(plan.keyCols.map((c) => `x.${c}::text AS ${c}`).join(", "))} FROM (
        SELECT 'g_' || md5(json_build_array(${sql.raw(keys)})::text) AS id, ${sql.raw(value)} AS __s, ${sql.raw(keys)}
        FROM ${sql.raw(plan.table)} t WHERE ${plan.where} GROUP BY ${sql.raw(keys)}) x
      WHERE ${after} ORDER BY ${sortExpr} ${sql.raw(sort.dir === "asc" ? "ASC" : "DESC")}, x.id COLLATE "C" ASC LIMIT ${limit + 1}`,
  );
  if (!groups.length) return sql`FALSE`;
  const tuple = (g: Record<string, string>) => sql`(${sql.join(plan.keyCols.map((c) => sql`${g[c]}`), sql`, `)})`;
  return sql`(${sql.raw(key.join(", "))}) IN (${sql.join(groups.map(tuple), sql`, `)})`;
}

function inList(column: string, values: readonly string[]): SQL {
  return sql`${sql.raw(column)} IN (${sql.join(values.map((v) => sql`${v}`), sql`, `)})`;
}

/** The tag value and resource group filters (docs/tags.md), shared by every view that offers them. */
export function allocationFilters(q: AllocationFilter): SQL[] {
  const out: SQL[] = [];
  if (q.tagKey && q.tagValue?.length) {
    const value = sql.raw(tagValueSql(q.tagKey));
    const values = q.tagValue.filter((v) => v !== UNTAGGED);
    const either = [
      ...(values.length ? [sql`${value} IN (${sql.join(values.map((v) => sql`${v}`), sql`, `)})`] : []),
      ...(q.tagValue.includes(UNTAGGED) ? [sql`${value} IS NULL`] : []),
    ];
    out.push(sql`(${sql.join(either, sql` OR `)})`);
  }
  if (q.resourceGroup?.length) {
    const groups = q.resourceGroup.filter((g) => g !== NO_GROUP);
    const either = [
      ...(groups.length ? [inList("bl.resource_group", groups)] : []),
      ...(q.resourceGroup.includes(NO_GROUP) ? [sql`bl.resource_group IS NULL`] : []),
    ];
    out.push(sql`(${sql.join(either, sql` OR `)})`);
  }
  return out;
}

export function filterConditions(q: LineOptions): SQL[] {
  const conds: SQL[] = [];
  for (const dim of DIMENSIONS) {
    const values = q[dim];
    if (values?.length) conds.push(inList(DIMENSION_SQL[dim], values));
  }
  conds.push(...allocationFilters(q));
  if (q.billingDate) conds.push(sql`bl.bill_date = ${q.billingDate}::date`);
  if (q.isHideZeroCharge) conds.push(sql`round(bl.pretax_amount, 2) <> 0`);
  return conds;
}

// ── Cursor ───────────────────────────────────────────────────────────────────

const cursorSchema = z.object({ v: z.string(), i: z.string(), s: z.string(), m: z.string() });
type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

/** A token only continues the listing (sort and row shape) it came from. */
export function decodeCursor(token: string, sort: string, mode: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.s !== sort || result.data.m !== mode) {
    throw new BadRequestError("nextToken: is not a token from this listing; start again without it.");
  }
  // A token is client input like any other: its values must fit the sort's type.
  const field = sort.split(":")[0];
  const fits =
    field === "billingDate"
      ? DAY.safeParse(result.data.v).success
      : SORT_FIELDS[field as SortField] === "numeric"
        ? /^-?\d{1,20}(\.\d{1,12})?$/.test(result.data.v)
        : badTextReason(result.data.v) === null;
  if (!fits || badTextReason(result.data.i) !== null) {
    throw new BadRequestError("nextToken: is not a token from this listing; start again without it.");
  }
  return result.data;
}

// ── Output ───────────────────────────────────────────────────────────────────

export const SUBSCRIPTION_TYPE: Record<string, string> = { subscription: "Subscription", payg: "PayAsYouGo", free: "Free" };

/** Quantities and unit prices: up to 6 decimals, no trailing zeros. */
function quantity(v: string | null): string | null {
  return v === null ? null : dec(v).toDecimalPlaces(6).toFixed();
}

export type Amounts = Record<
  | "pretaxGrossAmount"
  | "invoiceDiscount"
  | "pretaxAmount"
  | "deductedByResourcePackage"
  | "deductedByCoupons"
  | "deductedByCashCoupons"
  | "paymentAmount"
  | "outstandingAmount",
  string
>;

export interface BillLineRow extends Amounts {
  id: string;
  lineCount: number;
  billingCycle: string | null;
  billingDate: string | null;
  productCode: string | null;
  productName: string | null;
  productDetail: string | null;
  instanceId: string | null;
  instanceName: string | null;
  region: string | null;
  regionName: string | null;
  billingMethod: string | null;
  subscriptionType: string | null;
  billableItemId: string | null;
  billableItem: string | null;
  usage: string | null;
  usageUnit: string | null;
  listPrice: string | null;
  listPriceUnit: string | null;
  currency: string | null;
  orderId: string | null;
  orderNo: string | null;
  lineType: string | null;
  /** The tags in force for the line's period; aggregated rows: null unless every line has the same set. */
  tags: Tags | null;
  resourceGroup: string | null;
  /** With a tagKey: the row's value of it (null: untagged). */
  tagValue?: string | null;
  /** Stored lines only: the periods a Cloud Phone day line adds up (empty for other lines). */
  periods?: LinePeriod[];
}

/** One 4-hour period behind a day line: its own charge, rounded once, settled when due. */
export interface LinePeriod {
  id: string;
  start: string;
  end: string;
  dueAt: string;
  reason: string;
  chargedSeconds: number;
  instances: number;
  /** Hourly price per instance, 6 decimals. */
  unitPrice: string;
  /** unitPrice × chargedSeconds / 3600 × instances, rounded once to 2 decimals. */
  amount: string;
  paymentAmount: string;
  outstandingAmount: string;
  settledAt: string | null;
}

export interface Page<T, Totals> {
  data: T[];
  nextToken: string | null;
  totalCount: number;
  totals: Totals;
}

export function amountsOf(row: Record<string, string | null>): Amounts {
  return Object.fromEntries(AMOUNTS.map(([name]) => [name, toFixedString(dec(row[name]), 2)])) as Amounts;
}

function toApiRow(r: Record<string, unknown>): BillLineRow {
  const s = r as Record<string, string | null>;
  const text = Object.fromEntries(DESCRIPTIVE.map(([name]) => [name, s[name] ?? null])) as Record<string, string | null>;
  return {
    id: String(r.id),
    lineCount: Number(r.lineCount),
    ...(text as Omit<BillLineRow, "id" | "lineCount" | "subscriptionType" | "usage" | "periods" | "tags" | keyof Amounts>),
    tags: text.tags === null ? null : (JSON.parse(text.tags) as Tags),
    ...("tagValue" in r ? { tagValue: s.tagValue ?? null } : {}),
    subscriptionType: text.billingMethod ? (SUBSCRIPTION_TYPE[text.billingMethod] ?? null) : null,
    usage: quantity(s.usage),
    // Unit prices keep their 6 decimals (they are not money to be paid; the amounts are).
    listPrice: text.listPrice === null ? null : dec(text.listPrice).toFixed(6),
    ...amountsOf(s),
  };
}

// ── Listing ──────────────────────────────────────────────────────────────────

/**
 * One page of the account's lines (or aggregated rows) matching `scope` (SQL
 * conditions on `bl`) and the options' filters. `known` states the same scope as
 * column = value conditions when it can (then counts and totals may come from
 * the kept totals); without it they are summed from the lines.
 */
export async function pageOfBillLines(accountId: string, scope: SQL[], q: LineOptions, known?: KeptConditions): Promise<Page<BillLineRow, Amounts>> {
  const key = groupKey(q);
  const plan = keptPlan(accountId, known, key, q);
  const sort = q.sort ?? { field: q.granularity === "DAILY" ? "billingDate" : "productCode", dir: "asc" as const };
  const sortName = `${sort.field}:${sort.dir}`;
  const mode = `${q.statisticItem}/${q.granularity}/${q.groupBy ?? ""}`;
  // Groups of an instance are few lines each: the page's groups come from the kept totals, then only their lines are grouped.
  const pageGroups = plan && key ? await keptGroupPage(plan, key, sort, q.nextToken ? decodeCursor(q.nextToken, sortName, mode) : null, q.limit) : null;
  const where = sql.join([sql`bl.account_id = ${accountId}`, ...scope, ...filterConditions(q), ...(pageGroups ? [pageGroups] : [])], sql` AND `);
  const tag = q.tagKey ? tagValueSql(q.tagKey) : "NULL::text";
  let rows = rowsSelect(accountId, key, where, tag);

  const numeric = SORT_FIELDS[sort.field] === "numeric";
  // Text sorts use the C collation so PGlite and PostgreSQL order identically.
  const sortExpr = sql.raw(numeric ? `x."${sort.field}"` : `coalesce(x."${sort.field}", '') COLLATE "C"`);
  const idExpr = sql.raw(`x.id COLLATE "C"`);
  const dir = sql.raw(sort.dir === "asc" ? "ASC" : "DESC");

  let after = sql`TRUE`;
  if (q.nextToken) {
    const c = decodeCursor(q.nextToken, sortName, mode);
    const v = numeric ? sql`${c.v}::numeric` : sql`${c.v}`;
    const beyond = sort.dir === "asc" ? sql`${sortExpr} > ${v}` : sql`${sortExpr} < ${v}`;
    after = sql`(${beyond} OR (${sortExpr} = ${v} AND ${idExpr} > ${c.i}))`;
  }

  // Stored lines sorted by one of their own columns: take the page from
  // bill_lines alone (cheap key, no lookups), then look names up for its rows
  // only. Same order and ties as the general form below, which stays as is.
  const own = LINE_SORT[sort.field];
  if (!key && own) {
    const blSort = sql.raw(own);
    let blAfter = sql`TRUE`;
    if (q.nextToken) {
      const c = decodeCursor(q.nextToken, sortName, mode);
      const v = sort.field === "billingDate" ? sql`${c.v}::date` : numeric ? sql`${c.v}::numeric` : sql`${c.v}`;
      const beyond = sort.dir === "asc" ? sql`${blSort} > ${v}` : sql`${blSort} < ${v}`;
      blAfter = sql`(${beyond} OR (${blSort} = ${v} AND bl.id COLLATE "C" > ${c.i}))`;
    }
    const pageOfLines = sql`(SELECT bl.* FROM bill_lines bl WHERE ${where} AND ${blAfter}
      ORDER BY ${blSort} ${dir}, bl.id COLLATE "C" ASC LIMIT ${q.limit + 1}) bl`;
    rows = rowsSelect(accountId, null, sql`TRUE`, tag, sql`${pageOfLines} ${lookupsOf(accountId)}`);
    after = sql`TRUE`;
  }

  const outCols = [
    "x.id",
    "x.\"lineCount\"",
    "x.\"usage\"::text AS \"usage\"",
    ...DESCRIPTIVE.map(([name]) => `x."${name}"::text AS "${name}"`),
    `x."tagValue"`,
    ...AMOUNTS.map(([name]) => `x."${name}"::text AS "${name}"`),
  ].join(", ");
  const db = await getDb();
  const [page, [totals]] = await Promise.all([
    query<Record<string, unknown>>(
      db,
      sql`SELECT ${sql.raw(outCols)}, (${sortExpr})::text AS "__sort"
          FROM (${rows}) x WHERE ${after}
          ORDER BY ${sortExpr} ${dir}, ${idExpr} ASC LIMIT ${q.limit + 1}`,
    ),
    // (A page of kept groups implies the plan: the totals never see its narrowing.)
    query<Record<string, string | null>>(db, plan ? keptTotalsSelect(plan, !!key) : totalsSelect(key, where)),
  ]);

  const more = page.length > q.limit;
  const data = page.slice(0, q.limit);
  const last = data[data.length - 1];
  const rowsOut = data.map(toApiRow);
  if (!key) await attachPeriods(rowsOut, where);
  return {
    data: rowsOut,
    nextToken: more ? encodeCursor({ v: String(last.__sort), i: String(last.id), s: sortName, m: mode }) : null,
    totalCount: Number(totals.totalCount),
    totals: amountsOf(totals),
  };
}

/** The periods behind the page's stored lines, read within the same scope. */
async function attachPeriods(rows: BillLineRow[], where: SQL) {
  if (!rows.length) return;
  const periods = await query<Record<string, string | number | Date | null>>(
    await getDb(),
    sql`SELECT p.line_id AS "lineId", p.id, p.period_start AS "start", p.period_end AS "end", p.due_at AS "dueAt", p.reason,
               p.charged_seconds AS "chargedSeconds", p.instances, p.unit_price::text AS "unitPrice", p.amount::text AS "amount",
               p.paid_from_balance::text AS "paid", p.outstanding_amount::text AS "outstanding", p.settled_at AS "settledAt"
        FROM bill_line_periods p JOIN bill_lines bl ON bl.account_id = p.account_id AND bl.id = p.line_id
        WHERE ${where} AND ${inList("bl.id", rows.map((r) => r.id))}
        ORDER BY p.period_start`,
  );
  const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
  const byLine = new Map<string, LinePeriod[]>();
  for (const p of periods) {
    const list = byLine.get(String(p.lineId)) ?? [];
    list.push({
      id: String(p.id),
      start: iso(p.start)!,
      end: iso(p.end)!,
      dueAt: iso(p.dueAt)!,
      reason: String(p.reason),
      chargedSeconds: Number(p.chargedSeconds),
      instances: Number(p.instances),
      unitPrice: dec(p.unitPrice as string).toFixed(6),
      amount: toFixedString(dec(p.amount as string), 2),
      paymentAmount: toFixedString(dec(p.paid as string), 2),
      outstandingAmount: toFixedString(dec(p.outstanding as string), 2),
      settledAt: iso(p.settledAt),
    });
    byLine.set(String(p.lineId), list);
  }
  for (const r of rows) r.periods = byLine.get(r.id) ?? [];
}

/** GET /api/v1/bill-lines. `input` is a plain object or the request's URLSearchParams. */
export async function listBillLines(caller: Caller, input: unknown, accountId?: string) {
  const account = tenantOf(caller, accountId);
  const q = parseInput(billLinesQuerySchema, asObject(input));
  return pageOfBillLines(account, [sql`bl.billing_cycle = ${q.billingCycle}`], q, [["billing_cycle", [q.billingCycle]]]);
}

/**
 * Every matching row (lines or aggregates) in the listing's order, unpaginated,
 * for streaming through a cursor (exports). Same shape as a page's rows.
 */
export function allBillLinesSql(accountId: string, scope: SQL[], q: LineOptions, fields?: readonly string[], select?: string): SQL {
  const where = sql.join([sql`bl.account_id = ${accountId}`, ...scope, ...filterConditions(q)], sql` AND `);
  const sort = q.sort ?? { field: q.granularity === "DAILY" ? "billingDate" : "productCode", dir: "asc" as const };
  const numeric = SORT_FIELDS[sort.field] === "numeric";
  const sortExpr = numeric ? `x."${sort.field}"` : `coalesce(x."${sort.field}", '') COLLATE "C"`;
  // Only the fields asked for travel to the client: parsing unused columns
  // would dominate an export of millions of rows. `select` replaces them with
  // expressions over `x` (the CSV export's one ready line per row).
  const wanted = (name: string) => !fields || fields.includes(name);
  const outCols = [
    "x.id",
    "x.\"lineCount\"",
    ...(wanted("usage") ? ["x.\"usage\"::text AS \"usage\""] : []),
    ...DESCRIPTIVE.filter(([name]) => wanted(name)).map(([name]) => `x."${name}"::text AS "${name}"`),
    ...(wanted("tagValue") ? [`x."tagValue"`] : []),
    ...AMOUNTS.filter(([name]) => wanted(name)).map(([name]) => `x."${name}"::text AS "${name}"`),
  ].join(", ");
  return sql`SELECT ${sql.raw(select ?? outCols)} FROM (${rowsSelect(accountId, groupKey(q), where, q.tagKey ? tagValueSql(q.tagKey) : "NULL::text")}) x
    ORDER BY ${sql.raw(sortExpr)} ${sql.raw(sort.dir === "asc" ? "ASC" : "DESC")}, x.id COLLATE "C" ASC`;
}

/** A row of allBillLinesSql in the API's shape. */
export function billLineRowOf(r: Record<string, unknown>): BillLineRow {
  return toApiRow(r);
}

/** The stored lines matching the filters (never aggregated), with what FOCUS needs. */
export function parseLineOptions(input: unknown): LineOptions {
  return parseInput(lineOptionsSchema, asObject(input));
}

export { asObject as queryInput };
