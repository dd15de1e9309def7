// A first start killed while the demo is being rated and settled: nothing of
// the demo is kept, and the next start says so and loads it again, rated.
// Runs on its own embedded database: the start-up seed is an embedded-database affair.
import { mkdtempSync, existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const jobs = vi.hoisted(() => ({ kill: false }));
vi.mock("@/lib/jobs/run", async (orig) => {
  const real = await orig<typeof import("@/lib/jobs/run")>();
  return {
    ...real,
    runJobs: async (...args: Parameters<typeof real.runJobs>) => {
      if (jobs.kill) throw new Error("killed while rating and settling");
      return real.runJobs(...args);
    },
  };
});

import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, setHandle, type DbHandle } from "@/db/client";
import { bootstrap } from "@/lib/ops/bootstrap";

describe("the start-up demo seed is all or nothing", () => {
  let handle: DbHandle;
  const dir = mkdtempSync(path.join(os.tmpdir(), "seed-marker-"));
  const markerPath = path.join(dir, "pglite.seeding");

  beforeAll(async () => {
    handle = await openDatabase({ dataDir: "memory://" });
    await migrateDatabase(handle);
    setHandle(handle);
  });
  afterAll(async () => {
    setHandle(null);
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = async () =>
    (
      await query<Record<string, number>>(
        handle.db,
        sql`SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM products)::int AS products,
                   (SELECT count(*) FROM usage_records)::int AS usage, (SELECT count(*) FROM bill_lines)::int AS lines,
                   (SELECT count(*) FROM accounts WHERE jobs_run_until IS NULL)::int AS unrated`,
      )
    )[0];

  it("an interrupted seed leaves nothing; the next start says so and seeds again, rated", async () => {
    jobs.kill = true;
    await expect(bootstrap({ log: () => {}, markerPath })).rejects.toThrow(/killed/);
    expect(await counts()).toEqual({ accounts: 0, products: 0, usage: 0, lines: 0, unrated: 0 });
    expect(existsSync(markerPath)).toBe(true);

    jobs.kill = false;
    const log: string[] = [];
    await bootstrap({ log: (s) => log.push(s), markerPath });
    expect(log[0]).toBe("The demo did not finish loading at the last start (nothing of it was kept): loading it again…");
    const after = await counts();
    expect(after).toMatchObject({ accounts: 2, unrated: 0 });
    expect(after.lines).toBeGreaterThan(0);
    expect(existsSync(markerPath)).toBe(false);

    const again: string[] = [];
    await bootstrap({ log: (s) => again.push(s), markerPath });
    expect(again[0]).toBe("Database ready (embedded PGlite).");
    expect(await counts()).toEqual(after);
  });
});
