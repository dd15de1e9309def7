// FOCUS 1.2 conformance rules, written as data. Each rule quotes the
// requirement it checks and names the file of the specification it comes
// from (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, tag v1.2,
// specification/…). A rule returns null when a row meets it, else what is
// wrong. Rules that need more than one file (an invoice issued elsewhere, a
// price list, consistency over time) are listed in UNCHECKABLE with why.
import { SERVICE_SUBCATEGORIES } from "@/lib/exports/focus-values";

export type FocusRow = Record<string, string | null>;

export interface DatasetRule {
  source: string;
  requirement: string;
  check: (columns: string[]) => string | null;
}
export interface RowRule {
  source: string;
  requirement: string;
  check: (r: FocusRow) => string | null;
}

const MANDATORY = [
  "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
  "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost",
  "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
  "ServiceCategory", "ServiceName",
];
// Conditional columns whose condition a provider with our features meets, and the file that sets it.
const CONDITIONAL: [string, string, string][] = [
  ["SkuId", "columns/skuid.md", "when the provider supports unit pricing concepts and publishes price lists"],
  ["SkuPriceId", "columns/skupriceid.md", "when the provider supports unit pricing concepts and publishes price lists"],
  ["SkuMeter", "columns/skumeter.md", "when the provider supports unit pricing concepts and publishes price lists"],
  ["SkuPriceDetails", "columns/skupricedetails.md", "when the provider supports unit pricing concepts and publishes price lists"],
  ["ListUnitPrice", "columns/listunitprice.md", "when the provider publishes unit prices exclusive of discounts"],
  ["ResourceId", "columns/resourceid.md", "when the provider supports billing based on provisioned resources"],
  ["ResourceName", "columns/resourcename.md", "when the provider supports billing based on provisioned resources"],
  ["ResourceType", "columns/resourcetype.md", "when the provider supports billing based on provisioned resources and supports assigning types to resources"],
  ["RegionId", "columns/regionid.md", "when the provider supports deploying resources or services within a region"],
  ["RegionName", "columns/regionname.md", "when the provider supports deploying resources or services within a region"],
  ["ConsumedQuantity", "columns/consumedquantity.md", "when the provider supports the measurement of usage"],
  ["ConsumedUnit", "columns/consumedunit.md", "when the provider supports the measurement of usage"],
  ["Tags", "columns/tags.md", "when the provider supports setting user or provider-defined tags"],
];
const RECOMMENDED: [string, string][] = [
  ["ChargeFrequency", "columns/chargefrequency.md"],
  ["InvoiceId", "columns/invoiceid.md"],
  ["ServiceSubcategory", "columns/servicesubcategory.md"],
  ["AvailabilityZone", "columns/availabilityzone.md"],
];

export const DATASET_RULES: DatasetRule[] = [
  ...MANDATORY.map((c) => ({
    source: `columns/${c.toLowerCase()}.md`.replace("invoiceissuername", "invoiceissuer").replace("providername", "provider").replace("publishername", "publisher"),
    requirement: `${c} MUST be present in a FOCUS dataset.`,
    check: (cols: string[]) => (cols.includes(c) ? null : `${c} is missing`),
  })),
  ...CONDITIONAL.map(([c, source, when]) => ({
    source,
    requirement: `${c} MUST be present in a FOCUS dataset ${when}.`,
    check: (cols: string[]) => (cols.includes(c) ? null : `${c} is missing`),
  })),
  ...RECOMMENDED.map(([c, source]) => ({
    source,
    requirement: `${c} is RECOMMENDED to be present in a FOCUS dataset.`,
    check: (cols: string[]) => (cols.includes(c) ? null : `${c} is missing`),
  })),
  {
    source: "attributes/column_handling.md",
    requirement: "Custom columns MUST be prefixed with a consistent x_ prefix.",
    check: (cols) => {
      const known = new Set([...MANDATORY, ...CONDITIONAL.map((c) => c[0]), ...RECOMMENDED.map((c) => c[0])]);
      const odd = cols.filter((c) => !known.has(c) && !c.startsWith("x_"));
      return odd.length ? `not FOCUS columns: ${odd.join(", ")}` : null;
    },
  },
];

const DECIMAL = /^-?\d+(\.\d+)?$/; // attributes/numeric_format.md: no exponent, no thousands separator, no currency symbol
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/; // attributes/datetime_format.md
// attributes/unit_format.md: "<plural-units>", "<singular-unit>-<plural-time-units>", "<plural-units>/<singular-time-unit>"
const SIZE = "(?:[KMGTPE]i?[Bb]|[Bb])";
const TIME_PLURAL = "(?:Years|Months|Days|Hours|Minutes|Seconds)";
const TIME_SINGULAR = "(?:Year|Month|Day|Hour|Minute|Second)";
const NOUN_PLURAL = `(?:${SIZE}|[A-Z][a-z]+s)`;
const NOUN_SINGULAR = `(?:${SIZE}|[A-Z][a-z]+)`;
const UNIT = new RegExp(`^(?:\\d+ )?(?:${NOUN_PLURAL}|${NOUN_SINGULAR}-${TIME_PLURAL}|${NOUN_PLURAL}/${TIME_SINGULAR})$`);
const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const FOCUS_PRICE_PROPERTIES: Record<string, "number" | "string"> = {
  CoreCount: "number", DiskMaxIops: "number", DiskSpace: "number", DiskType: "string", GpuCount: "number", InstanceType: "string",
  InstanceSeries: "string", MemorySize: "number", NetworkMaxIops: "number", NetworkMaxThroughput: "number",
  OperatingSystem: "string", Redundancy: "string", StorageClass: "string",
};

const isNull = (v: string | null | undefined) => v === null || v === undefined || v === "";
const usageOrPurchase = (r: FocusRow) => (r.ChargeCategory === "Usage" || r.ChargeCategory === "Purchase") && r.ChargeClass !== "Correction";
const when = (cond: boolean, problem: string) => (cond ? problem : null);
/** "match" admits the rounding of one row to the currency's cents. */
const matches = (a: string, b: string) => Math.abs(Number(a) - Number(b)) <= 0.005 + 1e-9;

function keyValue(v: string): string | null {
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch {
    return "is not JSON";
  }
  if (!o || typeof o !== "object" || Array.isArray(o)) return "is not a JSON object";
  for (const [k, x] of Object.entries(o)) if (x !== null && typeof x === "object") return `${k} holds an object or array`;
  return null;
}

/** The provider's one reserved tag key prefix (docs/tags.md publishes it). */
export const PROVIDER_TAG_PREFIX = "billing-console/";

export const ROW_RULES: RowRule[] = [
  {
    source: "columns/tags.md",
    requirement: "Tags MUST conform to KeyValueFormat requirements (a JSON object, unique keys, values number, string, true, false or null).",
    check: (r) => (isNull(r.Tags) ? null : keyValue(r.Tags!)),
  },
  {
    source: "columns/tags.md",
    requirement:
      "Provider-defined tag keys MUST be prefixed with a predetermined, provider-specified tag key prefix. Provider MUST NOT prefix tag keys when the provider has only one user-defined tag scheme (and a user key never uses the reserved prefix).",
    check: (r) => {
      if (isNull(r.Tags)) return null;
      const keys = Object.keys(JSON.parse(r.Tags!) as object);
      // Our provider-defined scheme has exactly one key; every other key is a user's, unprefixed.
      const provider = keys.filter((k) => k.startsWith(PROVIDER_TAG_PREFIX));
      return when(provider.some((k) => k !== `${PROVIDER_TAG_PREFIX}resource-group`), `unknown provider-defined keys: ${provider.join(", ")}`);
    },
  },
  ...["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"].map((c) => ({
    source: `columns/${c.toLowerCase()}.md`,
    requirement: `${c} MUST NOT be null. ${c} MUST be a valid decimal value (NumericFormat).`,
    check: (r: FocusRow) => when(isNull(r[c]) || !DECIMAL.test(r[c]!), `${c}=${r[c]}`),
  })),
  ...["PricingQuantity", "ListUnitPrice", "ConsumedQuantity"].map((c) => ({
    source: "attributes/numeric_format.md",
    requirement: `${c}, when not null, MUST conform to NumericFormat requirements.`,
    check: (r: FocusRow) => when(!isNull(r[c]) && !DECIMAL.test(r[c]!), `${c}=${r[c]}`),
  })),
  ...["BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"].map((c) => ({
    source: `columns/${c.toLowerCase()}.md`,
    requirement: `${c} MUST NOT be null. ${c} MUST conform to DateTimeFormat requirements.`,
    check: (r: FocusRow) => when(isNull(r[c]) || !DATETIME.test(r[c]!), `${c}=${r[c]}`),
  })),
  {
    source: "columns/chargeperiodend.md",
    requirement: "ChargePeriodEnd MUST be the exclusive end bound of the effective period of the charge (after its inclusive start).",
    check: (r) => when(!(r.ChargePeriodStart! < r.ChargePeriodEnd!), `${r.ChargePeriodStart} … ${r.ChargePeriodEnd}`),
  },
  {
    source: "columns/billingperiodend.md",
    requirement: "BillingPeriodEnd MUST be the exclusive end bound of the billing period.",
    check: (r) => when(!(r.BillingPeriodStart! < r.BillingPeriodEnd!), `${r.BillingPeriodStart} … ${r.BillingPeriodEnd}`),
  },
  {
    source: "columns/billingcurrency.md",
    requirement: "BillingCurrency MUST conform to CurrencyFormat requirements (ISO 4217).",
    check: (r) => when(!/^[A-Z]{3}$/.test(r.BillingCurrency ?? ""), `BillingCurrency=${r.BillingCurrency}`),
  },
  {
    source: "columns/chargecategory.md",
    requirement: "ChargeCategory MUST NOT be null. ChargeCategory MUST be one of the allowed values.",
    check: (r) => when(!["Usage", "Purchase", "Tax", "Credit", "Adjustment"].includes(r.ChargeCategory ?? ""), `ChargeCategory=${r.ChargeCategory}`),
  },
  {
    source: "columns/chargeclass.md",
    requirement: 'ChargeClass MUST be "Correction" when ChargeClass is not null.',
    check: (r) => when(!isNull(r.ChargeClass) && r.ChargeClass !== "Correction", `ChargeClass=${r.ChargeClass}`),
  },
  {
    source: "columns/chargefrequency.md",
    requirement: 'ChargeFrequency MUST NOT be null. ChargeFrequency MUST be one of the allowed values. ChargeFrequency MUST NOT be "Usage-Based" when ChargeCategory is "Purchase".',
    check: (r) =>
      when(!["One-Time", "Recurring", "Usage-Based"].includes(r.ChargeFrequency ?? ""), `ChargeFrequency=${r.ChargeFrequency}`) ??
      when(r.ChargeCategory === "Purchase" && r.ChargeFrequency === "Usage-Based", "a Purchase that is Usage-Based"),
  },
  {
    source: "columns/chargedescription.md",
    requirement: "ChargeDescription SHOULD NOT be null.",
    check: (r) => when(isNull(r.ChargeDescription), "no ChargeDescription"),
  },
  {
    source: "columns/listcost.md",
    requirement:
      'The product of ListUnitPrice and PricingQuantity MUST match the ListCost when ListUnitPrice is not null, PricingQuantity is not null, and ChargeClass is not "Correction".',
    check: (r) => {
      if (isNull(r.ListUnitPrice) || isNull(r.PricingQuantity) || r.ChargeClass === "Correction") return null;
      const product = (Number(r.ListUnitPrice) * Number(r.PricingQuantity)).toFixed(6);
      return when(!matches(product, r.ListCost!), `${r.ListUnitPrice} × ${r.PricingQuantity} = ${product} ≠ ListCost ${r.ListCost}`);
    },
  },
  {
    source: "columns/listcost.md",
    requirement: 'ListCost of a charge unrelated to other charges (e.g., when the ChargeCategory is "Credit") MUST match the BilledCost (when ListUnitPrice is null).',
    check: (r) => when(isNull(r.ListUnitPrice) && !matches(r.ListCost!, r.BilledCost!), `ListCost ${r.ListCost} ≠ BilledCost ${r.BilledCost}`),
  },
  {
    source: "columns/effectivecost.md",
    requirement: 'EffectiveCost of a charge unrelated to other charges (e.g., when the ChargeCategory is "Credit") MUST match the BilledCost.',
    check: (r) => when(r.ChargeCategory === "Credit" && !matches(r.EffectiveCost!, r.BilledCost!), `EffectiveCost ${r.EffectiveCost} ≠ BilledCost ${r.BilledCost}`),
  },
  {
    source: "columns/contractedcost.md",
    requirement: 'ContractedCost of a charge unrelated to other charges (e.g., when the ChargeCategory is "Credit") MUST match the BilledCost.',
    check: (r) => when(r.ChargeCategory === "Credit" && !matches(r.ContractedCost!, r.BilledCost!), `ContractedCost ${r.ContractedCost} ≠ BilledCost ${r.BilledCost}`),
  },
  {
    source: "columns/listunitprice.md",
    requirement: 'ListUnitPrice MUST NOT be null when ChargeCategory is "Usage" or "Purchase" and ChargeClass is not "Correction". ListUnitPrice MUST be a non-negative decimal value.',
    check: (r) =>
      when(usageOrPurchase(r) && isNull(r.ListUnitPrice), "no ListUnitPrice") ??
      when(!isNull(r.ListUnitPrice) && Number(r.ListUnitPrice) < 0, `ListUnitPrice=${r.ListUnitPrice}`),
  },
  {
    source: "columns/pricingquantity.md",
    requirement: 'PricingQuantity MUST NOT be null when ChargeCategory is "Usage" or "Purchase" and ChargeClass is not "Correction".',
    check: (r) => when(usageOrPurchase(r) && isNull(r.PricingQuantity), "no PricingQuantity"),
  },
  {
    source: "columns/pricingunit.md",
    requirement: "PricingUnit MUST be null when PricingQuantity is null. PricingUnit MUST NOT be null when PricingQuantity is not null.",
    check: (r) => when(isNull(r.PricingUnit) !== isNull(r.PricingQuantity), `PricingUnit=${r.PricingUnit}, PricingQuantity=${r.PricingQuantity}`),
  },
  ...["PricingUnit", "ConsumedUnit"].map((c) => ({
    source: "attributes/unit_format.md",
    requirement: `${c} SHOULD conform to UnitFormat requirements.`,
    check: (r: FocusRow) => when(!isNull(r[c]) && !UNIT.test(r[c]!), `${c}=${r[c]}`),
  })),
  {
    source: "columns/consumedquantity.md",
    requirement: 'ConsumedQuantity MUST be null when ChargeCategory is not "Usage"; MUST NOT be null when ChargeCategory is "Usage" and ChargeClass is not "Correction".',
    check: (r) =>
      when(r.ChargeCategory !== "Usage" && !isNull(r.ConsumedQuantity), `ConsumedQuantity on a ${r.ChargeCategory} row`) ??
      when(r.ChargeCategory === "Usage" && r.ChargeClass !== "Correction" && isNull(r.ConsumedQuantity), "no ConsumedQuantity"),
  },
  {
    source: "columns/consumedunit.md",
    requirement: "ConsumedUnit MUST be null when ConsumedQuantity is null. ConsumedUnit MUST NOT be null when ConsumedQuantity is not null.",
    check: (r) => when(isNull(r.ConsumedUnit) !== isNull(r.ConsumedQuantity), `ConsumedUnit=${r.ConsumedUnit}`),
  },
  ...["SkuId", "SkuPriceId"].map((c) => ({
    source: `columns/${c.toLowerCase()}.md`,
    requirement: `${c} MUST NOT be null when ChargeCategory is "Usage" or "Purchase" and ChargeClass is not "Correction". ${c} MUST be null when ChargeCategory is "Tax".`,
    check: (r: FocusRow) =>
      when(usageOrPurchase(r) && isNull(r[c]), `no ${c}`) ?? when(r.ChargeCategory === "Tax" && !isNull(r[c]), `${c} on a Tax row`),
  })),
  {
    source: "columns/skumeter.md",
    requirement: "SkuMeter MUST be null when SkuId is null. SkuMeter SHOULD NOT be null when SkuId is not null.",
    check: (r) => when(isNull(r.SkuMeter) !== isNull(r.SkuId), `SkuMeter=${r.SkuMeter}, SkuId=${r.SkuId}`),
  },
  {
    source: "columns/skupricedetails.md",
    requirement: "SkuPriceDetails MUST be null when SkuPriceId is null. SkuPriceDetails MUST conform to KeyValueFormat requirements.",
    check: (r) =>
      when(isNull(r.SkuPriceId) && !isNull(r.SkuPriceDetails), "SkuPriceDetails without SkuPriceId") ??
      (isNull(r.SkuPriceDetails) ? null : keyValue(r.SkuPriceDetails!)),
  },
  {
    source: "columns/skupricedetails.md",
    requirement:
      'Property key MUST begin with the string "x_" unless it is a FOCUS-defined property; FOCUS-defined property values MUST be of the type specified for that property; keys SHOULD be PascalCase.',
    check: (r) => {
      if (isNull(r.SkuPriceDetails) || keyValue(r.SkuPriceDetails!)) return null;
      for (const [k, v] of Object.entries(JSON.parse(r.SkuPriceDetails!) as Record<string, unknown>)) {
        const type = FOCUS_PRICE_PROPERTIES[k];
        if (!type && !k.startsWith("x_")) return `key ${k} is neither FOCUS-defined nor x_`;
        if (type && typeof v !== type) return `${k} should be a ${type}`;
        if (!PASCAL.test(k.replace(/^x_/, ""))) return `key ${k} is not PascalCase`;
      }
      return null;
    },
  },
  {
    source: "columns/servicecategory.md",
    requirement: "ServiceCategory MUST NOT be null. ServiceCategory MUST be one of the allowed values.",
    check: (r) => when(!(r.ServiceCategory! in SERVICE_SUBCATEGORIES), `ServiceCategory=${r.ServiceCategory}`),
  },
  {
    source: "columns/servicesubcategory.md",
    requirement: "ServiceSubcategory MUST NOT be null. ServiceSubcategory MUST be one of the allowed values. It MUST have one and only one parent ServiceCategory as specified in the allowed values.",
    check: (r) => {
      const list = SERVICE_SUBCATEGORIES[r.ServiceCategory as keyof typeof SERVICE_SUBCATEGORIES] as readonly string[] | undefined;
      return when(!list?.includes(r.ServiceSubcategory ?? ""), `${r.ServiceSubcategory} under ${r.ServiceCategory}`);
    },
  },
  {
    source: "columns/servicename.md",
    requirement: "ServiceName MUST NOT be null.",
    check: (r) => when(isNull(r.ServiceName), "no ServiceName"),
  },
  {
    source: "columns/resourcetype.md",
    requirement: "ResourceType MUST be null when ResourceId is null. ResourceType MUST NOT be null when ResourceId is not null.",
    check: (r) => when(isNull(r.ResourceType) !== isNull(r.ResourceId), `ResourceType=${r.ResourceType}`),
  },
  {
    source: "columns/regionname.md",
    requirement: "RegionName MUST be null when RegionId is null. RegionName MUST NOT be null when RegionId is not null.",
    check: (r) => when(isNull(r.RegionName) !== isNull(r.RegionId), `RegionName=${r.RegionName}, RegionId=${r.RegionId}`),
  },
  ...["BillingAccountId", "BillingAccountName", "InvoiceIssuerName", "ProviderName", "PublisherName"].map((c) => ({
    source: `columns/${c.toLowerCase()}.md`.replace("invoiceissuername", "invoiceissuer").replace("providername", "provider").replace("publishername", "publisher"),
    requirement: `${c} MUST NOT be null.`,
    check: (r: FocusRow) => when(isNull(r[c]), `no ${c}`),
  })),
];

/** Requirements one exported file cannot show either way. */
export const UNCHECKABLE: { source: string; requirement: string; why: string }[] = [
  { source: "columns/billedcost.md", requirement: "The sum of the BilledCost for a given InvoiceId MUST match the sum of the payable amount provided in the corresponding invoice.", why: "needs the invoice; the integration test compares with the bills API instead" },
  { source: "columns/skuid.md", requirement: "SkuId MUST remain consistent across billing accounts or contracts.", why: "needs several accounts' files" },
  { source: "columns/skupriceid.md", requirement: "SkuPriceId MUST remain consistent over time; MUST reference a SKU Price in a provider-supplied price list.", why: "needs files of several periods and the price list; the integration test checks the price list half against GET /api/v1/catalog" },
  { source: "columns/skumeter.md", requirement: "SkuMeter SHOULD remain consistent over time for a given SkuId.", why: "needs files of several periods" },
  { source: "columns/pricingunit.md", requirement: "PricingUnit MUST be semantically equal to the corresponding pricing measurement unit provided in provider-published price list.", why: "needs the price list" },
  { source: "columns/resourceid.md", requirement: "ResourceId MUST be a unique identifier within the provider.", why: "needs every account's resources" },
  { source: "columns/billingaccountid.md", requirement: "BillingAccountId MUST be a globally unique identifier within a provider.", why: "needs every account" },
  { source: "columns/chargeclass.md", requirement: "ChargeClass MUST be null when the row does not represent a correction or when it represents a correction within the current billing period; MUST NOT be null when the row represents a correction to a previously invoiced billing period.", why: "whether a period was invoiced is not in the file; the test checks that late usage and credits for a closed month are the Correction rows" },
  { source: "columns/effectivecost.md", requirement: 'EffectiveCost MUST be 0 when ChargeCategory is "Purchase" and the purchase is intended to cover future eligible charges.', why: "no purchase here covers future charges (subscriptions buy the resource itself; resource plans are not sold in this file)" },
  { source: "attributes/discount_handling.md", requirement: "All applicable discounts SHOULD be applied to each row they pertain to.", why: "needs the discount contracts" },
];
