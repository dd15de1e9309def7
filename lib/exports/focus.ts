// FOCUS 1.2 (FinOps Open Cost and Usage Specification) rows from bill lines.
// Pure: the caller supplies one source row per stored charge (a bill line, or
// one pay-as-you-go period behind a line) with its SKU from the catalog.
//
// How our money maps onto FOCUS's costs (docs/focus.md says the same):
//   ListCost = ContractedCost  the line's original (list) amount; no negotiated prices
//   EffectiveCost              pretax amount less coupons (a coupon is a discount on the row)
//   BilledCost                 EffectiveCost less what a resource plan covered (prepaid earlier)
//   vouchers                   cash-like credits: a separate Credit row, negative
// so Σ BilledCost is what the account pays from its balance (or still owes).
import { TZDate } from "@date-fns/tz";
import type Decimal from "decimal.js";
import { dec, toFixedString, ZERO } from "@/lib/money";
import type { CsvColumn } from "./csv";
import { RESOURCE_GROUP_TAG } from "@/lib/tags";
import { SERVICE_CATEGORIES } from "./focus-values";

export { SERVICE_CATEGORIES };

/** The spec's 21 mandatory columns (alphabetical, as the spec lists them). */
export const FOCUS_MANDATORY = [
  "BilledCost",
  "BillingAccountId",
  "BillingAccountName",
  "BillingCurrency",
  "BillingPeriodEnd",
  "BillingPeriodStart",
  "ChargeCategory",
  "ChargeClass",
  "ChargeDescription",
  "ChargePeriodEnd",
  "ChargePeriodStart",
  "ContractedCost",
  "EffectiveCost",
  "InvoiceIssuerName",
  "ListCost",
  "PricingQuantity",
  "PricingUnit",
  "ProviderName",
  "PublisherName",
  "ServiceCategory",
  "ServiceName",
] as const;

/**
 * Conditional and recommended columns whose condition we meet: we publish a
 * price list (Sku*, ListUnitPrice), bill provisioned resources in regions and
 * zones (Resource*, Region*, AvailabilityZone), measure usage (Consumed*) and
 * issue invoices (InvoiceId), and resources carry tags (Tags). No sub accounts,
 * commitments, negotiated prices or second currency: those columns are left
 * out, as the spec allows.
 */
export const FOCUS_EXTRA = [
  "AvailabilityZone",
  "ChargeFrequency",
  "ConsumedQuantity",
  "ConsumedUnit",
  "InvoiceId",
  "ListUnitPrice",
  "RegionId",
  "RegionName",
  "ResourceId",
  "ResourceName",
  "ResourceType",
  "ServiceSubcategory",
  "SkuId",
  "SkuMeter",
  "SkuPriceDetails",
  "SkuPriceId",
  "Tags",
] as const;

export type FocusColumn = (typeof FOCUS_MANDATORY)[number] | (typeof FOCUS_EXTRA)[number];
export const FOCUS_COLUMNS: readonly FocusColumn[] = [...FOCUS_MANDATORY, ...FOCUS_EXTRA];
export type FocusRecord = Record<FocusColumn, string | null>;

export const CHARGE_CATEGORIES = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"] as const;
export const CHARGE_FREQUENCIES = ["One-Time", "Recurring", "Usage-Based"] as const;

export const PROVIDER_NAME = "Billing Console Cloud";

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
  /** months × instances of a subscription order. */
  orderQuantity: string | null;
  /** User-defined tags and the resource group in force for the charge. */
  tags: Record<string, string> | null;
  resourceGroup: string | null;
  /** An operator's credit or debit to a closed (invoiced) cycle. */
  manualAdjustment?: boolean;
  /** A late-usage adjustment: the cycle and day of the line it corrects. */
  correctsCycle: string | null;
  correctsDate: string | null;
  /** The charge's own interval when it is not the bill day (a pay-as-you-go period). */
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

const NUMERIC = new Set<FocusColumn>(["BilledCost", "ContractedCost", "EffectiveCost", "ListCost", "PricingQuantity", "ConsumedQuantity", "ListUnitPrice"]);

export const FOCUS_CSV_COLUMNS: CsvColumn<FocusRecord>[] = FOCUS_COLUMNS.map((name) => ({
  header: name,
  kind: NUMERIC.has(name) ? "amount" : "text",
  value: (r) => r[name],
}));
