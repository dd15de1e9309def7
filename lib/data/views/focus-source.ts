import "server-only";
// FOCUS source rows from the export query: the SKU and SKU price each charge
// was rated with, looked up in the catalog once per row (the catalog is small
// and indexed; a join per row would cost the export more).
import type { BillingMethod, Currency } from "@/db/schema";
import { findItem, findPrice, findProduct, type Catalog, type CatalogPrice } from "@/lib/billing/catalog";
import type { FocusSku, FocusSource } from "@/lib/exports/focus";

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
export function skuPriceIdOf(p: Pick<CatalogPrice, "itemId" | "regionGroupId" | "spec" | "billingMethod">): string {
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
