// `npm run ops -- status`: which database this is and how many rows each table
// holds — a quick check, e.g. that a restart after a crash lost nothing.
import { sql } from "drizzle-orm";
import { query, type DbHandle } from "@/db/client";

export const statusCommand = {
  summary: "Show the database in use and the number of rows in each table.",
  args: "",
  options: {},
  async run({ handle, log }: { handle: DbHandle; log: (line: string) => void }) {
    log(`Database: ${handle.kind === "pglite" ? "embedded PGlite" : "PostgreSQL server"}.`);
    const tables = await query<{ name: string }>(
      handle.db,
      sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
    );
    for (const { name } of tables) {
      const [{ n }] = await query<{ n: string }>(handle.db, sql`select count(*)::text as n from ${sql.identifier(name)}`);
      log(`  ${name.padEnd(28)} ${n}`);
    }
  },
};
