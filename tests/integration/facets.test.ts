// The filter pickers' choices come from the catalog in one read, each list in
// the order the pickers show it.
import { asc } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accounts, billableItems, instances, products, regions } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import type { Caller } from "@/lib/data/caller";
import { filterChoices } from "@/lib/data/views/facets";
import { INSTANCE_CHOICES, instanceChoices } from "@/lib/data/instances";
import { uniq, useTestDatabase } from "./db";

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

  it("lists an account's instances by name for the picker, and says when there are too many to list", async () => {
    const db = t.handle().db;
    const small = uniq("acct-few");
    const big = uniq("acct-many");
    const at = new Date("2026-01-01T00:00:00Z");
    await db.insert(accounts).values([small, big].map((id) => ({ id, name: id, currency: "USD" as const })));
    const instance = (accountId: string, i: number, name: string) => ({
      accountId, id: `i-${String(i).padStart(4, "0")}`, productId: "cloud-phone", name, spec: "acp.std.small", regionId: "cn-hangzhou",
      billingMethod: "payg" as const, createdAt: at, billingAnchorAt: at, statusSince: at,
    });
    await db.insert(instances).values([instance(small, 1, "zeta"), instance(small, 2, "alpha"), instance(small, 3, "alpha")]);
    const few = await instanceChoices({ kind: "user", accountId: small, userId: "u", role: "viewer", email: "v@x.test", name: "V" });
    expect(few).toEqual({ complete: true, options: [{ id: "i-0002", name: "alpha" }, { id: "i-0003", name: "alpha" }, { id: "i-0001", name: "zeta" }] });

    await db.insert(instances).values(Array.from({ length: INSTANCE_CHOICES + 1 }, (_, i) => instance(big, i, `n-${String(i).padStart(4, "0")}`)));
    const many = await instanceChoices({ kind: "user", accountId: big, userId: "u", role: "viewer", email: "v@x.test", name: "V" });
    expect(many.complete).toBe(false);
    expect(many.options).toHaveLength(INSTANCE_CHOICES);
    expect(many.options[0]).toEqual({ id: "i-0000", name: "n-0000" });
  });
});
