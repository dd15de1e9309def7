// A re-sent record is found by its primary key (account_id, id). Statistics taken
// before an account's first records say it has none; the probe of its stored
// hashes must still go through the primary key, not read the account's records
// through another (account_id, …) index for every id.
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { accounts, instances } from "@/db/schema";
import { insertUsageRows } from "@/db/seed/insert-usage";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { storedHashesQuery } from "@/lib/data/usage";
import { uniq, useTestDatabase } from "./db";

describe("the stored-hash probe of a new account", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
  });

  async function accountWithRecords(prefix: string, n: number) {
    const a = uniq(prefix);
    const at = new Date("2026-04-01T00:00:00Z");
    await db().insert(accounts).values({ id: a, name: a, currency: "USD" });
    await db().insert(instances).values({ accountId: a, id: "reg", productId: "registry-storage", name: "reg", regionId: "eu-central-1", createdAt: at, billingAnchorAt: at, statusSince: at, status: "active", billingMethod: "payg" });
    await insertUsageRows(
      db(),
      Array.from({ length: n }, (_, i) => ({
        accountId: a, id: `scan-${i}`, instanceId: "reg", itemId: "registry-storage.scanner", quantity: "1", attributes: null,
        startAt: new Date(at.getTime() + i * 60_000), endAt: new Date(at.getTime() + i * 60_000),
      })),
    );
    return a;
  }

  it("goes through the primary key although the statistics do not know the account", async () => {
    const citus = await t.handle().isCitus();
    await accountWithRecords("probe-big", 20_000);
    await db().execute(sql`analyze usage_records`);
    const fresh = await accountWithRecords("probe-new", 500); // written after the statistics
    const probe = (ids: string[]) => storedHashesQuery(fresh, ids, citus);
    const found = await query<{ id: string }>(db(), probe(["scan-1", "scan-2", "nope"]));
    expect(found.map((r) => r.id).sort()).toEqual(["scan-1", "scan-2"]);
    // On Citus the statement goes whole to the account's shard, planned there: the coordinator's plan shows no index.
    if (citus) return;
    const plan = await query<{ "QUERY PLAN": string }>(db(), sql`explain ${probe(["scan-1", "scan-2", "scan-3"])}`);
    const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toContain("usage_records_account_id_id_pk");
    expect(text).not.toMatch(/Filter: \(.*id = n\.id/);
  });
});
