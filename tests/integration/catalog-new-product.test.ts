// A product that exists nowhere in the code — a load balancer with an hourly
// instance item and tiered traffic — is added to the catalog file only, then
// rated, settled, quoted and ordered through the real jobs and data layer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { and, asc, eq, sql } from "drizzle-orm";
import { billableItems, billLines, instances, ledgerEntries, orders, products } from "@/db/schema";
import { insertUsageRows } from "@/db/seed/insert-usage";
import { DEFAULT_CATALOG_PATH, loadCatalog, parseCatalog, priceIdOf, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { lifecycleOptions, quoteLifecycle, runLifecycleAction } from "@/lib/data/lifecycle";
import { createAccount } from "@/lib/data/operator";
import { dec } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

const LB = "edge-load-balancer";
const NOW = new Date("2026-11-10T09:00:00Z");
const FROM = "2020-01-01T00:00:00Z";

function price(item: string, spec: string, billingMethod: "payg" | "subscription", unitPrice: string, priceUnit: string, tiers?: { upTo: string | null; unitPrice: string }[]) {
  const p = { itemId: `${LB}.${item}`, regionGroupId: null, spec, billingMethod, currency: "USD", effectiveFrom: FROM };
  return { id: priceIdOf(p), itemId: p.itemId, spec, billingMethod, currency: "USD", unitPrice, priceUnit, ...(tiers ? { tiers } : {}), isDefault: true, note: "Test figure.", effectiveFrom: FROM, effectiveTo: null };
}

/** The checked-in catalog plus one product, as an operator would add it. */
async function catalogWithLoadBalancer() {
  const json = JSON.parse(await readFile(DEFAULT_CATALOG_PATH, "utf8"));
  const traffic = [{ upTo: "10", unitPrice: "0" }, { upTo: "100", unitPrice: "0.08" }, { upTo: null, unitPrice: "0.05" }];
  json.products.push({
    id: LB,
    name: "Edge Load Balancer",
    category: "Networking",
    serviceCategory: "Networking",
    serviceSubcategory: "Network Connectivity",
    billingMethods: ["payg", "subscription"],
    overduePolicy: "default",
    regionScheme: null,
    description: "Test product: hourly instances and tiered traffic.",
    attributes: { subscriptionItem: "instance", specChanges: true },
    specs: [
      { id: "small", name: "Small", metadata: {} },
      { id: "large", name: "Large", metadata: {} },
    ],
    items: [
      { code: "instance", name: "Instance", rule: "hourly", usageUnit: "hour" },
      { code: "traffic", name: "Traffic", rule: "egress-tiered", usageUnit: "GB" },
    ],
  });
  json.prices.push(
    price("instance", "small", "payg", "0.025", "USD/hour"),
    price("instance", "large", "payg", "0.05", "USD/hour"),
    price("instance", "small", "subscription", "15", "USD/month"),
    price("instance", "large", "subscription", "30", "USD/month"),
    price("traffic", "small", "payg", "0.08", "USD/GB", traffic),
    price("traffic", "large", "payg", "0.08", "USD/GB", traffic),
  );
  return parseCatalog(json);
}

describe("a product added by the catalog alone", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;

  beforeAll(async () => {
    await loadCatalog(db(), await catalogWithLoadBalancer());
    setSystemClock(fixedClock(NOW));
  });
  afterAll(async () => {
    setSystemClock(realClock);
    // A shared PostgreSQL server keeps the catalog for the next files: put the checked-in one back.
    await db().delete(instances).where(eq(instances.productId, LB));
    await loadCatalog(db(), await readCatalogFile());
    await db().delete(billableItems).where(eq(billableItems.productId, LB));
    await db().delete(products).where(eq(products.id, LB));
  });

  it("is rated by its items' rules, settled, quoted, switched and changed in spec", async () => {
    const a = uniq("lb").toLowerCase().slice(0, 40);
    await createAccount(OPERATOR, { id: a, name: a, timeZone: "UTC" });
    await db().insert(ledgerEntries).values({ accountId: a, id: `led_${a}`, entryType: "top_up", amount: "100", currency: "USD", at: new Date("2026-11-01T00:00:00Z") });
    const created = new Date("2026-11-01T00:00:00Z");
    await db().insert(instances).values({
      accountId: a, id: "lb-1", productId: LB, name: "lb-1", spec: "small", regionId: "eu-central-1", instanceCount: 1,
      billingMethod: "payg", createdAt: created, billingAnchorAt: created, statusSince: created, status: "active",
    });
    const row = (id: string, item: string, quantity: string, start: string, attributes: Record<string, string> = {}) => ({
      accountId: a, id, instanceId: "lb-1", itemId: `${LB}.${item}`, quantity, attributes, startAt: new Date(start), endAt: new Date(start),
    });
    await insertUsageRows(db(), [
      row("h1", "instance", "24", "2026-11-02T00:00:00Z"),
      row("t1", "traffic", "60", "2026-11-02T10:00:00Z", { network: "internet" }),
      row("t2", "traffic", "100", "2026-11-03T10:00:00Z", { network: "internet" }),
    ]);

    await runJobs(db(), { now: NOW, accountIds: [a] });
    const lines = await db().select().from(billLines).where(eq(billLines.accountId, a)).orderBy(asc(billLines.id));
    const show = lines.map((l) => [l.billableItemId, l.billDate, l.usageQuantity, l.pretaxAmount, l.settledAt !== null]);
    // 24 h × 0.025 = 0.60. Traffic tiers per cycle: 60 GB → 50 × 0.08 = 4.00; 160 GB → 90 × 0.08 + 60 × 0.05 = 10.20, so 6.20 on the 3rd.
    expect(show).toEqual([
      [`${LB}.instance`, "2026-11-02", "24.000000", "0.600000", true],
      [`${LB}.traffic`, "2026-11-02", "60.000000", "4.000000", true],
      [`${LB}.traffic`, "2026-11-03", "100.000000", "6.200000", true],
    ]);
    expect(lines.every((l) => l.billId === `bill-2026-11-${LB}-payg`)).toBe(true);
    const balance = async () => {
      const [r] = await db().select({ s: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)::text` }).from(ledgerEntries).where(eq(ledgerEntries.accountId, a));
      return dec(r.s).toFixed(2);
    };
    expect(await balance()).toBe("89.20");

    // Quote and switch to a 1-month subscription: the catalog's subscription item prices it.
    const input = { action: "switch", months: 1, billingMethod: "subscription" };
    const quote = await quoteLifecycle(OPERATOR, "lb-1", input, a);
    expect(quote).toMatchObject({ payableAmount: "15.00", paygFinalCharge: null });
    await runLifecycleAction(OPERATOR, "lb-1", input, "lb-switch-1", a);
    const [order] = await db().select().from(orders).where(eq(orders.accountId, a));
    expect(order).toMatchObject({ productId: LB, status: "paid", payableAmount: "15.000000" });
    const [orderLine] = await db().select().from(billLines).where(and(eq(billLines.accountId, a), eq(billLines.id, `order|${order.id}`)));
    expect(orderLine).toMatchObject({ billableItemId: `${LB}.instance`, pretaxAmount: "15.000000", paidFromBalance: "15.000000" });
    expect(await balance()).toBe("74.20");

    // The catalog allows spec changes: an upgrade to large is quoted over the remaining term.
    expect(await lifecycleOptions(OPERATOR, "lb-1", a)).toMatchObject({ canSwitch: true, canChangeSpec: true });
    const upgrade = await quoteLifecycle(OPERATOR, "lb-1", { action: "change-spec", spec: "large" }, a);
    expect(upgrade).toMatchObject({ orderType: "upgrade", payableAmount: "15.00" });
  });
});
