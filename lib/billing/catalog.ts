// The price catalog as data (docs/billing-rules.md#catalog-and-prices). db/seed/catalog.json is the source
// of truth: it is validated here, loaded into the catalog tables by the seed and
// the operator CLI, and read directly by rating through the pure lookups below.
// Money stays a string in the file and becomes Decimal here, never a JS number.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { getTableColumns, notInArray, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import {
  BILLING_METHODS,
  CURRENCIES,
  billableItems,
  prices,
  products,
  regionGroups,
  regions,
  type BillingMethod,
  type Currency,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import { SERVICE_CATEGORIES, isServiceSubcategoryOf } from "@/lib/exports/focus-values";
import { D } from "@/lib/money";

export const RULES = [
  "phone-period",
  "storage-gb-month",
  "egress-tiered",
  "traffic-free",
  "per-scan",
  "subscription",
  "free",
  "hourly",
  // Metered usage counted against the subscribed package's quota (not charged: the package is prepaid).
  "package-quota",
] as const;
export type Rule = (typeof RULES)[number];
// Named by what happens on overdue, not by product: products share them through the catalog.
export const OVERDUE_POLICIES = ["restrict", "stop-payg", "prepaid-package", "default"] as const;
export type OverduePolicy = (typeof OVERDUE_POLICIES)[number];
/** Subscription durations on sale (docs/billing-rules.md#subscriptions). */
export const SUBSCRIPTION_MONTHS = [1, 2, 3, 6, 12] as const;

export const DEFAULT_CATALOG_PATH = path.join(process.cwd(), "db", "seed", "catalog.json");

// ── File schema ──────────────────────────────────────────────────────────────

const slug = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be lowercase letters, digits, '.' or '-'");
const moneyString = z
  .string()
  .regex(/^\d{1,14}(\.\d{1,6})?$/, 'must be a non-negative decimal string with up to 6 decimals, e.g. "0.0457"');
const instant = z.iso.datetime({ error: 'must be an ISO instant in UTC, e.g. "2020-01-01T00:00:00Z"' });
const fraction = moneyString.refine((s) => new D(s).lt(1), "must be a fraction below 1, e.g. \"0.15\"");
const termDiscounts = z.partialRecord(z.enum(["1", "2", "3", "6", "12"], "must be a duration on sale: 1, 2, 3, 6 or 12"), fraction);

// A name in the console's other languages, by language code ({"ru": "Облачный телефон"}); `name` is
// the English one, and what exports and the API carry.
const localNames = z
  .record(z.string(), z.string().min(1))
  .refine((names) => Object.keys(names).every((k) => /^[a-z]{2}$/.test(k)), 'must be keyed by language code, e.g. {"ru": "…"}')
  .default({});
export type LocalNames = Record<string, string>;

const tierSchema = z.strictObject({ upTo: moneyString.nullable(), unitPrice: moneyString });

const priceSchema = z.strictObject({
  id: z.string().min(1),
  itemId: z.string().min(1),
  regionGroupId: z.string().nullable().default(null), // null: the product is priced alike in every region
  spec: z.string().nullable().default(null), // null: the product has no specs
  billingMethod: z.enum(BILLING_METHODS),
  currency: z.enum(CURRENCIES),
  unitPrice: moneyString,
  priceUnit: z.string().min(1),
  tiers: z.array(tierSchema).min(1).nullable().default(null),
  isDefault: z.boolean().default(false), // a figure not taken from the seeds
  note: z.string().optional(),
  effectiveFrom: instant,
  effectiveTo: instant.nullable().default(null),
});

// Product facts quoting, ordering and lifecycle read, so a new product is a catalog change.
const productAttributes = z.strictObject({
  // The item (code) a subscription order is billed as; required when the product is sold by subscription.
  subscriptionItem: slug.optional(),
  // Packages, editions or specs can be changed in place during a subscription term.
  specChanges: z.boolean().default(false),
  // New subscription purchases per account per calendar month (renewals and spec changes are not purchases).
  newPurchasesPerMonth: z.int().min(1).optional(),
});
export type ProductAttributes = z.output<typeof productAttributes>;

const productSchema = z.strictObject({
  id: slug,
  name: z.string().min(1),
  names: localNames,
  category: z.string().min(1),
  // The FOCUS classification a cost tool groups this service by.
  serviceCategory: z.enum(SERVICE_CATEGORIES),
  serviceSubcategory: z.string().min(1),
  billingMethods: z.array(z.enum(BILLING_METHODS)).min(1),
  overduePolicy: z.enum(OVERDUE_POLICIES),
  regionScheme: z.string().nullable().default(null),
  description: z.string().default(""),
  termDiscounts: termDiscounts.optional(),
  attributes: productAttributes.default({ specChanges: false }),
  specs: z
    .array(
      z.strictObject({
        id: slug,
        name: z.string().min(1),
        names: localNames,
        metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
      }),
    )
    .default([]),
  items: z
    .array(
      z.strictObject({
        code: slug,
        name: z.string().min(1),
        names: localNames,
        rule: z.enum(RULES),
        usageUnit: z.string().min(1),
        // package-quota: the spec metadata key holding each package's quota.
        quotaKey: z.string().min(1).optional(),
        // Usage before this instant is free whatever the price lookup says (a price mistake cannot bill it).
        freeUntil: instant.optional(),
      }),
    )
    .min(1),
});

const fileObject = z.strictObject({
  version: z.literal(1),
  // Free-form documentation, except the conversion rates that RUB/KZT prices follow.
  notes: z.looseObject({
    conversion: z.looseObject({ rule: z.string().min(1), rates: z.record(z.string(), moneyString) }),
  }),
  termDiscounts: termDiscounts.default({}),
  regionGroups: z.array(z.strictObject({ id: slug, scheme: slug, name: z.string().min(1), names: localNames })).min(1),
  regions: z
    .array(z.strictObject({ id: slug, name: z.string().min(1), names: localNames, groups: z.array(z.string()), zones: z.array(slug).default([]) }))
    .min(1),
  products: z.array(productSchema).min(1),
  prices: z.array(priceSchema),
});
export const catalogFileSchema = fileObject.superRefine(checkReferences);
export type CatalogFile = z.output<typeof fileObject>;

/** The stable id of a price: item.group.spec.method.currency.from (absent parts left out). */
export function priceIdOf(p: {
  itemId: string;
  regionGroupId: string | null;
  spec: string | null;
  billingMethod: string;
  currency: string;
  effectiveFrom: string | Date;
}): string {
  const iso = new Date(p.effectiveFrom).toISOString();
  const from = iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace(".000Z", "Z");
  return [p.itemId, p.regionGroupId, p.spec, p.billingMethod, p.currency, from].filter((x) => x != null).join(".");
}

// Cross-references zod cannot express field by field; each issue names its path.
function checkReferences(f: CatalogFile, ctx: z.RefinementCtx) {
  const issue = (p: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: p, message });
  const dupes = (ids: string[], at: (i: number) => (string | number)[]) =>
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) issue(at(i), `duplicate id "${id}"`);
    });

  const groups = new Map(f.regionGroups.map((g) => [g.id, g]));
  dupes(f.regionGroups.map((g) => g.id), (i) => ["regionGroups", i, "id"]);
  dupes(f.regions.map((r) => r.id), (i) => ["regions", i, "id"]);
  const zoneAt = f.regions.flatMap((r, i) => r.zones.map((z, j) => ({ z, at: ["regions", i, "zones", j] })));
  dupes(zoneAt.map((x) => x.z), (k) => zoneAt[k].at);
  dupes(f.products.map((p) => p.id), (i) => ["products", i, "id"]);
  f.regions.forEach((r, i) => {
    const schemes = new Set<string>();
    r.groups.forEach((g, j) => {
      const group = groups.get(g);
      if (!group) return issue(["regions", i, "groups", j], `unknown region group "${g}"`);
      if (schemes.has(group.scheme)) issue(["regions", i, "groups", j], `second group of scheme "${group.scheme}"`);
      schemes.add(group.scheme);
    });
  });

  const schemes = new Set(f.regionGroups.map((g) => g.scheme));
  const items = new Map<string, (typeof f.products)[number]>();
  f.products.forEach((p, i) => {
    if (!isServiceSubcategoryOf(p.serviceCategory, p.serviceSubcategory))
      issue(["products", i, "serviceSubcategory"], `"${p.serviceSubcategory}" is not a FOCUS subcategory of "${p.serviceCategory}"`);
    if (p.regionScheme && !schemes.has(p.regionScheme))
      issue(["products", i, "regionScheme"], `no region group has scheme "${p.regionScheme}"`);
    const sub = p.attributes.subscriptionItem;
    if (p.billingMethods.includes("subscription") && !sub)
      issue(["products", i, "attributes", "subscriptionItem"], "a product sold by subscription names the item its orders bill (an item code)");
    if (sub && !p.items.some((it) => it.code === sub)) issue(["products", i, "attributes", "subscriptionItem"], `no item "${sub}" in ${p.id}`);
    if (p.specs.filter((s) => s.metadata.trial === true).length > 1) issue(["products", i, "specs"], "at most one spec is the free trial");
    dupes(p.specs.map((s) => s.id), (j) => ["products", i, "specs", j, "id"]);
    dupes(p.items.map((it) => it.code), (j) => ["products", i, "items", j, "code"]);
    for (const it of p.items) items.set(`${p.id}.${it.code}`, p);
    p.items.forEach((it, j) => {
      if ((it.rule === "package-quota") !== Boolean(it.quotaKey))
        return issue(["products", i, "items", j, "quotaKey"], it.quotaKey ? "only a package-quota item has a quotaKey" : "a package-quota item names its quota's spec metadata key");
      if (it.quotaKey) {
        p.specs.forEach((s, k) => {
          if (typeof s.metadata[it.quotaKey!] !== "number") issue(["products", i, "specs", k, "metadata", it.quotaKey!], "must be the package's quota (a number)");
        });
      }
    });
  });

  dupes(f.prices.map((p) => p.id), (i) => ["prices", i, "id"]);
  const windows = new Map<string, { from: number; to: number; i: number }[]>();
  f.prices.forEach((p, i) => {
    const at = (field: string) => ["prices", i, field];
    const product = items.get(p.itemId);
    if (!product) return issue(at("itemId"), `unknown billable item "${p.itemId}"`);
    if (!product.billingMethods.includes(p.billingMethod))
      issue(at("billingMethod"), `"${p.billingMethod}" is not a billing method of ${product.id}`);
    // Every spec is priced explicitly, so a missing price is an error, not a silent fallback.
    if (product.specs.length && !product.specs.some((s) => s.id === p.spec))
      issue(at("spec"), `must be one of the specs of ${product.id}, got ${JSON.stringify(p.spec)}`);
    if (!product.specs.length && p.spec !== null) issue(at("spec"), `${product.id} has no specs: leave it out`);
    if (product.regionScheme) {
      if (groups.get(p.regionGroupId ?? "")?.scheme !== product.regionScheme)
        issue(at("regionGroupId"), `must be a region group of scheme "${product.regionScheme}"`);
    } else if (p.regionGroupId !== null) issue(at("regionGroupId"), `${product.id} is priced alike in every region: leave it out`);
    if (!p.priceUnit.startsWith(`${p.currency}/`)) issue(at("priceUnit"), `must start with "${p.currency}/"`);
    if (p.isDefault && !p.note) issue(at("note"), "a default price (isDefault) needs a note saying where it comes from");
    if (p.tiers) {
      p.tiers.forEach((t, j) => {
        const last = j === p.tiers!.length - 1;
        if (last !== (t.upTo === null)) issue(["prices", i, "tiers", j, "upTo"], "only the last tier is open-ended (null)");
        const prev = p.tiers![j - 1]?.upTo;
        if (t.upTo && prev && !new D(t.upTo).gt(prev)) issue(["prices", i, "tiers", j, "upTo"], "tiers must ascend");
      });
    }
    const from = Date.parse(p.effectiveFrom);
    const to = p.effectiveTo ? Date.parse(p.effectiveTo) : Infinity;
    if (!(to > from)) return issue(at("effectiveTo"), "must be after effectiveFrom");
    const expected = priceIdOf(p);
    if (p.id !== expected) issue(at("id"), `must be "${expected}" (ids are derived so reloads keep them)`);
    const key = [p.itemId, p.regionGroupId, p.spec, p.billingMethod, p.currency].join("|");
    const list = windows.get(key) ?? [];
    const clash = list.find((w) => from < w.to && w.from < to);
    if (clash) issue(at("effectiveFrom"), `overlaps prices[${clash.i}] (same item, group, spec, method, currency)`);
    list.push({ from, to, i });
    windows.set(key, list);
  });
}

// ── The parsed catalog ───────────────────────────────────────────────────────

export interface CatalogItem {
  id: string; // `${productId}.${code}`
  productId: string;
  code: string;
  name: string;
  names?: LocalNames;
  rule: Rule;
  usageUnit: string;
  /** package-quota items: the spec metadata key holding the quota. */
  quotaKey?: string | null;
  freeUntil?: Date | null;
}
export interface CatalogSpec {
  id: string;
  name: string;
  names?: LocalNames;
  metadata: Record<string, string | number | boolean>;
}
export interface CatalogProduct {
  id: string;
  name: string;
  names?: LocalNames;
  category: string;
  serviceCategory: string;
  serviceSubcategory: string;
  billingMethods: BillingMethod[];
  overduePolicy: OverduePolicy;
  regionScheme: string | null;
  description: string;
  termDiscounts: Record<string, D> | null; // null: the catalog-wide ones apply
  attributes: ProductAttributes;
  specs: CatalogSpec[];
  items: CatalogItem[];
}
export interface PriceTier {
  upTo: D | null;
  unitPrice: D;
}
export interface CatalogPrice {
  id: string;
  itemId: string;
  productId: string;
  regionGroupId: string | null;
  spec: string | null;
  billingMethod: BillingMethod;
  currency: Currency;
  unitPrice: D;
  priceUnit: string;
  tiers: PriceTier[] | null;
  isDefault: boolean;
  note: string | null;
  effectiveFrom: Date;
  effectiveTo: Date | null;
}
export interface Catalog {
  version: 1;
  notes: Record<string, unknown>;
  termDiscounts: Record<string, D>;
  regionGroups: { id: string; scheme: string; name: string; names?: LocalNames }[];
  regions: { id: string; name: string; names?: LocalNames; groups: string[]; zones: string[] }[];
  products: CatalogProduct[];
  items: CatalogItem[];
  prices: CatalogPrice[];
}

export class CatalogError extends AppError {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message, 400, "invalid_catalog", { issues });
  }
}

function formatPath(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("") || "(root)";
}

const decimals = (r: Partial<Record<string, string>>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, new D(v!)]));

/** Validate a parsed JSON catalog; throws CatalogError naming each bad field's path. */
export function parseCatalog(json: unknown): Catalog {
  const result = catalogFileSchema.safeParse(json);
  if (!result.success) {
    const raw = json as { prices?: { id?: unknown }[] };
    const issues = result.error.issues.map((i) => {
      // Name the price by id too: "prices[57]" alone is hard to find in the file.
      const id = i.path[0] === "prices" && typeof i.path[1] === "number" ? raw?.prices?.[i.path[1]]?.id : undefined;
      return `${formatPath(i.path)}${typeof id === "string" ? ` (${id})` : ""}: ${i.message}`;
    });
    throw new CatalogError(`Invalid catalog: ${issues.slice(0, 10).join("; ")}`, issues);
  }
  const f = result.data;
  const productOfItem = new Map<string, string>();
  const catalogProducts: CatalogProduct[] = f.products.map((p) => {
    const items = p.items.map((it) => ({ ...it, id: `${p.id}.${it.code}`, productId: p.id, freeUntil: it.freeUntil ? new Date(it.freeUntil) : null }));
    for (const it of items) productOfItem.set(it.id, p.id);
    return { ...p, termDiscounts: p.termDiscounts ? decimals(p.termDiscounts) : null, items };
  });
  return {
    version: f.version,
    notes: f.notes,
    termDiscounts: decimals(f.termDiscounts),
    regionGroups: f.regionGroups,
    regions: f.regions,
    products: catalogProducts,
    items: catalogProducts.flatMap((p) => p.items),
    prices: f.prices.map((p) => ({
      ...p,
      productId: productOfItem.get(p.itemId)!,
      unitPrice: new D(p.unitPrice),
      tiers: p.tiers?.map((t) => ({ upTo: t.upTo === null ? null : new D(t.upTo), unitPrice: new D(t.unitPrice) })) ?? null,
      note: p.note ?? null,
      effectiveFrom: new Date(p.effectiveFrom),
      effectiveTo: p.effectiveTo ? new Date(p.effectiveTo) : null,
    })),
  };
}

/** Read and validate the checked-in catalog (or another file, for the operator CLI). */
export async function readCatalogFile(file: string = DEFAULT_CATALOG_PATH): Promise<Catalog> {
  const text = await readFile(/*turbopackIgnore: true*/ file, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CatalogError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseCatalog(json);
  } catch (e) {
    if (e instanceof CatalogError) throw new CatalogError(`${file}: ${e.message}`, e.issues);
    throw e;
  }
}

// ── Loading into the database ────────────────────────────────────────────────

export interface LoadCounts {
  products: number;
  regionGroups: number;
  regions: number;
  billableItems: number;
  prices: number;
  pricesRemoved: number;
}

// ON CONFLICT (id) DO UPDATE SET every other column from the incoming row.
function updateFromExcluded(table: PgTable): Record<string, SQL> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table))
      .filter(([key]) => key !== "id")
      .map(([key, col]) => [key, sql.raw(`excluded."${col.name}"`)]),
  );
}

/**
 * Upsert the whole catalog in one transaction and delete the prices that left
 * the file. Bill lines keep their own copy of the price they were rated with,
 * so past lines are never touched. Products, items and regions are only
 * upserted: instances and bill lines may still refer to them.
 */
export async function loadCatalog(db: DbOrTx, catalog: Catalog): Promise<LoadCounts> {
  return db.transaction(async (tx) => {
    await tx
      .insert(regionGroups)
      .values(catalog.regionGroups)
      .onConflictDoUpdate({ target: regionGroups.id, set: updateFromExcluded(regionGroups) });
    await tx.insert(regions).values(catalog.regions).onConflictDoUpdate({ target: regions.id, set: updateFromExcluded(regions) });
    await tx
      .insert(products)
      .values(
        catalog.products.map((p) => ({
          id: p.id,
          name: p.name,
          names: p.names ?? {},
          category: p.category,
          serviceCategory: p.serviceCategory,
          serviceSubcategory: p.serviceSubcategory,
          billingMethods: p.billingMethods,
          overduePolicy: p.overduePolicy,
          regionScheme: p.regionScheme,
          specs: p.specs,
          // Stored resolved: the product's own discounts, else the catalog-wide ones.
          termDiscounts: Object.fromEntries(
            Object.entries(p.termDiscounts ?? catalog.termDiscounts).map(([m, r]) => [m, r.toFixed()]),
          ),
          description: p.description,
          attributes: p.attributes,
        })),
      )
      .onConflictDoUpdate({ target: products.id, set: updateFromExcluded(products) });
    await tx
      .insert(billableItems)
      .values(catalog.items)
      .onConflictDoUpdate({ target: billableItems.id, set: updateFromExcluded(billableItems) });
    if (catalog.prices.length) {
      await tx
        .insert(prices)
        .values(
          catalog.prices.map((p) => ({
            id: p.id,
            billableItemId: p.itemId,
            regionGroupId: p.regionGroupId,
            spec: p.spec,
            billingMethod: p.billingMethod,
            currency: p.currency,
            unitPrice: p.unitPrice.toFixed(),
            priceUnit: p.priceUnit,
            tiers: p.tiers?.map((t) => ({ upTo: t.upTo?.toFixed() ?? null, unitPrice: t.unitPrice.toFixed() })) ?? null,
            isDefault: p.isDefault,
            note: p.note,
            effectiveFrom: p.effectiveFrom,
            effectiveTo: p.effectiveTo,
          })),
        )
        .onConflictDoUpdate({ target: prices.id, set: updateFromExcluded(prices) });
    }
    const ids = catalog.prices.map((p) => p.id);
    const removed = await tx
      .delete(prices)
      .where(ids.length ? notInArray(prices.id, ids) : undefined)
      .returning({ id: prices.id });
    return {
      products: catalog.products.length,
      regionGroups: catalog.regionGroups.length,
      regions: catalog.regions.length,
      billableItems: catalog.items.length,
      prices: catalog.prices.length,
      pricesRemoved: removed.length,
    };
  });
}

// ── Pure lookups for rating ──────────────────────────────────────────────────

export interface PriceQuery {
  itemId: string;
  regionId: string;
  spec?: string | null;
  billingMethod: BillingMethod;
  currency: Currency;
  at: Date;
}

export class PriceNotFoundError extends AppError {
  constructor(
    readonly query: PriceQuery,
    reason: string,
  ) {
    const spec = query.spec ? ` spec ${query.spec},` : "";
    super(
      `No ${query.currency} ${query.billingMethod} price for ${query.itemId} (${spec} region ${query.regionId}) at ${query.at.toISOString()}: ${reason}`,
      422,
      "price_not_found",
      { ...query, at: query.at.toISOString() },
    );
  }
}

// Lookups run once per rated line: index each catalog once, by identity.
interface Index {
  items: Map<string, CatalogItem>;
  products: Map<string, CatalogProduct>;
  regions: Map<string, Catalog["regions"][number]>;
  groups: Map<string, Catalog["regionGroups"][number]>;
  pricesByItem: Map<string, CatalogPrice[]>;
}
const indexes = new WeakMap<Catalog, Index>();
function indexOf(catalog: Catalog): Index {
  let idx = indexes.get(catalog);
  if (!idx) {
    const pricesByItem = new Map<string, CatalogPrice[]>();
    for (const p of catalog.prices) pricesByItem.set(p.itemId, [...(pricesByItem.get(p.itemId) ?? []), p]);
    idx = {
      items: new Map(catalog.items.map((i) => [i.id, i])),
      products: new Map(catalog.products.map((p) => [p.id, p])),
      regions: new Map(catalog.regions.map((r) => [r.id, r])),
      groups: new Map(catalog.regionGroups.map((g) => [g.id, g])),
      pricesByItem,
    };
    indexes.set(catalog, idx);
  }
  return idx;
}

/** The region group of a region under a scheme ("phone", "cr"), or null. */
export function regionGroupOf(catalog: Catalog, regionId: string, scheme: string): string | null {
  const idx = indexOf(catalog);
  return idx.regions.get(regionId)?.groups.find((g) => idx.groups.get(g)?.scheme === scheme) ?? null;
}

export function findProduct(catalog: Catalog, productId: string): CatalogProduct | undefined {
  return indexOf(catalog).products.get(productId);
}

export function findItem(catalog: Catalog, itemId: string): CatalogItem | undefined {
  return indexOf(catalog).items.get(itemId);
}

/** The price in force at `at` (effectiveFrom ≤ at < effectiveTo), or PriceNotFoundError. */
export function findPrice(catalog: Catalog, query: PriceQuery): CatalogPrice {
  const idx = indexOf(catalog);
  const item = idx.items.get(query.itemId);
  if (!item) throw new PriceNotFoundError(query, "unknown billable item");
  const product = idx.products.get(item.productId)!;
  let group: string | null = null;
  if (product.regionScheme) {
    group = regionGroupOf(catalog, query.regionId, product.regionScheme);
    if (!group) throw new PriceNotFoundError(query, `region has no "${product.regionScheme}" region group`);
  }
  // Products without specs are priced alike for every spec an instance may carry.
  const spec = product.specs.length ? (query.spec ?? null) : null;
  if (product.specs.length && !product.specs.some((s) => s.id === spec))
    throw new PriceNotFoundError(query, `${product.id} has no spec ${JSON.stringify(spec)}`);
  const t = query.at.getTime();
  const price = (idx.pricesByItem.get(item.id) ?? []).find(
    (p) =>
      p.billingMethod === query.billingMethod &&
      p.currency === query.currency &&
      p.regionGroupId === group &&
      p.spec === spec &&
      p.effectiveFrom.getTime() <= t &&
      (p.effectiveTo === null || t < p.effectiveTo.getTime()),
  );
  if (!price) throw new PriceNotFoundError(query, "no price in force at that instant");
  return price;
}

/** The item a subscription order of the product bills (catalog attribute subscriptionItem). */
export function subscriptionItemOf(catalog: Catalog, productId: string): string {
  const product = findProduct(catalog, productId);
  return `${productId}.${product?.attributes.subscriptionItem ?? "instance"}`;
}

/** The product's free-trial spec (spec metadata `trial: true`), or null. */
export function trialSpecOf(catalog: Catalog, productId: string): string | null {
  return findProduct(catalog, productId)?.specs.find((s) => s.metadata.trial === true)?.id ?? null;
}

export function isTrialSpec(catalog: Catalog, productId: string, spec: string | null): boolean {
  return spec !== null && trialSpecOf(catalog, productId) === spec;
}

/** Fraction off a subscription of `months` (docs/billing-rules.md#subscriptions); 0 when none applies. */
export function termDiscountOf(catalog: Catalog, productId: string, months: number): D {
  const own = findProduct(catalog, productId)?.termDiscounts;
  return (own ?? catalog.termDiscounts)[String(months)] ?? new D(0);
}
