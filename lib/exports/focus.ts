// FOCUS 1.2 (FinOps Open Cost and Usage Specification) rows from bill lines.
// Pure: the caller supplies one source row per stored bill line (never an
// aggregate — FOCUS rows are charges) with the account's zone for the periods.
import { TZDate } from "@date-fns/tz";
import { dec, toFixedString } from "@/lib/money";
import type { CsvColumn } from "./csv";

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

/** Conditional/recommended columns we can fill from a bill line. */
export const FOCUS_EXTRA = [
  "ChargeFrequency",
  "ConsumedQuantity",
  "ConsumedUnit",
  "InvoiceId",
  "ListUnitPrice",
  "RegionId",
  "RegionName",
  "ResourceId",
  "ResourceName",
  "SkuId",
  "SubAccountId",
  "SubAccountName",
] as const;

export type FocusColumn = (typeof FOCUS_MANDATORY)[number] | (typeof FOCUS_EXTRA)[number];
export const FOCUS_COLUMNS: readonly FocusColumn[] = [...FOCUS_MANDATORY, ...FOCUS_EXTRA];

export const CHARGE_CATEGORIES = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"] as const;
export const SERVICE_CATEGORIES = [
  "AI and Machine Learning",
  "Analytics",
  "Business Applications",
  "Compute",
  "Databases",
  "Developer Tools",
  "Multicloud",
  "Identity",
  "Integration",
  "Internet of Things",
  "Management and Governance",
  "Media",
  "Migration",
  "Mobile",
  "Networking",
  "Security",
  "Storage",
  "Web",
  "Other",
] as const;

/** Our catalog's product categories → FOCUS ServiceCategory (an enumeration). */
const SERVICE_CATEGORY: Record<string, (typeof SERVICE_CATEGORIES)[number]> = {
  Containers: "Compute",
  "Elastic Computing": "Compute",
  Storage: "Storage",
  Networking: "Networking",
  "Artificial Intelligence": "AI and Machine Learning",
};

export const PROVIDER_NAME = "Billing Console Cloud";

export interface FocusSource {
  accountId: string;
  accountName: string;
  timeZone: string;
  billingCycle: string; // YYYY-MM
  billDate: string; // YYYY-MM-DD
  lineType: string; // usage | subscription | refund | adjustment
  productName: string;
  productCategory: string | null;
  productDetail: string;
  instanceId: string;
  instanceName: string;
  regionId: string;
  regionName: string | null;
  billingMethod: string;
  billableItemId: string;
  billableItemName: string | null;
  usageQuantity: string;
  usageUnit: string;
  unitPrice: string;
  originalAmount: string;
  pretaxAmount: string;
  currency: string;
  billId: string | null;
  orderNo: string | null;
}

export function chargeCategory(s: Pick<FocusSource, "lineType" | "pretaxAmount">): (typeof CHARGE_CATEGORIES)[number] {
  if (s.lineType === "subscription") return "Purchase";
  if (s.lineType === "refund") return "Credit";
  if (s.lineType === "adjustment") return dec(s.pretaxAmount).isNegative() ? "Credit" : "Adjustment";
  return "Usage";
}

/** ISO-8601 UTC instant of local midnight of a day in the zone. */
function localMidnight(year: number, month: number, date: number, tz: string): string {
  return new Date(new TZDate(year, month - 1, date, tz).getTime()).toISOString().replace(".000Z", "Z");
}

export function focusRecord(s: FocusSource): Record<FocusColumn, string | null> {
  const [y, m] = s.billingCycle.split("-").map(Number);
  const [dy, dm, dd] = s.billDate.split("-").map(Number);
  const category = chargeCategory(s);
  const usage = category === "Usage";
  const amount = (v: string) => toFixedString(v, 2);
  return {
    BilledCost: amount(s.pretaxAmount),
    BillingAccountId: s.accountId,
    BillingAccountName: s.accountName,
    BillingCurrency: s.currency,
    BillingPeriodEnd: localMidnight(y, m + 1, 1, s.timeZone),
    BillingPeriodStart: localMidnight(y, m, 1, s.timeZone),
    ChargeCategory: category,
    // Adjustments correct an already closed cycle (PRODUCT.md §4.5).
    ChargeClass: s.lineType === "adjustment" ? "Correction" : null,
    ChargeDescription: [s.billableItemName ?? s.billableItemId, s.productDetail, s.orderNo ? `order ${s.orderNo}` : null]
      .filter(Boolean)
      .join(" · "),
    ChargePeriodEnd: localMidnight(dy, dm, dd + 1, s.timeZone),
    ChargePeriodStart: localMidnight(dy, dm, dd, s.timeZone),
    // No negotiated rates: contracted = list; discounts show in Effective/Billed.
    ContractedCost: amount(s.originalAmount),
    EffectiveCost: amount(s.pretaxAmount),
    InvoiceIssuerName: PROVIDER_NAME,
    ListCost: amount(s.originalAmount),
    PricingQuantity: dec(s.usageQuantity).toDecimalPlaces(6).toFixed(),
    PricingUnit: s.usageUnit,
    ProviderName: PROVIDER_NAME,
    PublisherName: PROVIDER_NAME,
    ServiceCategory: SERVICE_CATEGORY[s.productCategory ?? ""] ?? "Other",
    ServiceName: s.productName,
    ChargeFrequency: s.lineType === "usage" ? "Usage-Based" : "One-Time",
    // Consumed* describe usage only; the spec wants them null for other categories.
    ConsumedQuantity: usage ? dec(s.usageQuantity).toDecimalPlaces(6).toFixed() : null,
    ConsumedUnit: usage ? s.usageUnit : null,
    InvoiceId: s.billId,
    ListUnitPrice: dec(s.unitPrice).toDecimalPlaces(6).toFixed(),
    RegionId: s.regionId,
    RegionName: s.regionName,
    ResourceId: s.instanceId,
    ResourceName: s.instanceName,
    SkuId: s.billableItemId,
    SubAccountId: s.accountId,
    SubAccountName: s.accountName,
  };
}

const NUMERIC = new Set<FocusColumn>(["BilledCost", "ContractedCost", "EffectiveCost", "ListCost", "PricingQuantity", "ConsumedQuantity", "ListUnitPrice"]);

export const FOCUS_CSV_COLUMNS: CsvColumn<Record<FocusColumn, string | null>>[] = FOCUS_COLUMNS.map((name) => ({
  header: name,
  kind: NUMERIC.has(name) ? "amount" : "text",
  value: (r) => r[name],
}));
