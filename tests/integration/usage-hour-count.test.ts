// The hourly Usage Records view counts its groups from usage_daily.hours, not by
// counting usage_hourly: for any records stored in any batches (re-sent ids
// included), over several days and a DST change, its count and every group
// equal a GROUP BY of the raw records by the zone's hour; and the writer's
// incremental `hours` equals what a rebuild computes, in a half-hour zone too.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { dayBounds } from "@/lib/billing/cycle";
import { rebuildUsageRollups, storeUsage } from "@/lib/billing/usage-store";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { listUsage } from "@/lib/data/views/usage";
import { dec } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

const ITEMS = ["oss.storage", "oss.traffic.internet", "cloud-phone.instance"];
const INSTANCES = ["i-a", "i-b", "i-c"];
// New York leaves summer time on 2026-11-01 (25 hours); Almaty is UTC+5 all year;
// St John's is −2:30 then −3:30 (its hours are not UTC hours: the view reads the records).
const ZONES = ["America/New_York", "Asia/Almaty", "America/St_Johns"];
const BASE = Date.parse("2026-10-30T00:00:00Z"); // records from here over 4 days

type Rec = { id: string; instance: number; item: number; minute: number; quantity: string };

describe("hourly usage view count", () => {
  const t = useTestDatabase();
  const viewer = (accountId: string): Caller => ({ kind: "user", accountId, userId: "u", role: "viewer", email: "v@x.test", name: "V" });
  afterAll(() => setSystemClock(realClock));

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-11-20T00:00:00Z"));
    await loadCatalog(t.handle().db, await readCatalogFile());
  });

  function store(accountId: string, timeZone: string, rows: Rec[]) {
    const values = sql.join(
      rows.map((r) => {
        const start = new Date(BASE + r.minute * 60_000);
        return sql`(${r.id}, ${INSTANCES[r.instance]}, ${ITEMS[r.item]}, ${r.quantity}::numeric, ${start.toISOString()}::timestamptz,
          ${new Date(start.getTime() + 60_000).toISOString()}::timestamptz, null::jsonb, ${`h-${r.id}`})`;
      }),
      sql`, `,
    );
    return t.handle().db.transaction((tx) => storeUsage(tx, accountId, timeZone, sql`select * from (values ${values}) v`));
  }

  /** All pages of the view, bucket|instance|item → quantity×records. */
  async function view(accountId: string, input: Record<string, string>) {
    const rows = new Map<string, string>();
    let total = -1;
    for (let page = 1; ; page++) {
      const r = await listUsage(viewer(accountId), { billingCycle: "2026-11", unit: "hour", limit: "500", page: String(page), ...input });
      total = r.totalCount;
      for (const row of r.data) rows.set(`${row.bucket}|${row.instanceId}|${row.itemId}`, `${dec(row.quantity).toFixed(6)}×${row.records}`);
      if (r.data.length < 500) break;
    }
    return { rows, total };
  }

  /** The same groups straight from usage_records. */
  async function direct(accountId: string, timeZone: string, from: string, to: string, itemId?: string) {
    const rows = await query<{ k: string; q: string; n: string }>(t.handle().db,
      sql`select to_char(date_trunc('hour', start_at, ${timeZone}) at time zone ${timeZone}, 'YYYY-MM-DD HH24:00') || '|' || instance_id || '|' || item_id as k,
            sum(quantity)::text as q, count(*)::text as n
          from usage_records where account_id = ${accountId}
            and start_at >= ${dayBounds(from, timeZone).start.toISOString()}::timestamptz and start_at < ${dayBounds(to, timeZone).end.toISOString()}::timestamptz
            ${itemId ? sql`and item_id = ${itemId}` : sql``}
          group by 1`);
    return new Map(rows.map((r) => [r.k, `${dec(r.q).toFixed(6)}×${r.n}`]));
  }

  const dailyRollup = async (accountId: string) =>
    query<{ k: string }>(t.handle().db,
      sql`select day::text || '|' || instance_id || '|' || item_id || '|' || quantity::text || '|' || records || '|' || hours as k
          from usage_daily where account_id = ${accountId} order by 1`);

  it("counts and sums exactly the records' hourly groups, whatever the batches (property)", async () => {
    const day = (n: number) => `2026-${n < 2 ? `10-${30 + n}` : `11-0${n - 1}`}`; // 0..3 → Oct 30 .. Nov 2
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(fc.record({ instance: fc.nat(2), item: fc.nat(2), minute: fc.nat(4 * 24 * 60 - 1), quantity: fc.nat(5_000_000) }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(60), { minLength: 1, maxLength: 6 }), // batch sizes
        fc.array(fc.nat(59), { maxLength: 10 }), // indexes re-sent afterwards
        fc.tuple(fc.nat(3), fc.nat(3)),
        fc.option(fc.nat(2), { nil: undefined }),
        async (zone, raw, sizes, resend, [a, b], item) => {
          const id = uniq("hour-count");
          await createAccount(OPERATOR, { id, name: "Hours", timeZone: zone });
          const recs: Rec[] = raw.map((r, n) => ({ id: `r-${n}`, ...r, quantity: dec(r.quantity).div(1000).toFixed(3) }));
          for (let i = 0, s = 0; i < recs.length; s++) {
            const size = Math.max(1, sizes[s % sizes.length]);
            await store(id, zone, recs.slice(i, i + size));
            i += size;
          }
          const again = resend.filter((n) => n < recs.length).map((n) => recs[n]);
          if (again.length) await store(id, zone, again); // re-sent: skipped

          const [from, to] = [day(Math.min(a, b)), day(Math.max(a, b))];
          const input = { from, to, ...(item === undefined ? {} : { itemId: ITEMS[item] }) };
          const got = await view(id, input);
          const want = await direct(id, zone, from, to, item === undefined ? undefined : ITEMS[item]);
          expect(got.total).toBe(want.size);
          expect(got.rows).toEqual(want);

          const kept = await dailyRollup(id);
          await rebuildUsageRollups(t.handle().db, id, zone);
          expect(kept).toEqual(await dailyRollup(id));
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 25), seed: process.env.FC_SEED === "random" ? undefined : 20261130 },
    );
  });

  it("counts 25 hourly groups on the day New York leaves summer time, 23 on the day it enters it", async () => {
    for (const [cycle, dayStr, hours] of [["2026-11", "2026-11-01", 25], ["2026-03", "2026-03-08", 23]] as const) {
      const id = uniq("hour-dst");
      await createAccount(OPERATOR, { id, name: "DST", timeZone: "America/New_York" });
      const { start, end } = dayBounds(dayStr, "America/New_York");
      const n = (end.getTime() - start.getTime()) / 3_600_000;
      expect(n).toBe(hours);
      // Two records in every UTC hour of the local day, one in the hour before and after it.
      const at = [-1, ...Array.from({ length: n }, (_, h) => h), ...Array.from({ length: n }, (_, h) => h + 0.5), n];
      const rows = at.map((h, i) => {
        const s = new Date(start.getTime() + h * 3_600_000);
        return sql`(${`r-${i}`}, 'i-a', 'oss.storage', 1::numeric, ${s.toISOString()}::timestamptz, ${new Date(s.getTime() + 60_000).toISOString()}::timestamptz, null::jsonb, ${`h-${i}`})`;
      });
      await t.handle().db.transaction((tx) => storeUsage(tx, id, "America/New_York", sql`select * from (values ${sql.join(rows, sql`, `)}) v`));
      const r = await listUsage(viewer(id), { billingCycle: cycle, unit: "hour", from: dayStr, to: dayStr, limit: "500" });
      expect(r.totalCount).toBe(hours);
      expect(r.data).toHaveLength(hours);
      expect(r.data.every((row) => row.records === 2)).toBe(true);
    }
  });

  it("the migration's backfill gives every day the hours the writer kept", async () => {
    const ids: string[] = [];
    for (const zone of ZONES) {
      const id = uniq("hour-backfill");
      ids.push(id);
      await createAccount(OPERATOR, { id, name: "Backfill", timeZone: zone });
      // Every 37 minutes over the 4 days (New York's DST change among them), in two overlapping batches.
      const recs: Rec[] = Array.from({ length: 160 }, (_, n) => ({ id: `r-${n}`, instance: n % 3, item: (n >> 2) % 3, minute: n * 37, quantity: "1.5" }));
      await store(id, zone, recs.filter((_, n) => n % 2 === 0));
      await store(id, zone, recs);
    }
    const kept = await Promise.all(ids.map(dailyRollup));
    expect(kept.every((rows) => rows.some((r) => !r.k.endsWith("|0")))).toBe(true);
    const migration = await readFile(new URL("../../db/migrations/0014_usage_daily_hours.sql", import.meta.url), "utf8");
    const backfill = migration.split("--> statement-breakpoint").filter((s) => /^\s*(--[^\n]*\n)*\s*UPDATE/i.test(s));
    expect(backfill).toHaveLength(1);
    await t.handle().db.transaction(async (tx) => {
      // As the migration runs: the column added as 0, then its UPDATE over every account's hourly rows.
      await tx.execute(sql`update usage_daily set hours = 0`);
      await tx.execute(sql.raw(backfill[0]));
      for (const [n, id] of ids.entries())
        expect(await query<{ k: string }>(tx, sql`select day::text || '|' || instance_id || '|' || item_id || '|' || quantity::text || '|' || records || '|' || hours as k
          from usage_daily where account_id = ${id} order by 1`)).toEqual(kept[n]);
      tx.rollback();
    }).catch((e: Error) => expect(e.message).toMatch(/rollback/i));
  });
});
