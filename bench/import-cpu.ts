// `npx tsx --conditions=react-server bench/import-cpu.ts [--records N]`
// CPU per record of the bulk import (`ops import-usage`, NDJSON) on a throw-away
// PostgreSQL: this process's CPU and the PostgreSQL backends' (from /proc, so other
// load on the machine does not count) — the figure to compare between two versions.
import { createWriteStream, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, query, setHandle } from "@/db/client";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, setSystemClock } from "@/lib/clock";
import { importUsageCommand } from "@/lib/ops/import-usage";
import { setUpAccount } from "./accounts";
import { startPostgres, stopPostgres } from "./env";
import { benchPeriod, generateUsage } from "./generate";

/** utime + stime (seconds) of the children of `parent` (the PostgreSQL backends). */
function childrenCpu(parent: number): number {
  let ticks = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[1]) === parent) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      continue;
    }
  }
  return ticks / 100;
}

async function main() {
  const { values } = parseArgs({ options: { records: { type: "string" } } });
  const records = Number(values.records ?? 200_000);
  const pg = startPostgres();
  const postmaster = Number(readFileSync(path.join(pg.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  const dir = await mkdtemp(path.join(os.tmpdir(), "import-cpu-"));
  try {
    const handle = await openDatabase({ url: pg.url });
    await migrateDatabase(handle);
    setHandle(handle);
    const gen = { records, seed: 1 };
    setSystemClock(fixedClock(benchPeriod(gen).until));
    const [{ n }] = await query<{ n: number }>(handle.db, sql`select count(*)::int as n from products`);
    if (!Number(n)) await loadCatalog(handle.db, await readCatalogFile());
    await setUpAccount("bench-import-cpu", gen);
    const file = path.join(dir, "usage.ndjson");
    const out = createWriteStream(file);
    for (const r of generateUsage(gen)) out.write(`${JSON.stringify(r)}\n`);
    await new Promise((r) => out.end(r));
    const [n0, p0, t0] = [process.cpuUsage(), childrenCpu(postmaster), performance.now()];
    await importUsageCommand.run({ values: { account: "bench-import-cpu", "progress-every": String(records * 2) }, positionals: [file], log: () => {} });
    const [n1, p1, t1] = [process.cpuUsage(n0), childrenCpu(postmaster), performance.now()];
    const us = (s: number) => ((s * 1e6) / records).toFixed(1);
    const node = (n1.user + n1.system) / 1e6;
    console.log(
      `import: ${records} records in ${((t1 - t0) / 1000).toFixed(2)} s wall; CPU per record: node ${us(node)} µs, postgres ${us(p1 - p0)} µs, total ${us(node + p1 - p0)} µs`,
    );
    await handle.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
    stopPostgres(pg.dir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
