// Keeps `npm run bench:views` from rotting: its load (generated usage COPYed
// and rated), every tab view it times and the CSV and FOCUS exports it streams, on 2,000
// records. Figures are not checked — benchmarks are not timed tests.
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { loadViewsData, measureExport, measureTabs, tabViews, viewsCaller } from "@/bench/views-measure";
import { realClock, setSystemClock } from "@/lib/clock";
import { exportFocus } from "@/lib/data/views/exports";
import { useTestDatabase } from "./db";

describe("bench:views smoke", () => {
  const t = useTestDatabase();
  afterAll(() => setSystemClock(realClock));

  it("loads and rates generated usage, times every tab view and exports every line", async () => {
    const load = await loadViewsData({ handle: t.handle(), records: 2_000, seed: 5, tag: `smoke-${process.pid}-${Date.now().toString(36)}` });
    expect(load).toMatchObject({ records: 2_000, cycle: "2026-01" });
    const [{ n }] = await query<{ n: string }>(t.handle().db, sql`select count(*) as n from usage_records where account_id = ${load.accountId}`);
    expect(Number(n)).toBe(2_000);
    expect(load.lines).toBeGreaterThan(0);

    const caller = viewsCaller(load.accountId);
    const tabs = await measureTabs({ caller, cycle: load.cycle, runs: 1 });
    expect(tabs.map((x) => `${x.tab}: ${x.view}`)).toEqual(tabViews(caller, load.cycle).map((v) => `${v.tab}: ${v.view}`));
    for (const x of tabs) {
      expect(x.rows, `${x.tab}: ${x.view}`).toBeGreaterThan(0);
      expect(x.p95).toBeGreaterThanOrEqual(x.p50);
    }
    const exp = await measureExport(caller, load.cycle);
    expect(exp.rows).toBe(load.lines);
    const focus = await measureExport(caller, load.cycle, exportFocus);
    expect(focus.rows).toBeGreaterThanOrEqual(load.lines);
  });
});
