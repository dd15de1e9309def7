// Keeps `npm run bench:engine` from rotting: its generator and its whole
// pipeline (API ingest through the route handler, bulk import, rating) on
// ~2,000 records. Figures are not checked here — only that every step does
// its work; benchmarks are not timed tests.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { POST } from "@/app/api/v1/usage/route";
import { benchInstances, generateUsage } from "@/bench/generate";
import { apiSteps, runPipeline } from "@/bench/pipeline";
import { realClock, setSystemClock } from "@/lib/clock";
import { useTestDatabase } from "./db";

describe("bench:engine smoke", () => {
  const t = useTestDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));
  afterAll(() => {
    setSystemClock(realClock);
    rmSync(dir, { recursive: true, force: true });
  });

  it("generates the same records for the same seed, other records for another, over every metered item", () => {
    const a = [...generateUsage({ records: 2_000, seed: 7 })];
    expect([...generateUsage({ records: 2_000, seed: 7 })]).toEqual(a);
    expect([...generateUsage({ records: 2_000, seed: 8 })].map((r) => r.quantity)).not.toEqual(a.map((r) => r.quantity));
    expect(new Set(a.map((r) => r.id)).size).toBe(2_000);
    const items = new Set(a.map((r) => `${benchInstances({ records: 2_000 }).find((i) => i.id === r.instanceId)!.productId}.${r.item}`));
    expect([...items].sort()).toEqual([
      "eip.instance",
      "nat-gateway.instance",
      "oss.internet-egress",
      "oss.replication-egress",
      "oss.storage",
      "oss.vpc-egress",
      "registry-storage.egress",
      "registry-storage.scanner",
      "registry-storage.storage",
    ]);
  });

  it.each([
    ["the route handler", ((req: Request) => POST(req, { params: Promise.resolve({}) })) as typeof apiSteps],
    ["the route's steps (as the bench runs them)", apiSteps],
  ])("runs the pipeline end to end with API requests through %s", async (_name, post) => {
    const log: string[] = [];
    const tag = `smoke-${process.pid}-${Date.now().toString(36)}`;
    const f = await runPipeline({ handle: t.handle(), records: 2_000, seed: 3, workDir: dir, tag, post, log: (s) => log.push(s) });
    expect(f.api).toMatchObject({ records: 2_000 });
    expect(f.dedup).toMatchObject({ records: 2_000, duplicates: 2_000 });
    expect(f.import.records).toBe(2_000);
    expect(f.rating.lines).toBeGreaterThan(0);
    for (const account of [`bench-api-${tag}`, `bench-import-${tag}`]) {
      const [{ n }] = await query<{ n: string }>(t.handle().db, sql`select count(*) as n from usage_records where account_id = ${account}`);
      expect(Number(n)).toBe(2_000);
    }
    // Every rated line of the import account is settled and paid from its balance.
    const [lines] = await query<{ n: string; unsettled: string }>(
      t.handle().db,
      sql`select count(*) as n, count(*) filter (where settled_at is null) as unsettled from bill_lines where account_id = ${`bench-import-${tag}`}`,
    );
    expect(Number(lines.n)).toBe(f.rating.lines);
    expect(Number(lines.unsettled)).toBe(0);
    // Both exports of the import account's cycle: a row per line (FOCUS: plus periods and voucher credits).
    expect(f.export.rows).toBe(f.rating.lines);
    expect(f.focus.rows).toBeGreaterThanOrEqual(f.rating.lines);
    expect(log.some((l) => /^ {2}import:Imported .* read 2,000, accepted 2,000, duplicates 0/.test(l))).toBe(true);
  });
});
