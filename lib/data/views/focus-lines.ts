import "server-only";
// The FOCUS 1.2 export as one statement: PostgreSQL writes each CSV line
// (same cell rules as csvCell), so the export streams with COPY … TO STDOUT on
// PostgreSQL and through the cursor on PGlite, and JavaScript only joins lines.
// One row per stored charge (a bill line, or each pay-as-you-go period behind
// one); a voucher's Credit row is a second line in its charge's row.
//
// How our money maps onto FOCUS's costs (docs/focus.md says the same):
//   ListCost = ContractedCost  the line's original (list) amount; no negotiated prices
//   EffectiveCost              pretax amount less coupons (a coupon is a discount on the row)
//   BilledCost                 EffectiveCost less what a resource plan covered (prepaid earlier)
//   vouchers                   cash-like credits: a separate Credit row, negative
// so Σ BilledCost is what the account pays from its balance (or still owes).
import { sql, type SQL } from "drizzle-orm";
import type { CatalogPrice } from "@/lib/billing/catalog";
import { csvCellSql, csvLineSql } from "@/lib/exports/csv";
import { FOCUS_COLUMNS, FOCUS_NUMERIC, PROVIDER_NAME, type FocusColumn } from "@/lib/exports/focus";
import { RESOURCE_GROUP_TAG } from "@/lib/tags";
import { filterConditions, type LineOptions } from "../bill-lines";

/**
 * A SKU price's id leaves out what the spec excludes from it (currency and
 * effective dates): item, region group, spec, billing method. The catalog's
 * price ids are this id + currency + effective date, so it finds them.
 */
export function skuPriceIdOf(p: Pick<CatalogPrice, "itemId" | "regionGroupId" | "spec" | "billingMethod">): string {
  return [p.itemId, p.regionGroupId, p.spec, p.billingMethod].filter((x) => x != null).join(".");
}
/** The same in SQL over a prices row `p`. */
const SKU_PRICE_ID_SQL = "concat_ws('.', p.billable_item_id, p.region_group_id, p.spec, p.billing_method)";

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const json = (text: string) => `to_json((${text})::text)::text`;

/** Keys in the order JavaScript enumerates a parsed object's: array indexes first (ascending), then as stored. */
const jsKeyOrder = (key: string, n: string) => {
  const index = `(${key} ~ '^(0|[1-9][0-9]{0,9})$' AND ${key}::bigint < 4294967295)`;
  return `${index} DESC, CASE WHEN ${index} THEN ${key}::bigint END, ${n}`;
};

// A unit in the spec's Unit Format: "instance-hour" → "Instance-Hours", "GB-month" → "GB-Months", "scan" → "Scans", "GB" → "GB".
// Data-size abbreviations stay as they are; nouns are capitalised and the last one (a time unit or a count) is plural.
const DATA_SIZE = "'^([KMGTPE]i?[Bb]|[Bb])$'";
export function focusUnitSql(unit: string): string {
  const word = `CASE WHEN u.w ~ ${DATA_SIZE} THEN u.w ELSE upper(left(u.w, 1)) || lower(substr(u.w, 2)) END`;
  return `(SELECT string_agg(CASE WHEN u.n < u.last OR v.w ~ ${DATA_SIZE} OR right(v.w, 1) = 's' THEN v.w ELSE v.w || 's' END, '-' ORDER BY u.n)
    FROM (SELECT w, n, count(*) OVER () AS last FROM regexp_split_to_table(${unit}, '-') WITH ORDINALITY AS x(w, n)) u,
      LATERAL (SELECT ${word} AS w) v)`;
}

/** FOCUS `Tags` (Key-Value Format): user keys unprefixed, the resource group under the provider's prefix; NULL when neither. */
export function focusTagsSql(tags: string, resourceGroup: string): string {
  const user = `(SELECT string_agg(${json("t.key")} || ':' || ${json("t.value")}, ',' ORDER BY ${jsKeyOrder("t.key", "t.n")})
    FROM jsonb_each_text(${tags}) WITH ORDINALITY AS t(key, value, n))`;
  const group = `CASE WHEN ${resourceGroup} IS NOT NULL THEN ${json(lit(RESOURCE_GROUP_TAG))} || ':' || ${json(resourceGroup)} END`;
  return `CASE WHEN coalesce(${tags}, '{}'::jsonb) = '{}'::jsonb AND ${resourceGroup} IS NULL THEN NULL
    ELSE '{' || concat_ws(',', ${user}, ${group}) || '}' END`;
}

// SkuPriceDetails: the spec's id and metadata (keys the spec names under their FOCUS names, any other as x_…),
// the region group and the billing method, as JSON.
const FOCUS_PROPERTY: Record<string, string> = { vcpu: "CoreCount", memoryGiB: "MemorySize", storageGiB: "DiskSpace" };
const propertySql = (k: string) =>
  `CASE ${k} ${Object.entries(FOCUS_PROPERTY)
    .map(([from, to]) => `WHEN ${lit(from)} THEN ${lit(to)}`)
    .join(" ")} ELSE 'x_' || upper(left(${k}, 1)) || substr(${k}, 2) END`;

/** Every price's SKU price id, details and list unit price (the catalog is small: one hash join per export). */
const SKUS_SQL = `(SELECT p.id, ${SKU_PRICE_ID_SQL} AS sku_price_id, p.unit_price,
    '{' || concat_ws(',',
      CASE WHEN sp.spec IS NOT NULL THEN '"InstanceType":' || ${json("sp.spec->>'id'")} END,
      CASE WHEN jsonb_typeof(sp.spec->'metadata') = 'object' THEN
        (SELECT string_agg(${json(propertySql("m.key"))} || ':' || m.value::text, ',' ORDER BY ${jsKeyOrder("m.key", "m.n")})
          FROM jsonb_each(sp.spec->'metadata') WITH ORDINALITY AS m(key, value, n)) END,
      CASE WHEN p.region_group_id IS NOT NULL THEN '"x_RegionGroup":' || ${json("p.region_group_id")} END,
      '"x_BillingMethod":' || ${json("p.billing_method")}) || '}' AS details
  FROM prices p
    JOIN billable_items it ON it.id = p.billable_item_id
    LEFT JOIN products ip ON ip.id = it.product_id
    LEFT JOIN LATERAL (SELECT s.spec FROM jsonb_array_elements(ip.specs) WITH ORDINALITY AS s(spec, n)
      WHERE p.spec IS NOT NULL AND s.spec->>'id' = p.spec ORDER BY s.n LIMIT 1) sp ON true)`;

/**
 * The price a line was rated with: its own price id, else (a line rated without one) the catalog's price in
 * force at its due date for its item, region group, spec, billing method and currency — none when the item is
 * unknown, the region has no group of the product's scheme, or the instance's spec is not the product's.
 */
const PRICE_KEY_SQL = `CASE WHEN bi.id IS NULL THEN NULL WHEN bl.price_id IS NOT NULL THEN bl.price_id ELSE
  (SELECT p.id FROM products ip,
      LATERAL (SELECT (SELECT g.id FROM regions rg, unnest(rg.groups) WITH ORDINALITY AS gg(id, n), region_groups g
        WHERE rg.id = bl.region_id AND g.id = gg.id AND g.scheme = ip.region_scheme ORDER BY gg.n LIMIT 1) AS grp,
        CASE WHEN jsonb_array_length(ip.specs) > 0 THEN coalesce(o.spec, i.spec) END AS spec) q,
      prices p
    WHERE ip.id = bi.product_id AND (ip.region_scheme IS NULL OR q.grp IS NOT NULL)
      AND (jsonb_array_length(ip.specs) = 0 OR EXISTS (SELECT 1 FROM jsonb_array_elements(ip.specs) s WHERE s->>'id' = q.spec))
      AND p.billable_item_id = bi.id AND p.billing_method = bl.billing_method AND p.currency = bl.currency
      AND p.region_group_id IS NOT DISTINCT FROM (CASE WHEN ip.region_scheme IS NOT NULL THEN q.grp END)
      AND p.spec IS NOT DISTINCT FROM q.spec
      AND p.effective_from <= bl.due_at AND (p.effective_to IS NULL OR bl.due_at < p.effective_to)
    ORDER BY p.id LIMIT 1) END`;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;
/** An instant as ISO-8601 UTC to the second. */
const iso = (ts: string) => `to_char((${ts}) AT TIME ZONE 'UTC', ${ISO})`;
/**
 * Local midnight of a day in the account's zone, as an instant. A midnight that happens twice (clocks going
 * back from 01:00 to 00:00) is the first of the two, as in JavaScript's Date; PostgreSQL alone would take the second.
 */
function midnight(day: string): string {
  const local = `(${day})::timestamp`;
  const later = `(${local} AT TIME ZONE f.time_zone)`;
  const earlier = `((${local} - interval '1 hour') AT TIME ZONE f.time_zone + interval '1 hour')`;
  return iso(`CASE WHEN ${earlier} < ${later} AND (${earlier} AT TIME ZONE f.time_zone) = ${local} THEN ${earlier} ELSE ${later} END`);
}
const amount = (v: string) => `round(${v}, 2)::text`;
const quantity = (v: string, dp = 6) => `trim_scale(round(${v}, ${dp}))::text`;

// A row's facts, each computed once (level f). The charge's kind, from the line type: purchases, late usage
// (Usage; a Correction when it lands in a later cycle), an operator's adjustment (always corrects an invoiced
// cycle), other adjustments.
const PURCHASE = "s.line_type IN ('subscription', 'refund')";
const CORRECTION = "(s.line_type = 'adjustment' AND (s.manual OR (s.corrects IS NOT NULL AND s.corrects[1] <> s.billing_cycle)))";
const FACTS: Record<string, string> = {
  category: `CASE WHEN ${PURCHASE} THEN 'Purchase'
    WHEN s.line_type = 'adjustment' AND NOT s.manual AND s.corrects IS NOT NULL THEN 'Usage'
    WHEN s.line_type = 'adjustment' THEN 'Adjustment' ELSE 'Usage' END`,
  purchase: PURCHASE,
  correction: CORRECTION,
  charge_day: `CASE WHEN ${CORRECTION} AND s.corrects[2] IS NOT NULL THEN s.corrects[2]::date ELSE s.bill_date END`,
  list_cost: "round(s.original_amount, 2)",
  effective: "s.pretax_amount - s.deducted_by_coupons",
  list_unit_price: `CASE WHEN ${PURCHASE} THEN coalesce(s.sku_unit_price, s.unit_price) ELSE s.unit_price END`,
  // Purchases and an operator's adjustments have no unit; the catalog's units are put in the spec's format once per export.
  focus_unit: `CASE WHEN NOT (${PURCHASE} OR s.manual) THEN coalesce(s.catalog_focus_unit, ${focusUnitSql("s.usage_unit")}) END`,
  tags_json: focusTagsSql("s.tags", "s.resource_group"),
  description: "concat_ws(' · ', nullif(coalesce(s.item_name, s.item_id), ''), nullif(s.product_detail, ''), CASE WHEN s.order_no <> '' THEN 'order ' || s.order_no END)",
};

// A purchase's pricing quantity in months of one instance: months × instances when that multiplies out to the
// list cost, else (upgrades, downgrades, refunds of the unused part) the share of a month the amount stands for.
const PURCHASE_QUANTITY = `CASE
  WHEN f.order_quantity IS NOT NULL AND abs(f.list_unit_price * f.order_quantity - f.list_cost) <= 0.005 THEN f.order_quantity
  WHEN f.list_unit_price = 0 THEN coalesce(f.order_quantity, 0)
  ELSE round((f.list_cost + 0.${"0".repeat(40)}) / f.list_unit_price, 10) END`;
/** The catalog's usage units in the spec's format (a line's unit that is not one of them is formatted on its own). */
const UNITS_SQL = `(SELECT u.unit, ${focusUnitSql("u.unit")} AS focus_unit FROM (SELECT DISTINCT usage_unit AS unit FROM billable_items) u)`;

const HAS_PERIOD = "(f.period_start IS NOT NULL AND f.period_end IS NOT NULL)";

/** What a charge and its Credit row share (level v: each cell's text, computed once). */
const COMMON = {
  BillingAccountId: "f.account_id",
  BillingAccountName: "f.account_name",
  BillingCurrency: "f.currency",
  BillingPeriodEnd: midnight("(f.billing_cycle || '-01')::date + interval '1 month'"),
  BillingPeriodStart: midnight("(f.billing_cycle || '-01')::date"),
  ChargePeriodEnd: `CASE WHEN ${HAS_PERIOD} THEN ${iso("f.period_end")} ELSE ${midnight("f.charge_day + 1")} END`,
  ChargePeriodStart: `CASE WHEN ${HAS_PERIOD} THEN ${iso("f.period_start")} ELSE ${midnight("f.charge_day")} END`,
  InvoiceIssuerName: lit(PROVIDER_NAME),
  ProviderName: lit(PROVIDER_NAME),
  PublisherName: lit(PROVIDER_NAME),
  ServiceCategory: "coalesce(f.service_category, 'Other')",
  ServiceSubcategory: "coalesce(f.service_subcategory, 'Other (Other)')",
  ServiceName: "f.product_name",
  AvailabilityZone: "f.zone_id",
  InvoiceId: "f.bill_id",
  RegionId: "nullif(f.region_id, '')",
  RegionName: "CASE WHEN f.region_id <> '' THEN f.region_name END",
  // An operator's adjustment belongs to a bill, not to a resource.
  ResourceId: "nullif(f.instance_id, '')",
  ResourceName: "CASE WHEN f.instance_id <> '' THEN f.instance_name END",
  ResourceType: "CASE WHEN f.instance_id <> '' THEN f.product_name END",
  Tags: "f.tags_json",
};
type Own = Exclude<FocusColumn, keyof typeof COMMON>;

const CHARGE: Record<Own, string> = {
  BilledCost: amount("f.effective - f.deducted_by_resource_plan"),
  ChargeCategory: "f.category",
  ChargeClass: "CASE WHEN f.correction THEN 'Correction' END",
  ChargeDescription: "f.description",
  ContractedCost: amount("f.list_cost"),
  EffectiveCost: amount("f.effective"),
  ListCost: amount("f.list_cost"),
  // An operator's adjustment is an amount, not a priced quantity.
  PricingQuantity: `CASE WHEN NOT f.manual THEN ${quantity(`CASE WHEN f.purchase THEN ${PURCHASE_QUANTITY} ELSE f.usage_quantity END`, 10)} END`,
  PricingUnit: "CASE WHEN NOT f.manual THEN CASE WHEN f.purchase THEN 'Months' ELSE f.focus_unit END END",
  ChargeFrequency: "CASE WHEN f.category = 'Usage' THEN 'Usage-Based' WHEN f.purchase AND f.order_type = 'renewal' THEN 'Recurring' ELSE 'One-Time' END",
  // Consumed* describe usage only; the spec wants them null for other categories.
  ConsumedQuantity: `CASE WHEN f.category = 'Usage' THEN ${quantity("f.usage_quantity")} END`,
  ConsumedUnit: "CASE WHEN f.category = 'Usage' THEN f.focus_unit END",
  ListUnitPrice: `CASE WHEN NOT f.manual THEN ${quantity("f.list_unit_price")} END`,
  SkuId: "CASE WHEN f.has_sku THEN f.item_id END",
  SkuMeter: "CASE WHEN f.has_sku THEN f.item_name END",
  SkuPriceDetails: "f.sku_details",
  SkuPriceId: "f.sku_price_id",
};

// Vouchers are cash-like credits: a Credit row unrelated to other charges, every cost equal to BilledCost.
const CREDIT: Record<Own, string> = {
  BilledCost: "v.credit",
  ChargeCategory: "'Credit'",
  ChargeClass: "NULL",
  ChargeDescription: "'Voucher applied · ' || v.\"ChargeDescription\"",
  ContractedCost: "v.credit",
  EffectiveCost: "v.credit",
  ListCost: "v.credit",
  PricingQuantity: "NULL",
  PricingUnit: "NULL",
  ChargeFrequency: "'One-Time'",
  ConsumedQuantity: "NULL",
  ConsumedUnit: "NULL",
  ListUnitPrice: "NULL",
  SkuId: "NULL",
  SkuMeter: "NULL",
  SkuPriceDetails: "NULL",
  SkuPriceId: "NULL",
};

const CELLS = { ...COMMON, ...CHARGE };
const VALUES = [...Object.entries(CELLS).map(([c, e]) => `${e} AS "${c}"`), `${amount("-f.deducted_by_vouchers")} AS credit`].join(",\n    ");
const cell = (c: FocusColumn, expr: string) => csvCellSql(expr, FOCUS_NUMERIC.has(c) ? "amount" : "text");
const CHARGE_LINE = csvLineSql(FOCUS_COLUMNS.map((c) => cell(c, `v."${c}"`)));
const CREDIT_LINE = csvLineSql(FOCUS_COLUMNS.map((c) => cell(c, c in COMMON ? `v."${c}"` : CREDIT[c as Own])));
const LINES = `${CHARGE_LINE} || CASE WHEN v.deducted_by_vouchers <> 0 THEN ${CREDIT_LINE} ELSE '' END`;

/** The FOCUS CSV lines (column `line`: a charge's line, then its Credit line if any) of one account's lines in scope. */
export function focusCsvSql(account: { id: string; name: string; timeZone: string }, scope: SQL[], q: LineOptions): SQL {
  const where = sql.join([sql`bl.account_id = ${account.id}`, ...scope, ...filterConditions(q)], sql` AND `);
  // A late-usage adjustment's id is its base line's id + "|late|n": the base tells which cycle and day it corrects.
  // The subquery names the account itself: Citus plans a correlated subquery on one shard only then.
  const base = sql`(SELECT ARRAY[b.billing_cycle, to_char(b.bill_date, 'YYYY-MM-DD')] FROM bill_lines b
      WHERE b.account_id = ${account.id} AND b.account_id = bl.account_id AND b.id = left(bl.id, strpos(bl.id, '|late|') - 1))`;
  // A line with periods behind it (Cloud Phone pay-as-you-go) is exported as its periods: each is
  // its own charge, rounded once, so each row multiplies out to its own cost.
  const per = (period: string, lineValue: string) => sql.raw(`CASE WHEN p.id IS NULL THEN ${lineValue} ELSE ${period} END`);
  // Levels s (the stored row, its SKU, in export order), f (its facts), v (each cell's text), then the line(s).
  // OFFSET 0 keeps each level whole, so a value is computed once, not once per place that reads it. Each level
  // names the order of s again: the planner sees its input already in that order, so s is the only sort.
  return sql`SELECT ${sql.raw(LINES)} AS line FROM (
   SELECT f.bill_date, f.sort_id, f.period_start, f.deducted_by_vouchers, ${sql.raw(VALUES)} FROM (
    SELECT s.*, ${sql.raw(Object.entries(FACTS).map(([k, e]) => `${e} AS ${k}`).join(",\n      "))} FROM (
     SELECT ${account.id}::text AS account_id, ${account.name}::text AS account_name, ${account.timeZone}::text AS time_zone,
      bl.id COLLATE "C" AS sort_id, bl.billing_cycle, bl.bill_date, bl.line_type, coalesce(pr.name, bl.product_id) AS product_name,
      pr.service_category, pr.service_subcategory, bl.product_detail, bl.instance_id, bl.instance_name,
      bl.region_id, r.name AS region_name, i.attributes->>'zoneId' AS zone_id,
      bl.billable_item_id AS item_id, bi.name AS item_name,
      ${per("p.charged_seconds::numeric * p.instances / 3600", "bl.usage_quantity")} AS usage_quantity, bl.usage_unit,
      ${per("p.unit_price", "bl.unit_price")} AS unit_price,
      ${per("round(p.amount, 2)", "round(bl.original_amount, 2)")} AS original_amount,
      ${per("round(p.amount, 2)", "round(bl.pretax_amount, 2)")} AS pretax_amount,
      ${per("p.deducted_by_resource_plan", "bl.deducted_by_resource_plan")} AS deducted_by_resource_plan,
      ${per("p.deducted_by_coupons", "bl.deducted_by_coupons")} AS deducted_by_coupons,
      ${per("p.deducted_by_vouchers", "bl.deducted_by_vouchers")} AS deducted_by_vouchers,
      p.period_start, p.period_end, bl.currency, bl.bill_id, o.order_no, o.order_type,
      (o.months * o.instance_count)::numeric AS order_quantity, bl.tags, bl.resource_group,
      CASE WHEN bl.line_type = 'adjustment' AND strpos(bl.id, '|late|') > 0 THEN ${base} END AS corrects,
      (bl.line_type = 'adjustment' AND bl.id LIKE 'adj|%') AS manual,
      k.id IS NOT NULL AS has_sku, k.sku_price_id, k.details AS sku_details, k.unit_price AS sku_unit_price,
      fu.focus_unit AS catalog_focus_unit
     FROM bill_lines bl
      LEFT JOIN products pr ON pr.id = bl.product_id
      LEFT JOIN regions r ON r.id = bl.region_id
      LEFT JOIN billable_items bi ON bi.id = bl.billable_item_id
      LEFT JOIN orders o ON o.account_id = bl.account_id AND o.id = bl.order_id
      LEFT JOIN instances i ON i.account_id = bl.account_id AND i.id = bl.instance_id
      LEFT JOIN bill_line_periods p ON p.account_id = bl.account_id AND p.line_id = bl.id
      LEFT JOIN ${sql.raw(SKUS_SQL)} k ON k.id = ${sql.raw(PRICE_KEY_SQL)}
      LEFT JOIN ${sql.raw(UNITS_SQL)} fu ON fu.unit = bl.usage_unit
     WHERE ${where}
     ORDER BY bl.bill_date, sort_id, p.period_start
     OFFSET 0) s
    ORDER BY s.bill_date, s.sort_id, s.period_start OFFSET 0) f
   ORDER BY f.bill_date, f.sort_id, f.period_start OFFSET 0) v
  ORDER BY v.bill_date, v.sort_id, v.period_start`;
}
