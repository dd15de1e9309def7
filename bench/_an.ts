import { copyFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, setHandle } from "@/db/client";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { ingestUsage } from "@/lib/data/usage";
import { setUpAccount } from "./accounts";
import { startPostgres, stopPostgres } from "./env";
import { benchPeriod, generateUsage } from "./generate";

async function main() {
  const records = Number(process.env.N ?? 300_000);
  const pg = startPostgres();
  try {
    const handle = await openDatabase({ url: pg.url });
    await migrateDatabase(handle);
    setHandle(handle);
    const gen = { records, seed: 1 };
    setSystemClock(fixedClock(benchPeriod(gen).until));
    await loadCatalog(handle.db, await readCatalogFile());
    const bodies: string[] = [];
    let batch: unknown[] = [];
    for (const r of generateUsage(gen)) { batch.push(r); if (batch.length === 10_000) { bodies.push(JSON.stringify({ records: batch })); batch = []; } }
    await setUpAccount("acct-a", gen);
    for (const b of bodies) await ingestUsage(OPERATOR, JSON.parse(b), "acct-a");
    await handle.db.execute(sql`vacuum analyze`);
    await setUpAccount("acct-b", gen);
    for (const [i, b] of bodies.slice(0, 6).entries()) {
      const t = performance.now();
      await ingestUsage(OPERATOR, JSON.parse(b), "acct-b");
      console.log(`batch ${i} ${(performance.now() - t).toFixed(0)} ms`);
    }
    await handle.close();
    copyFileSync(path.join(pg.dir, "log"), "/tmp/an.log");
  } finally { stopPostgres(pg.dir); }
}
main().catch((e) => { console.error(e); process.exit(1); });
