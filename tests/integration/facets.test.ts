// The filter pickers' choices come from the catalog in one read, each list in
// the order the pickers show it.
import { asc } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { billableItems, products, regions } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import type { Caller } from "@/lib/data/caller";
import { filterChoices } from "@/lib/data/views/facets";
import { useTestDatabase } from "./db";

describe("filterChoices", () => {
  const t = useTestDatabase();
  beforeAll(async () => {
    await loadCatalog(t.handle().db, await readCatalogFile());
  });

  it("lists every product, region and billable item of the catalog, in the pickers' order", async () => {
    const db = t.handle().db;
    const caller: Caller = { kind: "user", accountId: "acct-facets", userId: "u1", role: "viewer", email: "v@x.test", name: "V" };
    const choices = await filterChoices(caller);
    expect(choices.products).toEqual(await db.select({ id: products.id, name: products.name }).from(products).orderBy(asc(products.name)));
    expect(choices.regions).toEqual(await db.select({ id: regions.id, name: regions.name }).from(regions).orderBy(asc(regions.name)));
    expect(choices.items).toEqual(
      await db
        .select({ id: billableItems.id, name: billableItems.name, productId: billableItems.productId, unit: billableItems.usageUnit })
        .from(billableItems)
        .orderBy(asc(billableItems.productId), asc(billableItems.name)),
    );
    expect(choices.products.length).toBeGreaterThan(3);
    expect(choices.items.length).toBeGreaterThan(choices.products.length);
  });
});
