// Server start-up: open and migrate the database; an embedded database that
// has no accounts yet gets the catalog and the demo, and the demo sign-ins
// are printed.
import { getHandle } from "@/db/client";
import { accounts } from "@/db/schema";
import { DEMO_ACCOUNT_ID, DEMO_SIGN_INS, seedDemo } from "@/db/seed/demo";
import { systemNow } from "@/lib/clock";
import { eq } from "drizzle-orm";

export async function bootstrap({ log }: { log: (s: string) => void }) {
  const handle = await getHandle();
  const db = handle.db;
  if (handle.kind === "pglite") {
    const [any] = await db.select({ id: accounts.id }).from(accounts).limit(1);
    if (!any) {
      log("New embedded database: loading the catalog and the demo…");
      await seedDemo(db, { now: systemNow(), log });
    }
  }
  const [demo] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, DEMO_ACCOUNT_ID));
  log(`Database ready (${handle.kind === "pglite" ? "embedded PGlite" : "PostgreSQL server"}).`);
  if (demo) {
    log("Demo sign-ins:");
    for (const s of DEMO_SIGN_INS) log(`  ${s.role.padEnd(8)} ${s.email}  /  ${s.password}   (${s.account})`);
  }
}
