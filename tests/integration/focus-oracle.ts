// The FOCUS export as it was mapped in JavaScript before PostgreSQL wrote it
// (lib/data/views/focus-lines.ts): kept only as the oracle the SQL is checked
// against, byte for byte (focus-sql-oracle.test.ts). Not used by the app.
import { TZDate } from "@date-fns/tz";
import type Decimal from "decimal.js";
import { sql, type SQL } from "drizzle-orm";
import type { BillingMethod, Currency } from "@/db/schema";
import { findItem, findPrice, findProduct, type Catalog, type CatalogPrice } from "@/lib/billing/catalog";
import { filterConditions, type LineOptions } from "@/lib/data/bill-lines";
import { csvRow, type CsvColumn } from "@/lib/exports/csv";
import { CHARGE_CATEGORIES, FOCUS_COLUMNS, FOCUS_NUMERIC, PROVIDER_NAME, type FocusColumn } from "@/lib/exports/focus";
import { dec, toFixedString, ZERO } from "@/lib/money";
import { RESOURCE_GROUP_TAG } from "@/lib/tags";

export type FocusRecord = Record<FocusColumn, string | null>;

/** The SKU and SKU price a charge was rated with, from the catalog. */
export interface FocusSku {
  skuId: string;
  skuPriceId: string;
  meter: string;
  details: Record<string, string | number | boolean>;
  /** The published price for one pricing unit (for subscriptions: one month of one instance). */
  listUnitPrice: string;
}

export interface FocusSource {
  accountId: string;
  accountName: string;
  timeZone: string;
  billingCycle: string; // YYYY-MM
  billDate: string; // YYYY-MM-DD
  lineType: string; // usage | subscription | refund | adjustment
  productName: string;
  serviceCategory: string | null;
  serviceSubcategory: string | null;
  productDetail: string;
  instanceId: string;
  instanceName: string;
  regionId: string;
  regionName: string | null;
  zoneId: string | null;
  billableItemId: string;
  billableItemName: string | null;
  usageQuantity: string;
  usageUnit: string;
  unitPrice: string;
  originalAmount: string;
  pretaxAmount: string;
  deductedByResourcePlan: string;
  deductedByCoupons: string;
  deductedByVouchers: string;
  currency: string;
  billId: string | null;
  orderNo: string | null;
  orderType: string | null;
  orderQuantity: string | null;
  tags: Record<string, string> | null;
  resourceGroup: string | null;
  manualAdjustment?: boolean;
  correctsCycle: string | null;
  correctsDate: string | null;
  chargePeriod: { start: Date; end: Date } | null;
  sku: FocusSku | null;
}

/**
 * A unit in the spec's Unit Format: "instance-hour" → "Instance-Hours",
 * "GB-month" → "GB-Months", "hour" → "Hours", "scan" → "Scans", "GB" → "GB".
 * Data-size abbreviations stay as they are; nouns are capitalised and the
 * last one (a time unit or a count) is plural.
 */
export function focusUnit(unit: string): string {
  const parts = unit.split("-").map((p) => (/^[KMGTPE]i?[Bb]$|^[Bb]$/.test(p) ? p : p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()));
  const last = parts.length - 1;
  if (!/^[KMGTPE]i?[Bb]$|^[Bb]$/.test(parts[last]) && !parts[last].endsWith("s")) parts[last] += "s";
  return parts.join("-");
}

/** ISO-8601 UTC instant of local midnight of a day in the zone. */
function localMidnight(year: number, month: number, date: number, tz: string): string {
  return iso(new Date(new TZDate(year, month - 1, date, tz).getTime()));
}
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function dayPeriod(day: string, tz: string): { start: string; end: string } {
  const [y, m, d] = day.split("-").map(Number);
  return { start: localMidnight(y, m, d, tz), end: localMidnight(y, m, d + 1, tz) };
}

const amount = (v: Decimal.Value) => toFixedString(v, 2);
const quantity = (v: Decimal.Value, dp = 6) => dec(v).toDecimalPlaces(dp).toFixed();

type Kind = { category: (typeof CHARGE_CATEGORIES)[number]; correction: boolean };

function kindOf(s: FocusSource): Kind {
  if (s.lineType === "subscription" || s.lineType === "refund") return { category: "Purchase", correction: false };
  if (s.lineType === "adjustment") {
    // An operator's adjustment always corrects a cycle already invoiced.
    if (s.manualAdjustment) return { category: "Adjustment", correction: true };
    // Late usage is usage; it corrects an invoiced period only when it lands in a later cycle.
    if (s.correctsCycle) return { category: "Usage", correction: s.correctsCycle !== s.billingCycle };
    return { category: "Adjustment", correction: false };
  }
  return { category: "Usage", correction: false };
}

/**
 * A purchase's pricing quantity in months of one instance: months × instances
 * when that multiplies out to the list cost, else (upgrades, downgrades,
 * refunds of the unused part) the share of a month the amount stands for.
 */
function purchaseQuantity(s: FocusSource, listUnitPrice: Decimal, listCost: Decimal): Decimal {
  if (s.orderQuantity && listUnitPrice.times(s.orderQuantity).minus(listCost).abs().lte("0.005")) return dec(s.orderQuantity);
  if (listUnitPrice.isZero()) return dec(s.orderQuantity ?? 0);
  return listCost.div(listUnitPrice).toDecimalPlaces(10);
}

/** The FOCUS rows of one charge: the charge itself, and a Credit row for what vouchers paid. */
export function focusRecords(s: FocusSource): FocusRecord[] {
  const [y, m] = s.billingCycle.split("-").map(Number);
  const { category, correction } = kindOf(s);
  const usage = category === "Usage";
  const purchase = category === "Purchase";
  const listCost = dec(amount(s.originalAmount));
  const effective = dec(s.pretaxAmount).minus(s.deductedByCoupons);
  const billed = effective.minus(s.deductedByResourcePlan);
  const charged = s.chargePeriod
    ? { start: iso(s.chargePeriod.start), end: iso(s.chargePeriod.end) }
    : dayPeriod(correction && s.correctsDate ? s.correctsDate : s.billDate, s.timeZone);

  let listUnitPrice = dec(s.unitPrice);
  let pricingQuantity = dec(s.usageQuantity);
  let pricingUnit = focusUnit(s.usageUnit);
  if (purchase) {
    listUnitPrice = dec(s.sku?.listUnitPrice ?? s.unitPrice);
    pricingQuantity = purchaseQuantity(s, listUnitPrice, listCost);
    pricingUnit = "Months";
  }
  const sku = category === "Usage" || purchase || category === "Adjustment" ? s.sku : null;

  const common = {
    BillingAccountId: s.accountId,
    BillingAccountName: s.accountName,
    BillingCurrency: s.currency,
    BillingPeriodEnd: localMidnight(y, m + 1, 1, s.timeZone),
    BillingPeriodStart: localMidnight(y, m, 1, s.timeZone),
    ChargePeriodEnd: charged.end,
    ChargePeriodStart: charged.start,
    InvoiceIssuerName: PROVIDER_NAME,
    ProviderName: PROVIDER_NAME,
    PublisherName: PROVIDER_NAME,
    ServiceCategory: s.serviceCategory ?? "Other",
    ServiceSubcategory: s.serviceSubcategory ?? "Other (Other)",
    ServiceName: s.productName,
    AvailabilityZone: s.zoneId,
    InvoiceId: s.billId,
    RegionId: s.regionId || null,
    RegionName: s.regionId ? s.regionName : null,
    // An operator's adjustment belongs to a bill, not to a resource.
    ResourceId: s.instanceId || null,
    ResourceName: s.instanceId ? s.instanceName : null,
    ResourceType: s.instanceId ? s.productName : null,
    Tags: focusTags(s.tags, s.resourceGroup),
  };
  const description = [
    s.billableItemName ?? s.billableItemId,
    s.productDetail,
    s.orderNo ? `order ${s.orderNo}` : null,
  ]
    .filter(Boolean)
    .join(" · ");

  const charge: FocusRecord = {
    ...common,
    BilledCost: amount(billed),
    ChargeCategory: category,
    ChargeClass: correction ? "Correction" : null,
    ChargeDescription: description,
    ContractedCost: amount(listCost),
    EffectiveCost: amount(effective),
    ListCost: amount(listCost),
    // An operator's adjustment is an amount, not a priced quantity.
    PricingQuantity: s.manualAdjustment ? null : quantity(pricingQuantity, 10),
    PricingUnit: s.manualAdjustment ? null : pricingUnit,
    ChargeFrequency: usage ? "Usage-Based" : purchase && s.orderType === "renewal" ? "Recurring" : "One-Time",
    // Consumed* describe usage only; the spec wants them null for other categories.
    ConsumedQuantity: usage ? quantity(s.usageQuantity) : null,
    ConsumedUnit: usage ? focusUnit(s.usageUnit) : null,
    ListUnitPrice: s.manualAdjustment ? null : quantity(listUnitPrice),
    SkuId: sku?.skuId ?? null,
    SkuMeter: sku?.meter ?? null,
    SkuPriceDetails: sku ? JSON.stringify(sku.details) : null,
    SkuPriceId: sku?.skuPriceId ?? null,
  };
  const out = [charge];

  const vouchers = dec(s.deductedByVouchers);
  if (!vouchers.isZero()) {
    const credit = amount(vouchers.negated());
    out.push({
      ...common,
      BilledCost: credit,
      ChargeCategory: "Credit",
      ChargeClass: null,
      ChargeDescription: `Voucher applied · ${description}`,
      // A credit unrelated to other charges: every cost equals BilledCost.
      ContractedCost: credit,
      EffectiveCost: credit,
      ListCost: credit,
      PricingQuantity: null,
      PricingUnit: null,
      ChargeFrequency: "One-Time",
      ConsumedQuantity: null,
      ConsumedUnit: null,
      ListUnitPrice: null,
      SkuId: null,
      SkuMeter: null,
      SkuPriceDetails: null,
      SkuPriceId: null,
    });
  }
  return out;
}

/**
 * FOCUS `Tags` (columns/tags.md, Key-Value Format): one user-defined scheme,
 * so user keys are unprefixed (they may not use the reserved prefix); the
 * resource group is a provider-defined tag under the provider's prefix. Null
 * when the charge carries neither.
 */
export function focusTags(tags: Record<string, string> | null, resourceGroup: string | null): string | null {
  const out: Record<string, string> = { ...(tags ?? {}) };
  if (resourceGroup !== null) out[RESOURCE_GROUP_TAG] = resourceGroup;
  return Object.keys(out).length ? JSON.stringify(out) : null;
}

/** Σ of a cost column, for reconciling an export with the console's totals. */
export function sumColumn(records: FocusRecord[], column: FocusColumn): Decimal {
  return records.reduce((acc, r) => (r[column] === null ? acc : acc.plus(r[column]!)), ZERO);
}

export const FOCUS_CSV_COLUMNS: CsvColumn<FocusRecord>[] = FOCUS_COLUMNS.map((name) => ({
  header: name,
  kind: FOCUS_NUMERIC.has(name) ? "amount" : "text",
  value: (r) => r[name],
}));

/** One row of focusLinesSql: the source's own fields, plus what finds its SKU price, the corrected line and its period. */
export type FocusLineRow = Omit<FocusSource, "accountId" | "accountName" | "timeZone" | "correctsCycle" | "correctsDate" | "chargePeriod" | "sku"> & {
  billingMethod: string;
  spec: string | null;
  priceId: string | null;
  dueAt: Date | string;
  /** A late-usage adjustment: [cycle, day] of the line it corrects. */
  corrects: [string, string] | null;
  /** Set when the row is one period behind a line. */
  periodStart: Date | string | null;
  periodEnd: Date | string | null;
};

// Spec properties the spec names (SkuPriceDetails' FOCUS-defined keys); any other is provider-defined: x_.
const FOCUS_PROPERTY: Record<string, string> = { vcpu: "CoreCount", memoryGiB: "MemorySize", storageGiB: "DiskSpace" };
const providerKey = (k: string) => `x_${k.charAt(0).toUpperCase()}${k.slice(1)}`;

/**
 * A SKU price's id leaves out what the spec excludes from it (currency and
 * effective dates): item, region group, spec, billing method. The catalog's
 * price ids are this id + currency + effective date, so it finds them.
 */
function skuPriceIdOf(p: Pick<CatalogPrice, "itemId" | "regionGroupId" | "spec" | "billingMethod">): string {
  return [p.itemId, p.regionGroupId, p.spec, p.billingMethod].filter((x) => x != null).join(".");
}

function priceOf(catalog: Catalog, byId: Map<string, CatalogPrice>, r: FocusLineRow): CatalogPrice | null {
  if (r.priceId) return byId.get(r.priceId) ?? null;
  try {
    return findPrice(catalog, {
      itemId: r.billableItemId,
      regionId: r.regionId,
      spec: r.spec,
      billingMethod: r.billingMethod as BillingMethod,
      currency: r.currency as Currency,
      at: new Date(r.dueAt),
    });
  } catch {
    return null; // a line rated before the catalog changed: no SKU price to name
  }
}

export function focusSkuResolver(catalog: Catalog): (r: FocusLineRow) => FocusSku | null {
  const byId = new Map(catalog.prices.map((p) => [p.id, p]));
  return (r) => {
    const item = findItem(catalog, r.billableItemId);
    if (!item) return null;
    const price = priceOf(catalog, byId, r);
    if (!price) return null;
    const spec = price.spec ? findProduct(catalog, item.productId)?.specs.find((s) => s.id === price.spec) : undefined;
    const details: FocusSku["details"] = {};
    if (spec) {
      details.InstanceType = spec.id;
      for (const [k, v] of Object.entries(spec.metadata)) details[FOCUS_PROPERTY[k] ?? providerKey(k)] = v;
    }
    if (price.regionGroupId) details.x_RegionGroup = price.regionGroupId;
    details.x_BillingMethod = price.billingMethod;
    return { skuId: item.id, skuPriceId: skuPriceIdOf(price), meter: item.name, details, listUnitPrice: price.unitPrice.toFixed() };
  };
}

export function focusSource(
  r: FocusLineRow,
  account: { id: string; name: string; timeZone: string },
  sku: FocusSku | null,
): FocusSource {
  return {
    ...r,
    accountId: account.id,
    accountName: account.name,
    timeZone: account.timeZone,
    correctsCycle: r.corrects?.[0] ?? null,
    correctsDate: r.corrects?.[1] ?? null,
    chargePeriod: r.periodStart && r.periodEnd ? { start: new Date(r.periodStart), end: new Date(r.periodEnd) } : null,
    sku,
  };
}

export function focusLinesSql(accountId: string, scope: SQL[], q: LineOptions): SQL {
  const where = sql.join([sql`bl.account_id = ${accountId}`, ...scope, ...filterConditions(q)], sql` AND `);
  // A late-usage adjustment's id is its base line's id + "|late|n": the base tells which cycle it corrects.
  // The subquery names the account itself: Citus plans a correlated subquery on one shard only then.
  const base = sql`(SELECT ARRAY[b.billing_cycle, to_char(b.bill_date, 'YYYY-MM-DD')] FROM bill_lines b
      WHERE b.account_id = ${accountId} AND b.account_id = bl.account_id AND b.id = left(bl.id, strpos(bl.id, '|late|') - 1))`;
  // A line with periods behind it (Cloud Phone pay-as-you-go) is exported as its periods: each is
  // its own charge, rounded once, so each row multiplies out to its own cost.
  const per = (period: string, line: string) => `CASE WHEN p.id IS NULL THEN ${line} ELSE ${period} END`;
  return sql`SELECT bl.billing_cycle AS "billingCycle", to_char(bl.bill_date, 'YYYY-MM-DD') AS "billDate",
      bl.line_type AS "lineType", coalesce(pr.name, bl.product_id) AS "productName",
      pr.service_category AS "serviceCategory", pr.service_subcategory AS "serviceSubcategory",
      bl.product_detail AS "productDetail", bl.instance_id AS "instanceId", bl.instance_name AS "instanceName",
      bl.region_id AS "regionId", r.name AS "regionName", i.attributes->>'zoneId' AS "zoneId",
      bl.billing_method AS "billingMethod", coalesce(o.spec, i.spec) AS "spec",
      bl.billable_item_id AS "billableItemId", bi.name AS "billableItemName",
      ${sql.raw(per("(p.charged_seconds::numeric * p.instances / 3600)::text", "bl.usage_quantity::text"))} AS "usageQuantity",
      bl.usage_unit AS "usageUnit", ${sql.raw(per("p.unit_price::text", "bl.unit_price::text"))} AS "unitPrice",
      bl.price_id AS "priceId", bl.due_at AS "dueAt",
      ${sql.raw(per("round(p.amount, 2)::text", "round(bl.original_amount, 2)::text"))} AS "originalAmount",
      ${sql.raw(per("round(p.amount, 2)::text", "round(bl.pretax_amount, 2)::text"))} AS "pretaxAmount",
      ${sql.raw(per("p.deducted_by_resource_plan::text", "bl.deducted_by_resource_plan::text"))} AS "deductedByResourcePlan",
      ${sql.raw(per("p.deducted_by_coupons::text", "bl.deducted_by_coupons::text"))} AS "deductedByCoupons",
      ${sql.raw(per("p.deducted_by_vouchers::text", "bl.deducted_by_vouchers::text"))} AS "deductedByVouchers",
      p.period_start AS "periodStart", p.period_end AS "periodEnd",
      bl.currency, bl.bill_id AS "billId", o.order_no AS "orderNo", o.order_type AS "orderType",
      (o.months * o.instance_count)::text AS "orderQuantity",
      bl.tags, bl.resource_group AS "resourceGroup",
      CASE WHEN bl.line_type = 'adjustment' AND strpos(bl.id, '|late|') > 0 THEN ${base} END AS "corrects",
      (bl.line_type = 'adjustment' AND bl.id LIKE 'adj|%') AS "manualAdjustment"
    FROM bill_lines bl
      LEFT JOIN products pr ON pr.id = bl.product_id
      LEFT JOIN regions r ON r.id = bl.region_id
      LEFT JOIN billable_items bi ON bi.id = bl.billable_item_id
      LEFT JOIN orders o ON o.account_id = bl.account_id AND o.id = bl.order_id
      LEFT JOIN instances i ON i.account_id = bl.account_id AND i.id = bl.instance_id
      LEFT JOIN bill_line_periods p ON p.account_id = bl.account_id AND p.line_id = bl.id
    WHERE ${where}
    ORDER BY bl.bill_date, bl.id COLLATE "C", p.period_start`;
}

/** The CSV body (no BOM, no header) the JavaScript mapping wrote for the rows of focusLinesSql. */
export function oracleCsv(rows: FocusLineRow[], account: { id: string; name: string; timeZone: string }, catalog: Catalog): string {
  const skuOf = focusSkuResolver(catalog);
  return rows.flatMap((r) => focusRecords(focusSource(r, account, skuOf(r)))).map((r) => csvRow(FOCUS_CSV_COLUMNS, r)).join("");
}
