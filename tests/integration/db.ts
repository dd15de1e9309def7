// Each integration file gets a database: a real PostgreSQL server when
// DATABASE_URL is set (files run one after another and use their own account
// ids), else a fresh in-memory PGlite made from a migrated template.
import { afterAll, beforeAll } from "vitest";
import { migrateDatabase, openDatabase, setHandle, type DbHandle } from "@/db/client";

export function useTestDatabase(): { handle: () => DbHandle } {
  let handle: DbHandle | null = null;
  beforeAll(async () => {
    handle = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: "memory://" });
    await migrateDatabase(handle);
    setHandle(handle);
  });
  afterAll(async () => {
    setHandle(null);
    await handle?.close();
  });
  return {
    handle: () => {
      if (!handle) throw new Error("database not open yet");
      return handle;
    },
  };
}

let counter = 0;
/** A unique id per run, so files sharing one PostgreSQL server never collide. */
export function uniq(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
}
