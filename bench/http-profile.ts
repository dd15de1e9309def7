// `npx tsx --conditions=react-server bench/http-profile.ts [--records N] [--cpu-prof DIR] [--pg-log FILE] [--node-flags '…']`
// CPU per record of the HTTP ingest path: `next start` (the production build) on a
// throw-away PostgreSQL, 10,000 records per request, two keep-alive clients; then
// the batches re-sent (all duplicates). Prints the CPU time the Node server and the
// PostgreSQL backends spent per record (from /proc, so other load on the machine
// does not count), which is what to compare between two versions of the code.
// `--cpu-prof DIR` starts the server with node --cpu-prof (profile written on exit); `--pg-log FILE`
// keeps the server's log (run with PG_EXTRA_OPTS='-c log_min_duration_statement=0' for the statements).
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, setHandle } from "@/db/client";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import { API_BATCH, setUpAccount } from "./accounts";
import { startPostgres, stopPostgres } from "./env";
import { generateUsage, type BenchRecord } from "./generate";
import { SERVER_NODE_FLAGS, send } from "./http-ingest";

const TICK = 100; // USER_HZ

/** utime + stime (seconds) of the processes whose field `pick` (4: ppid, 5: pgrp) is `id`, or of `id` itself. */
function cpuOf(id: number, pick: 4 | 5): number {
  let ticks = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    if (Number(name) === id || Number(f[pick - 3]) === id) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICK;
}

async function main() {
  const { values } = parseArgs({ options: { records: { type: "string" }, "cpu-prof": { type: "string" }, port: { type: "string" }, "pg-log": { type: "string" }, "node-flags": { type: "string" } } });
  const records = Number(values.records ?? 100_000);
  const port = Number(values.port ?? 3931);
  const pg = startPostgres();
  const postmaster = Number(readFileSync(path.join(pg.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  let server: ReturnType<typeof spawn> | undefined;
  try {
    const handle = await openDatabase({ url: pg.url });
    await migrateDatabase(handle);
    setHandle(handle);
    const [{ n }] = await query<{ n: number }>(handle.db, sql`select count(*)::int as n from products`);
    if (!Number(n)) await loadCatalog(handle.db, await readCatalogFile());
    const gen = { records: records + API_BATCH, seed: 1 };
    await setUpAccount("bench-prof", gen);
    const key = (await createApiKey(OPERATOR, { accountId: "bench-prof", name: "prof", role: "admin" })).key;
    const bodies: string[] = [];
    let batch: BenchRecord[] = [];
    for (const r of generateUsage(gen)) {
      batch.push(r);
      if (batch.length === API_BATCH) {
        bodies.push(JSON.stringify({ records: batch }));
        batch = [];
      }
    }
    const base = `http://127.0.0.1:${port}`;
    const prof = values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`] : [];
    const extra = values["node-flags"] ? values["node-flags"].split(" ").filter(Boolean) : [];
    server = spawn(process.execPath, [...prof, ...SERVER_NODE_FLAGS, ...extra, path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      detached: true,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        DATABASE_URL: pg.url,
        NEXTAUTH_SECRET: "bench-secret-not-for-production",
        NEXTAUTH_URL: base,
        NEXT_TELEMETRY_DISABLED: "1",
        BILLING_JOBS_INTERVAL_SECONDS: "0",
        NODE_ENV: "production",
      },
    });
    for (const deadline = Date.now() + 120_000; ; ) {
      try {
        await fetch(`${base}/api/v1/catalog`);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error("next start did not answer");
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    // Warm-up: the first batch (route compiled, JIT warm), not counted.
    await send(base, key, bodies.slice(0, 1), 1);
    const measure = async (label: string, list: string[]) => {
      const [n0, p0, t0] = [cpuOf(server!.pid!, 5), cpuOf(postmaster, 4), performance.now()];
      const r = await send(base, key, list);
      const [n1, p1, t1] = [cpuOf(server!.pid!, 5), cpuOf(postmaster, 4), performance.now()];
      const count = r.accepted + r.duplicates;
      const us = (s: number) => ((s * 1e6) / count).toFixed(1);
      console.log(
        `${label}: ${count} records (${r.accepted} accepted) in ${((t1 - t0) / 1000).toFixed(2)} s wall; CPU per record: node ${us(n1 - n0)} µs, postgres ${us(p1 - p0)} µs, total ${us(n1 - n0 + p1 - p0)} µs`,
      );
    };
    await measure("ingest", bodies.slice(1));
    await measure("re-send", bodies.slice(1));
    await handle.close();
  } finally {
    if (server?.pid) {
      process.kill(-server.pid, "SIGINT");
      await new Promise((r) => setTimeout(r, 3000));
    }
    if (values["pg-log"]) copyFileSync(path.join(pg.dir, "log"), values["pg-log"]);
    stopPostgres(pg.dir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
