// FOCUS 1.2 (FinOps Open Cost and Usage Specification): the export's columns
// and enumerations. PostgreSQL writes the rows (lib/data/views/focus-lines.ts).
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

export const CHARGE_CATEGORIES = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"] as const;
export const CHARGE_FREQUENCIES = ["One-Time", "Recurring", "Usage-Based"] as const;

export const PROVIDER_NAME = "Billing Console Cloud";

/** Columns whose cells are numbers (amounts and quantities): never neutralised as text. */
export const FOCUS_NUMERIC: ReadonlySet<FocusColumn> = new Set<FocusColumn>(["BilledCost", "ContractedCost", "EffectiveCost", "ListCost", "PricingQuantity", "ConsumedQuantity", "ListUnitPrice"]);
