// The database unites each layer's stored intervals (range_agg) before the
// storage rule sees them; the rule's pure uniteLayers is the reference. Random
// layer samples — overlapping, touching, zero-length, open past the rating
// instant, clipped at it, with sub-millisecond edges and differing sizes per
// digest — must give the same stretches and the same storage lines either way.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { asc, eq, sql } from "drizzle-orm";
import { accounts, billLines, instances } from "@/db/schema";
import { loadCatalog, readCatalogFile, type Catalog } from "@/lib/billing/catalog";
import { rateAccount, selectRows } from "@/lib/billing/engine";
import { fromUnitedLayers, rateStorage, uniteLayers, type LayerInterval, type United } from "@/lib/billing/rules/storage-gb-month";
import { usageContentHash } from "@/lib/billing/usage";
import { storeUsage } from "@/lib/billing/usage-store";
import { dec } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

const ITEM = "registry-storage.storage";
const PRICE = dec("0.02"); // the catalog's USD price per GB-month
const HOUR = 3600_000;
const MiB = 1024 ** 2;
const T0 = Date.parse("2026-05-30T00:00:00Z");

interface Sample {
  digest: string;
  bytes: number | string | null;
  /** Milliseconds since T0 and the microseconds below them. */
  startMs: number;
  startUs: number;
  lenMs: number;
  endUs: number;
}

/** An instant with microseconds, as PostgreSQL reads it. */
const micro = (ms: number, us: number) => `${new Date(T0 + ms).toISOString().slice(0, 23)}${String(us).padStart(3, "0")}Z`;

// Hour-grid edges make overlaps and touching spans common; a few odd milliseconds and microseconds keep the edges honest.
const sample = fc
  .record({
    digest: fc.constantFrom("sha256:a", "sha256:b", "sha256:c"),
    bytes: fc.constantFrom<number | string | null>(0, 1, MiB, MiB + 1, "7516192773", 3 * MiB, null),
    startH: fc.integer({ min: 0, max: 72 }),
    lenH: fc.integer({ min: 0, max: 30 }),
    startJitter: fc.constantFrom(0, 0, 0, 1, 999),
    lenJitter: fc.constantFrom(0, 0, 0, 1, -1),
    startUs: fc.constantFrom(0, 0, 0, 1, 500, 999),
    endUs: fc.constantFrom(0, 0, 0, 1, 500, 999),
  })
  .map(({ digest, bytes, startH, lenH, startJitter, lenJitter, startUs, endUs }): Sample => {
    const lenMs = Math.max(0, lenH * HOUR + lenJitter);
    // A zero-length sample has equal edges, microseconds included.
    return { digest, bytes, startMs: startH * HOUR + startJitter, startUs, lenMs, endUs: lenMs === 0 ? startUs : endUs };
  });
const samples = fc.array(sample, { minLength: 1, maxLength: 14 });
// The rating instant: on the hour grid, anywhere, or exactly at a sample's edge (where clipping and "open" are decided).
const withUntil = samples.chain((xs) =>
  fc.tuple(
    fc.constant(xs),
    fc.oneof(
      fc.integer({ min: 0, max: 100 }).map((h) => h * HOUR),
      fc.integer({ min: 0, max: 100 * HOUR }),
      fc.constantFrom(...xs.flatMap((x) => [x.startMs, x.startMs + x.lenMs])),
    ),
  ),
);
const zone = fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York");

/** The samples as the rule's reference reads them: what the engine selects (start ≤ until), instants cut to milliseconds. */
function reference(xs: Sample[], untilMs: number): LayerInterval[] {
  return xs
    .filter((x) => x.startMs < untilMs || (x.startMs === untilMs && x.startUs === 0))
    .map((x) => ({ digest: x.digest, bytes: x.bytes === null ? "0" : String(x.bytes), from: new Date(T0 + x.startMs), to: new Date(T0 + x.startMs + x.lenMs) }));
}

const key = (u: United) => `${u.start}|${u.end}|${u.mb.toFixed()}|${u.open}`;

describe("storage stretches united in SQL", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  let catalog: Catalog;

  beforeAll(async () => {
    catalog = await readCatalogFile();
    await loadCatalog(db(), catalog);
  });

  async function account(tz: string, xs: Sample[]) {
    const id = uniq("stretch");
    await db().insert(accounts).values({ id, name: id, currency: "USD", timeZone: tz });
    const createdAt = new Date(T0 - 24 * HOUR);
    await db().insert(instances).values({
      accountId: id, id: "reg", productId: "registry-storage", name: "reg", spec: null, regionId: "eu-central-1", instanceCount: 1,
      billingMethod: "payg", createdAt, billingAnchorAt: createdAt, statusSince: createdAt, releasedAt: null, status: "active",
    });
    // Written as text with microseconds, which the API never sends but the column keeps.
    const rows = xs.map((x, i) => {
      const attributes = x.bytes === null ? { layerDigest: x.digest } : { layerDigest: x.digest, bytes: x.bytes };
      const hash = usageContentHash({ instanceId: "reg", itemId: ITEM, quantity: "1", startAt: new Date(T0 + x.startMs), endAt: new Date(T0 + x.startMs + x.lenMs), attributes });
      return sql`(${`s${i}`}, 'reg', ${ITEM}, 1::numeric, ${micro(x.startMs, x.startUs)}::timestamptz, ${micro(x.startMs + x.lenMs, x.endUs)}::timestamptz, ${JSON.stringify(attributes)}::jsonb, ${hash})`;
    });
    await storeUsage(db(), id, tz, sql`select * from (values ${sql.join(rows, sql`, `)}) v`);
    const [acct] = await db().select().from(accounts).where(eq(accounts.id, id));
    return acct;
  }

  it("the database's stretches are uniteLayers' on the same samples, and the storage lines match the reference", async () => {
    await fc.assert(
      fc.asyncProperty(withUntil, zone, async ([xs, untilMs], tz) => {
        const acct = await account(tz, xs);
        const now = new Date(T0 + untilMs);
        const ref = reference(xs, untilMs);

        const rows = await db().transaction((tx) => selectRows(tx, acct, now));
        const got = fromUnitedLayers(rows["usage-layers"].get(ITEM) ?? [], now).map(key).sort();
        expect(got).toEqual(uniteLayers(ref, now).map(key).sort());

        await db().transaction((tx) => rateAccount(tx, acct, catalog, now));
        const lines = await db()
          .select({ day: billLines.billDate, quantity: billLines.usageQuantity, amount: billLines.pretaxAmount })
          .from(billLines)
          .where(eq(billLines.accountId, acct.id))
          .orderBy(asc(billLines.billDate));
        const expected = rateStorage({ intervals: ref, pricePerGbMonth: PRICE, until: now, tz });
        expect(lines.map((l) => [l.day, dec(l.quantity).toFixed(6), dec(l.amount).toFixed(2)])).toEqual(
          expected.map((l) => [l.day, l.quantityGbMonth.toFixed(6), l.amount.toFixed(2)]),
        );
      }),
      { numRuns: 40 },
    );
  });

  it("a layer stored again from the rating instant on does not make the stretch ending there open", async () => {
    // 0:00 → 1:30 closed, and the same layer again from 1:30 (the rating instant) on: one closed stretch, rounded up to 2 h.
    const now = new Date(T0 + 1.5 * HOUR);
    const xs: Sample[] = [
      { digest: "sha256:a", bytes: 1024 * MiB, startMs: 0, startUs: 0, lenMs: 1.5 * HOUR, endUs: 0 },
      { digest: "sha256:a", bytes: 1024 * MiB, startMs: 1.5 * HOUR, startUs: 0, lenMs: 5 * HOUR, endUs: 0 },
    ];
    const acct = await account("UTC", xs);
    const rows = await db().transaction((tx) => selectRows(tx, acct, now));
    expect(fromUnitedLayers(rows["usage-layers"].get(ITEM) ?? [], now).map(key)).toEqual([`${T0}|${T0 + 1.5 * HOUR}|1024|false`]);
    expect(uniteLayers(reference(xs, 1.5 * HOUR), now).map(key)).toEqual([`${T0}|${T0 + 1.5 * HOUR}|1024|false`]);
  });

  it("a malformed size or a sample that ends before it starts is still rejected", async () => {
    const base: Sample = { digest: "sha256:a", bytes: 1, startMs: 0, startUs: 0, lenMs: HOUR, endUs: 0 };
    const now = new Date(T0 + 10 * HOUR);
    const bad = await account("UTC", [base, { ...base, bytes: "12.5" }, { ...base, bytes: 5 }]);
    await expect(db().transaction((tx) => rateAccount(tx, bad, catalog, now))).rejects.toThrow("layer sha256:a: bytes must be a whole number ≥ 0");
    // A negative size beside a larger, valid one (the largest is what the rule bills).
    const negative = await account("UTC", [{ ...base, bytes: 5 }, { ...base, bytes: "-1" }]);
    await expect(db().transaction((tx) => rateAccount(tx, negative, catalog, now))).rejects.toThrow("layer sha256:a: bytes must be a whole number ≥ 0");
    // Backwards, and on a digest whose only sample holds no time before `until`: still checked.
    const back = await account("UTC", [{ ...base, digest: "sha256:b", bytes: 1, startMs: 2 * HOUR, lenMs: -HOUR }]);
    await expect(db().transaction((tx) => rateAccount(tx, back, catalog, now))).rejects.toThrow("layer sha256:b: 'to' is before 'from'");
  });
});
