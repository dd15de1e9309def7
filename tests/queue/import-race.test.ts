// The bulk import against a concurrent writer of the same account's hours, on a
// PostgreSQL server or a Citus cluster (it needs two connections at once). The
// import inserts the hourly rollups of hours the account has none for; a writer
// that adds one of them meanwhile makes that insert fail on the key, and the import
// is read again through the staged path. Either way nothing is lost or counted twice:
// the rollups equal those rebuilt from the records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { openDatabase, query } from "@/db/client";
import { hasCitus } from "@/db/citus";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { storeUsage } from "@/lib/billing/usage-store";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { importUsage, type SourceRecord } from "@/lib/data/usage-import";
import { uniq, useTestDatabase } from "../integration/db";
import { rebuiltRollupRows, rollupRows } from "../integration/rollup-rows";

describe("bulk import with a concurrent writer of the same hours", () => {
  const t = useTestDatabase();
  const K = uniq("imp-race");

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-03-01T00:00:00Z"));
    const [{ n }] = await query<{ n: number }>(t.handle().db, sql`select count(*)::int as n from products`);
    if (!Number(n)) await loadCatalog(t.handle().db, await readCatalogFile());
    await createAccount(OPERATOR, { id: K, name: "Import race" });
    await registerInstance(OPERATOR, { id: "nat-r", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat-r", createdAt: "2026-01-01T00:00:00Z" }, K);
  });
  afterAll(() => setSystemClock(realClock));

  it("retries through staging when its new hour was written meanwhile, with exact rollups", async () => {
    const db = t.handle().db;
    const citus = await hasCitus(db);
    const [{ item }] = await query<{ item: string }>(db, sql`select id as item from billable_items where product_id = 'nat-gateway' and code = 'instance'`);
    const hour = (h: number, m = 0) => new Date(Date.UTC(2026, 1, 10, h, m)).toISOString();
    const file = Array.from({ length: 24 }, (_, i) => ({
      id: `imp-r-${i}`,
      instanceId: "nat-r",
      item: "instance",
      quantity: `${(i % 3) + 1}`,
      start: hour(i % 6, i),
      end: hour(i % 6, i + 1),
    }));
    let opened = 0;
    const open = async function* (): AsyncGenerator<SourceRecord> {
      opened++;
      for (const [i, raw] of file.entries()) yield { line: i + 1, raw };
    };

    // The writer stores one record in the file's third hour and holds its transaction open.
    const writer = await openDatabase({ url: process.env.DATABASE_URL! });
    const watcher = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let stored!: () => void;
      const isStored = new Promise<void>((r) => (stored = r));
      const writing = writer.db.transaction(async (tx) => {
        await storeUsage(tx, K, "UTC", sql`select 'w-1', 'nat-r', ${item}, 5::numeric, ${hour(2, 40)}::timestamptz, ${hour(2, 41)}::timestamptz, null::jsonb, 'w-hash'`);
        stored();
        await held;
      });
      await isStored;

      const importing = importUsage(OPERATOR, K, open, { sliceRecords: 10 });
      // The import's rollup statement waits on the writer's uncommitted hour (on Citus, on a worker).
      let waited = 0;
      for (; waited < 10_000; waited += 50) {
        const [{ blocked }] = citus
          ? await watcher<{ blocked: boolean }[]>`select exists (select 1 from citus_lock_waits where blocked_statement like '%usage_hourly%') as blocked`
          : await watcher<{ blocked: boolean }[]>`
              select exists (select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%usage_hourly%') as blocked`;
        if (blocked) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(waited).toBeLessThan(10_000);
      release();
      await writing;
      expect(await importing).toMatchObject({ read: 24, accepted: 24, duplicates: 0 });
      // On PostgreSQL the insert met the writer's key and the file was read again; Citus upserts each slice.
      expect(opened).toBe(citus ? 1 : 2);
    } finally {
      await writer.close();
      await watcher.end({ timeout: 5 });
    }

    const kept = await rollupRows(db, K);
    expect(kept.find((r) => r.t === "hourly" && String(r.at).startsWith("2026-02-10 02:00"))).toMatchObject({ records: "5" }); // 4 of the file's + the writer's
    expect(kept).toEqual(await rebuiltRollupRows(t.handle(), K, "UTC"));
  });
});
