import "server-only";
// GET /api/v1/catalog and the Pricing page: the numbers a user needs to check a
// bill — products, billable items, specs, region groups and every price with
// its effective dates, in the account's currency. Unit prices keep their 6
// decimals; they are rates, not amounts (amounts are rounded once to cents).
import { z } from "zod";
import { getDb } from "@/db/client";
import { BILLING_METHODS, billableItems, products, regionGroups, regions } from "@/db/schema";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { accountNow } from "@/lib/clock";
import { getAccount } from "./account";
import type { Caller } from "./caller";
import { parseInput } from "./validate";
import { skuPriceIdOf } from "./views/focus-lines";

export const catalogQuery = z.object({
  productId: z.string().max(80, "is too long").optional(),
  billingMethod: z.enum(BILLING_METHODS, { error: `must be one of ${BILLING_METHODS.join(", ")}` }).optional(),
  // current: only the prices in effect at the account's clock; all: their history too.
  prices: z.enum(["current", "all"], { error: "must be current or all" }).default("all"),
});

const rate = (v: { toFixed(n: number): string }) => v.toFixed(6);

export async function getCatalogView(caller: Caller, input: unknown = {}, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(catalogQuery, input);
  const now = accountNow(account);
  const catalog = await catalogFromDb(await getDb());
  const inEffect = (p: { effectiveFrom: Date; effectiveTo: Date | null }) => p.effectiveFrom <= now && (!p.effectiveTo || now < p.effectiveTo);
  const products = catalog.products
    .filter((p) => !q.productId || p.id === q.productId)
    .filter((p) => !q.billingMethod || p.billingMethods.includes(q.billingMethod))
    .map((p) => ({
      id: p.id,
      name: p.name,
      category: p.category,
      serviceCategory: p.serviceCategory,
      serviceSubcategory: p.serviceSubcategory,
      description: p.description,
      billingMethods: p.billingMethods,
      regionScheme: p.regionScheme,
      termDiscounts: Object.fromEntries(Object.entries(p.termDiscounts ?? catalog.termDiscounts).map(([m, r]) => [m, r.toFixed()])),
      specs: p.specs.map(({ id, name, metadata }) => ({ id, name, metadata })),
      items: p.items.map((it) => ({
        id: it.id,
        code: it.code,
        name: it.name,
        rule: it.rule,
        usageUnit: it.usageUnit,
        quotaKey: it.quotaKey ?? null,
        prices: catalog.prices
          .filter((pr) => pr.itemId === it.id && pr.currency === account.currency)
          .filter((pr) => !q.billingMethod || pr.billingMethod === q.billingMethod)
          .filter((pr) => q.prices === "all" || inEffect(pr))
          .map((pr) => ({
            id: pr.id,
            // What FOCUS exports name this price by (stable across currencies and price changes).
            skuPriceId: skuPriceIdOf(pr),
            regionGroupId: pr.regionGroupId,
            spec: pr.spec,
            billingMethod: pr.billingMethod,
            unitPrice: rate(pr.unitPrice),
            priceUnit: pr.priceUnit,
            tiers: pr.tiers?.map((t) => ({ upTo: t.upTo?.toFixed() ?? null, unitPrice: rate(t.unitPrice) })) ?? null,
            isDefault: pr.isDefault,
            note: pr.note,
            effectiveFrom: pr.effectiveFrom.toISOString(),
            effectiveTo: pr.effectiveTo?.toISOString() ?? null,
            inEffect: inEffect(pr),
          })),
      })),
    }));
  const groups = catalog.regionGroups.map((g) => ({
    id: g.id,
    scheme: g.scheme,
    name: g.name,
    regions: catalog.regions.filter((r) => r.groups.includes(g.id)).map((r) => ({ id: r.id, name: r.name, zones: r.zones })),
  }));
  return { currency: account.currency, asOf: now.toISOString(), regionGroups: groups, products };
}

/** Catalog names in one language, by id; the English name where the catalog has none. */
export interface CatalogNames {
  product(id: string, fallback?: string | null): string;
  item(id: string, fallback?: string | null): string;
  region(id: string, fallback?: string | null): string;
  regionGroup(id: string, fallback?: string | null): string;
}

// The catalog is global (no account): any signed-in page may name its products and regions.
// Bill lines and instances keep ids; names are looked up here when a page is drawn.
export async function getCatalogNames(locale: string): Promise<CatalogNames> {
  const db = await getDb();
  const [p, i, r, g] = await Promise.all([
    db.select({ id: products.id, name: products.name, names: products.names }).from(products),
    db.select({ id: billableItems.id, name: billableItems.name, names: billableItems.names }).from(billableItems),
    db.select({ id: regions.id, name: regions.name, names: regions.names }).from(regions),
    db.select({ id: regionGroups.id, name: regionGroups.name, names: regionGroups.names }).from(regionGroups),
  ]);
  const lookup = (rows: { id: string; name: string; names: Record<string, string> }[]) => {
    const byId = new Map(rows.map((row) => [row.id, row.names[locale] ?? row.name]));
    return (id: string, fallback?: string | null) => byId.get(id) ?? fallback ?? id;
  };
  return { product: lookup(p), item: lookup(i), region: lookup(r), regionGroup: lookup(g) };
}
