// Migrations on a cluster that is already distributed: a later migration's new
// tables are placed (tenant → distributed by account_id next to accounts; no
// account_id → reference) before its foreign keys and indexes run, and running
// it again changes nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { migrateCitus } from "@/db/citus";
import { migrateDatabase, openDatabase, query, type DbHandle } from "@/db/client";

describe("migrations on a distributed cluster", () => {
  let handle: DbHandle;
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const notes = `probe_notes_${suffix}`;
  const kinds = `probe_kinds_${suffix}`;
  const book = `__probe_migrations_${suffix}`;
  const folder = mkdtempSync(path.join(os.tmpdir(), "citus-migrate-"));

  beforeAll(async () => {
    handle = await openDatabase({ url: process.env.DATABASE_URL });
    await migrateDatabase(handle);
  });
  afterAll(async () => {
    await handle.db.execute(sql.raw(`drop table if exists "${notes}"; drop table if exists "${kinds}"; drop table if exists drizzle."${book}"`));
    await handle.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("places a new tenant table and a new catalog table before the statements that need them placed", async () => {
    mkdirSync(path.join(folder, "meta"));
    writeFileSync(
      path.join(folder, "meta", "_journal.json"),
      JSON.stringify({ version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", when: Date.now(), tag: "0000_probe", breakpoints: true }] }),
    );
    writeFileSync(
      path.join(folder, "0000_probe.sql"),
      [
        `CREATE TABLE "${notes}" ("account_id" text NOT NULL, "id" text NOT NULL, "kind_id" text, "body" text, CONSTRAINT "${notes}_pk" PRIMARY KEY("account_id","id"))`,
        `CREATE TABLE "${kinds}" ("id" text PRIMARY KEY NOT NULL, "name" text NOT NULL)`,
        `ALTER TABLE "${notes}" ADD CONSTRAINT "${notes}_account_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id")`,
        `ALTER TABLE "${notes}" ADD CONSTRAINT "${notes}_kind_fk" FOREIGN KEY ("kind_id") REFERENCES "public"."${kinds}"("id")`,
        `CREATE UNIQUE INDEX "${notes}_body_key" ON "${notes}" USING btree ("account_id","body")`,
      ].join(";--> statement-breakpoint\n"),
    );
    await migrateCitus(handle.db as never, folder, book);
    await migrateCitus(handle.db as never, folder, book); // again: nothing to do

    const placed = await query<{ table: string; kind: string; column: string; colocation: number }>(
      handle.db,
      sql`select table_name::text as "table", citus_table_type as kind, distribution_column as "column", colocation_id as colocation
          from citus_tables where table_name::text in (${notes}, ${kinds}, 'accounts') order by 1`,
    );
    const by = new Map(placed.map((p) => [p.table, p]));
    expect(by.get(notes)).toMatchObject({ kind: "distributed", column: "account_id", colocation: by.get("accounts")!.colocation });
    expect(by.get(kinds)).toMatchObject({ kind: "reference" });
    const fks = await query<{ name: string }>(handle.db, sql`select conname as name from pg_constraint where conrelid = ${notes}::regclass and contype = 'f' order by 1`);
    expect(fks.map((f) => f.name)).toEqual([`${notes}_account_fk`, `${notes}_kind_fk`]);
    const [{ n }] = await query<{ n: number }>(handle.db, sql.raw(`select count(*)::int as n from drizzle."${book}"`));
    expect(n).toBe(1);
  });
});
