import "server-only";
// Choices for the filter pickers: from the (small, global) catalog, never a
// DISTINCT over millions of bill lines.
import { asc } from "drizzle-orm";
import { getDb } from "@/db/client";
import { billableItems, products, regions } from "@/db/schema";
import type { Caller } from "../caller";
import { tenantOf } from "../caller";

export async function filterChoices(caller: Caller) {
  tenantOf(caller); // any signed-in caller; the catalog is not tenant data
  const db = await getDb();
  const [p, r, i] = await Promise.all([
    db.select({ id: products.id, name: products.name }).from(products).orderBy(asc(products.name)),
    db.select({ id: regions.id, name: regions.name }).from(regions).orderBy(asc(regions.name)),
    db
      .select({ id: billableItems.id, name: billableItems.name, productId: billableItems.productId, unit: billableItems.usageUnit })
      .from(billableItems)
      .orderBy(asc(billableItems.productId), asc(billableItems.name)),
  ]);
  return { products: p, regions: r, items: i };
}
