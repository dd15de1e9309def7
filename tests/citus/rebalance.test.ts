// Adding a worker loses nothing: with accounts billed on the 3-node cluster,
// a fourth node is started and added, the shards are rebalanced onto it while
// usage keeps arriving, and every account's balance, ledger, bill lines and
// usage are the same afterwards (the ingesting account: plus what it accepted).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, setHandle, type DbHandle } from "@/db/client";
import { generateUsage } from "@/bench/generate";
import { runPipeline, setUpAccount } from "@/bench/pipeline";
import { realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { ingestUsage } from "@/lib/data/usage";

const dir = process.env.CITUS_TEMP_DIR;
const port = process.env.CITUS_TEMP_PORT;

/** What must not change for an account, read inside its shard. */
async function snapshot(db: DbHandle["db"], accountId: string) {
  const [row] = await query<Record<string, string>>(
    db,
    sql`select
          (select coalesce(sum(amount), 0)::text from ledger_entries where account_id = ${accountId}) as balance,
          (select count(*)::text from ledger_entries where account_id = ${accountId}) as ledger_entries,
          (select count(*)::text from bill_lines where account_id = ${accountId}) as lines,
          (select coalesce(sum(pretax_amount), 0)::text from bill_lines where account_id = ${accountId}) as line_total,
          (select count(*)::text from bills where account_id = ${accountId}) as bills,
          (select count(*)::text from usage_records where account_id = ${accountId}) as usage_records,
          (select coalesce(sum(quantity), 0)::text from usage_records where account_id = ${accountId}) as usage_quantity,
          (select coalesce(sum(records), 0)::text from usage_hourly where account_id = ${accountId}) as hourly_records,
          (select coalesce(sum(records), 0)::text from usage_daily where account_id = ${accountId}) as daily_records`,
  );
  return row;
}

describe("adding a worker to the cluster", () => {
  let handle: DbHandle;
  const work = mkdtempSync(path.join(os.tmpdir(), "citus-rebalance-"));
  beforeAll(async () => {
    if (!dir || !port) throw new Error("run under scripts/citus-temp.sh (CITUS_TEMP_DIR and CITUS_TEMP_PORT are not set)");
    handle = await openDatabase({ url: process.env.DATABASE_URL });
    await migrateDatabase(handle);
    setHandle(handle);
  });
  afterAll(async () => {
    setSystemClock(realClock);
    setHandle(null);
    await handle?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("moves shards onto a new node while usage is ingested, and every account's money and usage stay the same", async () => {
    const db = handle.db;
    const tag = `rebalance-${process.pid}-${Date.now().toString(36)}`;
    // Two billed accounts (API ingest and bulk import, rated and settled), and one that keeps ingesting.
    await runPipeline({ handle, records: 4_000, seed: 11, workDir: work, tag });
    const billed = [`bench-api-${tag}`, `bench-import-${tag}`];
    const live = `rebalance-live-${tag}`;
    // More records than the rebalance can take; drawn lazily, 500 a batch.
    const gen = { records: 1_000_000, seed: 12 };
    await setUpAccount(live, gen);
    const source = generateUsage(gen);
    const take = (n: number) => Array.from({ length: n }, () => source.next().value!);
    await ingestUsage(OPERATOR, { records: take(2_000) }, live);

    const before = new Map<string, Record<string, string>>();
    for (const a of [...billed, live]) before.set(a, await snapshot(db, a));
    expect(Number(before.get(billed[1])!.lines)).toBeGreaterThan(0);
    expect(Number(before.get(billed[1])!.ledger_entries)).toBeGreaterThan(1);

    const nodesBefore = await query<{ n: number }>(db, sql`select count(*)::int as n from pg_dist_node where noderole = 'primary' and isactive`);
    const newPort = Number(execFileSync("bash", ["scripts/citus-temp.sh", "add-node", dir!, port!], { encoding: "utf8" }).trim());
    await db.execute(sql`select citus_add_node('127.0.0.1', ${newPort}::int)`);

    // Ingest keeps running, 500 records a batch, until the rebalance has finished and two more batches went in.
    let accepted = 2_000;
    let done = false;
    let during = 0;
    let after = 0;
    const ingesting = (async () => {
      while (after < 2) {
        accepted += (await ingestUsage(OPERATOR, { records: take(500) }, live)).accepted;
        if (done) after++;
        else during++;
      }
    })();
    await db.execute(sql`select citus_rebalance_start(shard_transfer_mode => 'force_logical')`);
    await db.execute(sql`select citus_rebalance_wait()`);
    done = true;
    await ingesting;
    const [job] = await query<{ state: string }>(db, sql`select state::text from citus_rebalance_status() order by job_id desc limit 1`);
    expect(job.state).toBe("finished");

    const [{ n: nodes }] = await query<{ n: number }>(db, sql`select count(*)::int as n from pg_dist_node where noderole = 'primary' and isactive`);
    expect(nodes).toBe(Number(nodesBefore[0].n) + 1);
    const [{ n: moved }] = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from pg_dist_placement p join pg_dist_node d on d.groupid = p.groupid
          join pg_dist_shard s on s.shardid = p.shardid join pg_dist_partition t on t.logicalrelid = s.logicalrelid
          where d.nodeport = ${newPort} and t.partmethod = 'h'`,
    );
    expect(moved).toBeGreaterThan(0);

    for (const a of billed) expect(await snapshot(db, a), a).toEqual(before.get(a));
    const liveAfter = await snapshot(db, live);
    expect(during).toBeGreaterThan(0);
    expect(accepted).toBe(2_000 + 500 * (during + after));
    expect(Number(liveAfter.usage_records)).toBe(accepted);
    expect(Number(liveAfter.hourly_records)).toBe(accepted);
    expect(Number(liveAfter.daily_records)).toBe(accepted);
    expect({ ...liveAfter, usage_records: "", usage_quantity: "", hourly_records: "", daily_records: "" }).toEqual({
      ...before.get(live)!,
      usage_records: "",
      usage_quantity: "",
      hourly_records: "",
      daily_records: "",
    });
  });
});
