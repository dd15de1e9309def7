// The billing jobs give the planner statistics for usage_records before rating
// (lib/billing/usage-stats.ts): without them a freshly loaded account's daily
// aggregation is planned for a few hundred rows.
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { accounts, instances } from "@/db/schema";
import { hasCitus } from "@/db/citus";
import { insertUsageRows } from "@/db/seed/insert-usage";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { analyzeUsageIfStale } from "@/lib/billing/usage-stats";
import { runJobs } from "@/lib/jobs/run";
import { uniq, useTestDatabase } from "./db";

describe("usage_records statistics before rating", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
  });

  // Not asserted: that nothing is stale right after. Other connections report their writes to the
  // server's statistics up to a second later, which can count as changes since this analysis.
  it("the jobs leave usage_records analyzed on the columns rating filters and groups by", async () => {
    const a = uniq("stats");
    const at = new Date("2026-04-01T00:00:00Z");
    await db().insert(accounts).values({ id: a, name: a, currency: "USD" });
    await db().insert(instances).values({ accountId: a, id: "reg", productId: "registry-storage", name: "reg", regionId: "eu-central-1", createdAt: at, billingAnchorAt: at, statusSince: at, status: "active", billingMethod: "payg" });
    await insertUsageRows(
      db(),
      Array.from({ length: 20 }, (_, i) => ({
        accountId: a, id: `scan-${i}`, instanceId: "reg", itemId: "registry-storage.scanner", quantity: "1", attributes: null,
        startAt: new Date(at.getTime() + i * 3600_000), endAt: new Date(at.getTime() + i * 3600_000),
      })),
    );
    await runJobs(db(), { now: new Date("2026-04-03T00:00:00Z"), accountIds: [a] });
    if (await hasCitus(db())) {
      // The rows live in the workers' shards, which analyze themselves; the coordinator's table is a shell.
      expect(await analyzeUsageIfStale(db())).toBe(false);
      return;
    }
    const [{ tuples }] = await query<{ tuples: number }>(db(), sql`select reltuples::float8 as tuples from pg_class where oid = to_regclass('usage_records')`);
    expect(Number(tuples)).toBeGreaterThanOrEqual(20);
    const stats = await query<{ attname: string }>(db(), sql`select attname from pg_stats where tablename = 'usage_records' order by attname`);
    expect(stats.map((s) => s.attname)).toEqual(expect.arrayContaining(["account_id", "instance_id", "item_id", "start_at"]));
  });
});
