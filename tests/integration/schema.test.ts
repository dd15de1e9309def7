import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { useTestDatabase } from "./db";

const GLOBAL_TABLES = new Set(["accounts", "products", "region_groups", "regions", "billable_items", "prices", "sign_in_failures", "operator_keys", "__drizzle_migrations"]);

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
    const tenant = rows.filter((r) => !GLOBAL_TABLES.has(r.table));
    expect(new Set(tenant.map((r) => r.table)).size).toBeGreaterThanOrEqual(15);
    for (const r of tenant) {
      // users_email_key and api_keys_hash_key serve sign-in and key lookup, before any account is known.
      if (r.index === "users_email_key" || r.index === "api_keys_hash_key") continue;
      expect({ index: r.index, first: r.first }).toEqual({ index: r.index, first: "account_id" });
    }
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
