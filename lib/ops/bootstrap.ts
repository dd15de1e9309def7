// Server start-up: open and migrate the database; an embedded database that
// has no accounts yet gets the catalog and the demo, and the demo sign-ins
// are printed.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { defaultPgliteDir, getHandle } from "@/db/client";
import { accounts } from "@/db/schema";
import { DEMO_ACCOUNT_ID, DEMO_SIGN_INS, seedDemo } from "@/db/seed/demo";
import { systemNow } from "@/lib/clock";
import { eq } from "drizzle-orm";

/**
 * Beside the data folder while the demo loads. The seed is one transaction, so
 * a start killed half-way leaves no data, only this file: the next start says
 * so and seeds again.
 */
export function seedMarkerPath(dataDir = defaultPgliteDir()): string {
  return `${dataDir.replace(/[\\/]+$/, "")}.seeding`;
}

export async function bootstrap({ log, markerPath = seedMarkerPath() }: { log: (s: string) => void; markerPath?: string }) {
  const handle = await getHandle();
  const db = handle.db;
  if (handle.kind === "pglite") {
    const [any] = await db.select({ id: accounts.id }).from(accounts).limit(1);
    if (!any) {
      log(
        existsSync(markerPath)
          ? "The demo did not finish loading at the last start (nothing of it was kept): loading it again…"
          : "New embedded database: loading the catalog and the demo…",
      );
      writeFileSync(markerPath, `${new Date().toISOString()}\n`);
      await seedDemo(db, { now: systemNow(), log });
    }
    rmSync(markerPath, { force: true });
  }
  const [demo] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, DEMO_ACCOUNT_ID));
  log(`Database ready (${handle.kind === "pglite" ? "embedded PGlite" : "PostgreSQL server"}).`);
  if (demo) {
    log("Demo sign-ins:");
    for (const s of DEMO_SIGN_INS) log(`  ${s.role.padEnd(8)} ${s.email}  /  ${s.password}   (${s.account})`);
  }
}
