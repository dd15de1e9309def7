// The engine reads scans summed per (instance, instant); the per-scan rule's
// pure rateScans over every record is the reference. Random scans — several
// records per instant, counts of 1–3, two instances, both sides of the day the
// scanner became paid, in zones where that day straddles the price change —
// must give the reference's lines.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { asc, eq } from "drizzle-orm";
import { accounts, billLines, instances } from "@/db/schema";
import { insertUsageRows } from "@/db/seed/insert-usage";
import { findItem, findPrice, loadCatalog, readCatalogFile, type Catalog } from "@/lib/billing/catalog";
import { rateAccount } from "@/lib/billing/engine";
import { rateScans } from "@/lib/billing/rules/per-scan";
import { dec } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

const ITEM = "registry-storage.scanner";
const REGION = "eu-central-1";
const T0 = Date.parse("2023-04-23T00:00:00Z");
const MIN = 60_000;

const scan = fc.record({
  inst: fc.constantFrom("reg-a", "reg-b"),
  // A few dozen instants over three days (many records share one), some off the minute.
  minute: fc.integer({ min: 0, max: 72 }).map((h) => h * 60),
  offsetMs: fc.constantFrom(0, 0, 0, 1, 30 * MIN + 7),
  count: fc.integer({ min: 1, max: 3 }),
});
const scans = fc.array(scan, { minLength: 1, maxLength: 40 });
const zone = fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York");

describe("scans summed per instant", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  let catalog: Catalog;

  beforeAll(async () => {
    catalog = await readCatalogFile();
    await loadCatalog(db(), catalog);
  });

  it("the engine's scanner lines equal rateScans over every record", async () => {
    const item = findItem(catalog, ITEM)!;
    const now = new Date(T0 + 4 * 24 * 60 * MIN);
    await fc.assert(
      fc.asyncProperty(scans, zone, async (xs, tz) => {
        const id = uniq("scans");
        await db().insert(accounts).values({ id, name: id, currency: "USD", timeZone: tz });
        const createdAt = new Date(T0 - 24 * 60 * MIN);
        for (const inst of ["reg-a", "reg-b"]) {
          await db().insert(instances).values({
            accountId: id, id: inst, productId: "registry-storage", name: inst, spec: null, regionId: REGION, instanceCount: 1,
            billingMethod: "payg", createdAt, billingAnchorAt: createdAt, statusSince: createdAt, releasedAt: null, status: "active",
          });
        }
        const records = xs.map((x, i) => ({ id: `scan-${i}`, instanceId: x.inst, at: new Date(T0 + x.minute * MIN + x.offsetMs), count: x.count }));
        await insertUsageRows(
          db(),
          records.map((r) => ({ accountId: id, id: r.id, instanceId: r.instanceId, itemId: ITEM, quantity: String(r.count), attributes: null, startAt: r.at, endAt: r.at })),
        );
        const [acct] = await db().select().from(accounts).where(eq(accounts.id, id));
        await db().transaction((tx) => rateAccount(tx, acct, catalog, now));
        const got = await db()
          .select({ inst: billLines.instanceId, day: billLines.billDate, quantity: billLines.usageQuantity, unitPrice: billLines.unitPrice, amount: billLines.pretaxAmount, priceId: billLines.priceId })
          .from(billLines)
          .where(eq(billLines.accountId, id))
          .orderBy(asc(billLines.billDate), asc(billLines.instanceId));

        const priceAt = (at: Date) => findPrice(catalog, { itemId: ITEM, regionId: REGION, spec: null, billingMethod: "payg", currency: "USD", at });
        const expected = rateScans({ scans: records, priceAt: (at) => priceAt(at).unitPrice, freeUntil: item.freeUntil ?? null, tz }).map((l) => {
          const first = records.filter((r) => r.instanceId === l.instanceId && l.day === new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(r.at)).sort((a, b) => a.at.getTime() - b.at.getTime())[0];
          return {
            inst: l.instanceId,
            day: l.day,
            quantity: dec(l.scans).toFixed(6),
            unitPrice: (l.unitPrice ?? l.amount.div(l.scans)).toFixed(6),
            amount: l.amount.toFixed(6),
            priceId: l.unitPrice ? priceAt(first.at).id : null,
          };
        });
        expect(got).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});
