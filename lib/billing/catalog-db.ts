// The catalog as loaded into the database (the source of truth once the
// operator has loaded it), rebuilt into the in-memory shape rating uses.
import { asc } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { billableItems, prices, products, regionGroups, regions } from "@/db/schema";
import { D } from "@/lib/money";
import type { Catalog, CatalogItem, CatalogProduct, OverduePolicy, ProductAttributes, Rule } from "./catalog";

export async function catalogFromDb(db: DbOrTx): Promise<Catalog> {
  const [groupRows, regionRows, productRows, itemRows, priceRows] = await Promise.all([
    db.select().from(regionGroups).orderBy(asc(regionGroups.id)),
    db.select().from(regions).orderBy(asc(regions.id)),
    db.select().from(products).orderBy(asc(products.id)),
    db.select().from(billableItems).orderBy(asc(billableItems.id)),
    db.select().from(prices).orderBy(asc(prices.id)),
  ]);
  const items: CatalogItem[] = itemRows.map((i) => ({ id: i.id, productId: i.productId, code: i.code, name: i.name, names: i.names, rule: i.rule as Rule, usageUnit: i.usageUnit, quotaKey: i.quotaKey, freeUntil: i.freeUntil }));
  const productList: CatalogProduct[] = productRows.map((p) => ({
    id: p.id,
    name: p.name,
    names: p.names,
    category: p.category,
    serviceCategory: p.serviceCategory,
    serviceSubcategory: p.serviceSubcategory,
    billingMethods: p.billingMethods,
    overduePolicy: p.overduePolicy as OverduePolicy,
    regionScheme: p.regionScheme,
    description: p.description,
    termDiscounts: Object.fromEntries(Object.entries(p.termDiscounts).map(([m, r]) => [m, new D(r)])),
    attributes: { specChanges: false, ...p.attributes } as ProductAttributes,
    specs: p.specs.map((s) => ({ id: s.id, name: s.name, names: s.names ?? {}, metadata: (s.metadata ?? {}) as Record<string, string | number | boolean> })),
    items: items.filter((i) => i.productId === p.id),
  }));
  const itemProduct = new Map(items.map((i) => [i.id, i.productId]));
  return {
    version: 1,
    notes: {},
    termDiscounts: {},
    regionGroups: groupRows,
    regions: regionRows,
    products: productList,
    items,
    prices: priceRows.map((p) => ({
      id: p.id,
      itemId: p.billableItemId,
      productId: itemProduct.get(p.billableItemId) ?? "",
      regionGroupId: p.regionGroupId,
      spec: p.spec,
      billingMethod: p.billingMethod,
      currency: p.currency,
      unitPrice: new D(p.unitPrice),
      priceUnit: p.priceUnit,
      tiers: p.tiers?.map((t) => ({ upTo: t.upTo === null ? null : new D(t.upTo), unitPrice: new D(t.unitPrice) })) ?? null,
      isDefault: p.isDefault,
      note: p.note,
      effectiveFrom: p.effectiveFrom,
      effectiveTo: p.effectiveTo,
    })),
  };
}
