import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { tablePlan } from "@/db/citus";
import { useTestDatabase } from "./db";

// Tenant tables are those distributed by account_id (db/citus.ts decides, from the schema).
const TENANT_TABLES = new Set(tablePlan().flatMap((p) => (p.place.kind === "distributed" && p.place.column === "account_id" ? [p.table] : [])));

describe("schema", () => {
  const t = useTestDatabase();

  it("every tenant table has account_id leading its primary key and its indexes", async () => {
    const rows = await query<{ table: string; index: string; primary: boolean; first: string }>(
      t.handle().db,
      sql`select c.relname as "table", i.relname as "index", x.indisprimary as "primary",
                 a.attname as "first"
          from pg_index x
          join pg_class c on c.oid = x.indrelid
          join pg_class i on i.oid = x.indexrelid
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
          where n.nspname = 'public'`,
    );
    const tenant = rows.filter((r) => TENANT_TABLES.has(r.table));
    expect(new Set(tenant.map((r) => r.table)).size).toBeGreaterThanOrEqual(25);
    for (const r of tenant) expect({ index: r.index, first: r.first }).toEqual({ index: r.index, first: "account_id" });
  });

  it("every table is placed on a cluster: tenant, look-up by its key, or catalog copied to every node", async () => {
    const plan = new Map(tablePlan().map((p) => [p.table, p.place]));
    expect(plan.get("accounts")).toEqual({ kind: "distributed", column: "id", colocateWith: "default" });
    expect(plan.get("user_logins")).toMatchObject({ column: "email" });
    expect(plan.get("api_key_hashes")).toMatchObject({ column: "key_hash" });
    for (const t of ["products", "regions", "billable_items", "prices"]) expect(plan.get(t)).toEqual({ kind: "reference" });
    // No unique index on a tenant table may leave account_id out (Citus refuses it, and it would cross accounts).
    const uniques = await query<{ table: string; def: string }>(
      t.handle().db,
      sql`select c.relname as "table", pg_get_indexdef(x.indexrelid) as def from pg_index x join pg_class c on c.oid = x.indrelid
          join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and x.indisunique`,
    );
    for (const u of uniques.filter((u) => TENANT_TABLES.has(u.table))) expect(u.def).toMatch(/\(account_id[,)]/);
  });

  it("money and quantities are numeric, instants timestamptz", async () => {
    const cols = await query<{ table: string; column: string; type: string }>(
      t.handle().db,
      sql`select table_name as "table", column_name as "column", data_type as "type"
          from information_schema.columns where table_schema = 'public'`,
    );
    const byName = (table: string, column: string) => cols.find((c) => c.table === table && c.column === column)?.type;
    for (const [table, column] of [["bill_lines", "pretax_amount"], ["bill_lines", "usage_quantity"], ["ledger_entries", "amount"], ["prices", "unit_price"], ["orders", "payable_amount"], ["accounts", "credit_limit"], ["usage_records", "quantity"]]) {
      expect(byName(table, column), `${table}.${column}`).toBe("numeric");
    }
    for (const [table, column] of [["instances", "created_at"], ["usage_records", "start_at"], ["ledger_entries", "at"]]) {
      expect(byName(table, column), `${table}.${column}`).toBe("timestamp with time zone");
    }
    expect(cols.some((c) => c.type === "real" || c.type === "double precision")).toBe(false);
  });
});
