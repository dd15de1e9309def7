// The usage rollups behind the Usage Records tab: whatever the insert path
// (the writer in several statements, re-sent ids, a rolled-back batch, a rebuild), usage_hourly and
// usage_daily hold exactly the sums of the stored records, and the tab read
// from them equals an aggregation of the raw records in the account's zone —
// across a DST change, and in a half-hour zone (which reads the raw records).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "@/db/client";
import { usageRecords } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { addStoredUsageToRollups, rebuildUsageRollups, storeUsage } from "@/lib/billing/usage-store";
import { dayOf } from "@/lib/billing/cycle";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { listUsage } from "@/lib/data/views/usage";
import { dec, sum } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

type Rec = typeof usageRecords.$inferInsert;
const ITEMS = ["oss.storage", "oss.traffic.internet", "cloud-phone.instance"];
const INSTANCES = ["i-a", "i-b", "i-c"];
// Europe/Berlin leaves summer time on 2026-10-25 (that day has 25 hours).
const MONTH_START = Date.parse("2026-09-30T22:00:00Z");

function record(accountId: string, n: number, minute: number, instance: number, item: number, quantity: string): Rec {
  const start = new Date(MONTH_START + minute * 60_000);
  return { accountId, id: `r-${n}`, instanceId: INSTANCES[instance], itemId: ITEMS[item], quantity, startAt: start,
    endAt: new Date(start.getTime() + 60_000), contentHash: `h-${n}` };
}

describe("usage rollups", () => {
  const t = useTestDatabase();
  const viewer = (accountId: string): Caller => ({ kind: "user", accountId, userId: "u", role: "viewer", email: "v@x.test", name: "V" });
  afterAll(() => setSystemClock(realClock));

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-11-10T00:00:00Z"));
    await loadCatalog(t.handle().db, await readCatalogFile());
  });

  /** One batch through the writer that keeps the rollups. */
  function store(db: DbOrTx, timeZone: string, rows: Rec[]) {
    const values = sql.join(
      rows.map((r) => sql`(${r.id}, ${r.instanceId}, ${r.itemId}, ${r.quantity}::numeric, ${(r.startAt as Date).toISOString()}::timestamptz,
        ${(r.endAt as Date).toISOString()}::timestamptz, null::jsonb, ${r.contentHash})`),
      sql`, `,
    );
    return storeUsage(db, rows[0].accountId, timeZone, sql`select * from (values ${values}) v`);
  }

  async function insert(records: Rec[], timeZone: string) {
    // A few statements, as batches arrive; re-sent ids are skipped, not counted.
    for (let i = 0; i < records.length; i += 7) await store(t.handle().db, timeZone, records.slice(i, i + 7));
  }

  /** The rollups against sums computed here from the stored records. */
  async function expectRollupsExact(accountId: string, timeZone: string) {
    const db = t.handle().db;
    const stored = await query<{ instanceId: string; itemId: string; quantity: string; startAt: string }>(db,
      sql`select instance_id as "instanceId", item_id as "itemId", quantity::text as quantity, start_at::text as "startAt" from usage_records where account_id = ${accountId}`);
    const want = { hourly: new Map<string, string[]>(), daily: new Map<string, string[]>() };
    for (const r of stored) {
      const at = new Date(r.startAt);
      const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000).toISOString();
      for (const [map, key] of [[want.hourly, `${hour}|${r.instanceId}|${r.itemId}`], [want.daily, `${dayOf(at, timeZone)}|${r.instanceId}|${r.itemId}`]] as const)
        map.set(key, [...(map.get(key) ?? []), r.quantity]);
    }
    const totals = (m: Map<string, string[]>) => new Map([...m].map(([k, q]) => [k, `${sum(q).toFixed(6)}×${q.length}`]));
    const hourly = await query<{ k: string; q: string; n: string }>(db,
      sql`select to_char(hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24:00:00.000"Z"') || '|' || instance_id || '|' || item_id as k, quantity::text as q, records::text as n
          from usage_hourly where account_id = ${accountId}`);
    const daily = await query<{ k: string; q: string; n: string }>(db,
      sql`select day::text || '|' || instance_id || '|' || item_id as k, quantity::text as q, records::text as n from usage_daily where account_id = ${accountId}`);
    const got = (rows: { k: string; q: string; n: string }[]) => new Map(rows.map((r) => [r.k, `${dec(r.q).toFixed(6)}×${r.n}`]));
    expect(got(hourly)).toEqual(totals(want.hourly));
    expect(got(daily)).toEqual(totals(want.daily));
    return stored;
  }

  /** Every page of the tab, as bucket|instance|item → quantity. */
  async function tab(accountId: string, unit: string, extra: Record<string, string> = {}) {
    const out = new Map<string, string>();
    let total = 0;
    for (let page = 1; ; page++) {
      const r = await listUsage(viewer(accountId), { billingCycle: "2026-10", unit, limit: "13", page: String(page), ...extra });
      total = r.totalCount;
      for (const row of r.data) {
        const key = `${row.bucket}|${row.instanceId}|${row.itemId}`;
        out.set(key, out.has(key) ? sum([out.get(key)!, row.quantity]).toFixed() : row.quantity);
      }
      if (r.data.length < 13) break;
    }
    return { rows: out, total };
  }

  it("keeps exact sums through batches, re-sent ids and a rolled-back statement, and the tab reads them", async () => {
    const A = uniq("rollup-berlin");
    await createAccount(OPERATOR, { id: A, name: "Berlin", timeZone: "Europe/Berlin" });
    const recs: Rec[] = [];
    // Every 50 minutes through October (local), three instances and items in turn, around the DST change too.
    for (let n = 0, m = 0; m < 31 * 24 * 60 + 60; n++, m += 50) recs.push(record(A, n, m, n % 3, (n >> 1) % 3, `${(n % 17) + 0.25}`));
    await insert(recs, "Europe/Berlin");
    await insert(recs.slice(0, 40), "Europe/Berlin"); // re-sent: nothing more
    await expect(
      t.handle().db.transaction(async (tx) => {
        await store(tx, "Europe/Berlin", [record(A, 99_999, 600, 0, 0, "1000")]);
        throw new Error("batch refused");
      }),
    ).rejects.toThrow("batch refused");
    const stored = await expectRollupsExact(A, "Europe/Berlin");
    expect(stored).toHaveLength(recs.length);

    const byDay = await tab(A, "day");
    const byHour = await tab(A, "hour");
    const byMonth = await tab(A, "month");
    const octoberTotal = sum(recs.filter((r) => dayOf(r.startAt as Date, "Europe/Berlin").startsWith("2026-10")).map((r) => r.quantity as string));
    for (const view of [byDay, byHour, byMonth]) {
      expect(view.rows.size).toBe(view.total);
      expect(sum([...view.rows.values()]).toFixed(6)).toBe(octoberTotal.toFixed(6));
    }
    expect([...byMonth.rows.keys()].every((k) => k.startsWith("2026-10|"))).toBe(true);
    // 2026-10-25 has 25 local hours: the hours of that day add up to the day.
    const hoursOf = (day: string) => sum([...byHour.rows].filter(([k]) => k.startsWith(`${day} `)).map(([, q]) => q));
    const dayOf25 = sum([...byDay.rows].filter(([k]) => k.startsWith("2026-10-25|")).map(([, q]) => q));
    expect(hoursOf("2026-10-25").toFixed(6)).toBe(dayOf25.toFixed(6));
    const oneDay = await tab(A, "hour", { from: "2026-10-25", to: "2026-10-25", itemId: ITEMS[0] });
    const want = recs.filter((r) => dayOf(r.startAt as Date, "Europe/Berlin") === "2026-10-25" && r.itemId === ITEMS[0]);
    expect(sum([...oneDay.rows.values()]).toFixed(6)).toBe(sum(want.map((r) => r.quantity as string)).toFixed(6));
    const oss = await tab(A, "day", { productId: "oss" });
    expect([...oss.rows.keys()].every((k) => k.endsWith("|oss.storage") || k.endsWith("|oss.traffic.internet"))).toBe(true);
  });

  it("keeps the same sums when the caller stored the records itself and passes their values (the API's and the import's COPY path)", async () => {
    const A = uniq("rollup-values");
    await createAccount(OPERATOR, { id: A, name: "Values", timeZone: "Europe/Berlin" });
    const recs: Rec[] = [];
    for (let n = 0, m = 0; m < 31 * 24 * 60 + 60; n++, m += 130) recs.push(record(A, n, m, n % 3, (n >> 1) % 3, `${(n % 13) + 0.125}`));
    for (let i = 0; i < recs.length; i += 50) {
      const batch = recs.slice(i, i + 50);
      await t.handle().db.transaction(async (tx) => {
        await tx.insert(usageRecords).values(batch);
        await addStoredUsageToRollups(tx, A, "Europe/Berlin",
          batch.map((r) => ({ id: r.id, instanceId: r.instanceId, itemId: r.itemId, quantity: r.quantity as string, startIso: (r.startAt as Date).toISOString() })));
      });
    }
    expect(await expectRollupsExact(A, "Europe/Berlin")).toHaveLength(recs.length);
  });

  it("reads the raw records for hours in a half-hour zone, with the same totals as the days", async () => {
    const K = uniq("rollup-kolkata");
    await createAccount(OPERATOR, { id: K, name: "Kolkata", timeZone: "Asia/Kolkata" });
    const recs: Rec[] = [];
    for (let n = 0, m = 0; m < 33 * 24 * 60; n++, m += 97) recs.push(record(K, n, m, n % 2, n % 3, `${n % 5}.5`));
    await insert(recs, "Asia/Kolkata");
    await expectRollupsExact(K, "Asia/Kolkata");
    const byHour = await tab(K, "hour");
    const byDay = await tab(K, "day");
    expect(sum([...byHour.rows.values()]).toFixed(6)).toBe(sum([...byDay.rows.values()]).toFixed(6));
    // Local hours start on the half hour in UTC: 05:30Z is 11:00 in Kolkata.
    expect([...byHour.rows.keys()].every((k) => /^2026-10-\d\d \d\d:00\|/.test(k))).toBe(true);
    const first = recs.find((r) => dayOf(r.startAt as Date, "Asia/Kolkata") === "2026-10-01")!;
    const label = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Kolkata", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" })
      .format(first.startAt as Date).replace(/ (\d\d)$/, " $1:00");
    expect(byHour.rows.has(`${label}|${first.instanceId}|${first.itemId}`)).toBe(true);
  });

  it("holds for any records inserted in any batches (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 0, max: 10_000_000 })), { minLength: 1, maxLength: 40 }),
        async (rows) => {
          const id = uniq("rollup-prop");
          await createAccount(OPERATOR, { id, name: "Prop", timeZone: "America/St_Johns" }); // −3:30 / −2:30
          await insert(rows.map(([m, i, it, q], n) => record(id, n, m, i, it, dec(q).div(1000).toFixed(3))), "America/St_Johns");
          await expectRollupsExact(id, "America/St_Johns");
        },
      ),
      { numRuns: 12 },
    );
  });

  it("rebuilds one account's rollups from its records after a load that bypassed the writer", async () => {
    const R = uniq("rollup-rebuild");
    await createAccount(OPERATOR, { id: R, name: "Rebuild", timeZone: "Europe/Berlin" });
    const recs: Rec[] = [];
    for (let n = 0, m = 0; m < 5 * 24 * 60; n++, m += 71) recs.push(record(R, n, m, n % 3, n % 2, `${n % 9}.125`));
    await insert(recs.slice(0, 20), "Europe/Berlin");
    // As a bulk COPY does: rows land in usage_records only.
    await t.handle().db.insert(usageRecords).values(recs.slice(20));
    await rebuildUsageRollups(t.handle().db, R, "Europe/Berlin");
    expect(await expectRollupsExact(R, "Europe/Berlin")).toHaveLength(recs.length);
  });
});
