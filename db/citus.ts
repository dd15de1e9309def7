// Running on a Citus cluster (PostgreSQL distributed by account). Nothing here
// runs on PGlite or plain PostgreSQL: migrateDatabase calls in only when the
// database has the citus extension.
//
// Which table is which follows from its name and columns, so a new table needs no entry:
// - `accounts` is distributed by its id; every table with an `account_id` is
//   distributed by it, co-located with accounts (one account's rows share a shard);
// - the look-up tables for what has no account yet are distributed by what is
//   looked up (LOOKUP_TABLES);
// - every other table (the catalog) is a reference table, copied to every node.
import { getTableColumns, getTableName, isTable, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { readMigrationFiles } from "drizzle-orm/migrator";
import * as schema from "./schema";

type Exec = { execute(q: ReturnType<typeof sql>): Promise<unknown> };

export const LOOKUP_TABLES: Record<string, string> = { user_logins: "email", api_key_hashes: "key_hash", sign_in_failures: "key" };

export type TableKind = { kind: "reference" } | { kind: "distributed"; column: string; colocateWith: string };

/** Where a table goes, from its name and columns. */
export function placeOf(table: string, columns: readonly string[]): TableKind {
  if (table === "accounts") return { kind: "distributed", column: "id", colocateWith: "default" };
  if (LOOKUP_TABLES[table]) return { kind: "distributed", column: LOOKUP_TABLES[table], colocateWith: "none" };
  if (columns.includes("account_id")) return { kind: "distributed", column: "account_id", colocateWith: "accounts" };
  return { kind: "reference" };
}

/** Reference tables first (tenant tables point at them), then accounts, then the rest. */
function ordered<T extends { table: string; place: TableKind }>(plan: T[]): T[] {
  const rank = (p: T) => (p.place.kind === "reference" ? 0 : p.table === "accounts" ? 1 : 2);
  return [...plan].sort((a, b) => rank(a) - rank(b) || a.table.localeCompare(b.table));
}

/** The place of every table of the schema. */
export function tablePlan(): { table: string; place: TableKind }[] {
  const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => isTable(v));
  return ordered(
    tables.map((t) => {
      const table = getTableName(t);
      return { table, place: placeOf(table, Object.values(getTableColumns(t)).map((c) => c.name)) };
    }),
  );
}

async function rows<T>(db: Exec, q: ReturnType<typeof sql>): Promise<T[]> {
  const r = (await db.execute(q)) as unknown;
  return (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
}

export async function hasCitus(db: Exec): Promise<boolean> {
  return (await rows(db, sql`select 1 from pg_extension where extname = 'citus'`)).length > 0;
}

/**
 * Distributes the schema's tables that are not yet distributed (idempotent).
 * Foreign keys that touch them are dropped first and re-created after, because
 * Citus converts a table only when no local table points at it.
 */
export async function distributePending(db: Exec): Promise<string[]> {
  // Every permanent table in public not yet placed (the bulk import's
  // unlogged staging tables stay local to the coordinator).
  const present = await rows<{ name: string; columns: string[] | string }>(
    db,
    sql`select c.relname as name, array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and c.relpersistence = 'p'
          and not exists (select 1 from pg_dist_partition p where p.logicalrelid = c.oid)`,
  );
  const pending = ordered(present.map((r) => ({ table: r.name, place: placeOf(r.name, Array.isArray(r.columns) ? r.columns : []) })));
  if (!pending.length) return [];
  const names = pending.map((p) => p.table);
  const fks = await rows<{ tbl: string; name: string; def: string }>(
    db,
    sql`select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
        where contype = 'f' and (conrelid::regclass::text in ${names} or confrelid::regclass::text in ${names})`,
  );
  for (const fk of fks) await db.execute(sql.raw(`alter table ${fk.tbl} drop constraint "${fk.name}"`));
  for (const { table, place } of pending) {
    if (place.kind === "reference") await db.execute(sql`select create_reference_table(${table}::regclass)`);
    else await db.execute(sql`select create_distributed_table(${table}::regclass, ${place.column}, colocate_with => ${place.colocateWith})`);
  }
  for (const fk of fks) await db.execute(sql.raw(`alter table ${fk.tbl} add constraint "${fk.name}" ${fk.def}`));
  return names;
}

const LOCK = 7_300_113; // one migrator at a time (pg_advisory_xact_lock key)

/**
 * Applies pending migrations, as drizzle's migrator does (same bookkeeping table),
 * and distributes new tables. On a fresh database every migration runs first and
 * the tables are distributed at the end. Once tables are distributed, a later
 * migration's new table is distributed right after its CREATE TABLE, before the
 * statements (foreign keys, indexes) that need it distributed.
 */
export async function migrateCitus(
  db: Exec & { transaction<T>(f: (tx: Exec) => Promise<T>): Promise<T> },
  migrationsFolder: string,
  /** The bookkeeping table (drizzle's by default; tests use their own). */
  migrationsTable = "__drizzle_migrations",
): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const book = sql.raw(`drizzle."${migrationsTable.replace(/"/g, "")}"`);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK})`);
    // DDL and distribution in one transaction: one connection per worker.
    await tx.execute(sql`set local citus.multi_shard_modify_mode to 'sequential'`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists ${book} (id serial primary key, hash text not null, created_at bigint)`);
    const [last] = await rows<{ created_at: string }>(tx, sql`select created_at from ${book} order by created_at desc limit 1`);
    const distributed = (await rows(tx, sql`select 1 from pg_dist_partition limit 1`)).length > 0;
    for (const m of migrations) {
      if (last && Number(last.created_at) >= m.folderMillis) continue;
      for (const stmt of m.sql) {
        const code = stmt.replace(/^(\s*--[^\n]*\n)*\s*/, "");
        if (!code) continue;
        if (distributed && !/^create table/i.test(code)) await distributePending(tx);
        await tx.execute(sql.raw(stmt));
      }
      await tx.execute(sql`insert into ${book} (hash, created_at) values (${m.hash}, ${m.folderMillis})`);
    }
    await distributePending(tx);
  });
}

export interface CitusTable {
  table: string;
  kind: string;
  column: string | null;
  colocationId: number;
  shards: number;
  size: string;
}

/** What `ops citus-status` prints: every Citus table, its kind, column and shards, and the worker nodes. */
export async function citusStatus(db: Exec): Promise<{ tables: CitusTable[]; nodes: { name: string; port: number; role: string }[] }> {
  const tables = await rows<CitusTable>(
    db,
    sql`select table_name::text as "table", citus_table_type as kind, nullif(distribution_column, '<none>') as "column",
               colocation_id as "colocationId", shard_count as shards, table_size as size
        from citus_tables order by citus_table_type, table_name::text`,
  );
  const nodes = await rows<{ name: string; port: number; role: string }>(
    db,
    sql`select nodename as name, nodeport as port, case when groupid = 0 then 'coordinator' else 'worker' end as role
        from pg_dist_node where isactive order by groupid`,
  );
  return { tables, nodes };
}
