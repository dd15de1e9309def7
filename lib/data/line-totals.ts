import "server-only";
// Reading the kept bill-line totals (lib/billing/line-totals.ts keeps them in the
// lines' own transactions): counts and sums for views whose filters and grouping
// are all among a kept table's dimensions. A view with any other filter (tags,
// resource group, zero-charge hiding, an order) scans bill_lines instead — the
// callers fall back when `keptTableFor` answers null.
import { sql, type SQL } from "drizzle-orm";
import { KEPT_TABLES, LINE_AMOUNT_COLUMNS } from "@/lib/billing/line-totals";

export type KeptTable = keyof typeof KEPT_TABLES;
/** Equality / IN conditions on bill_lines columns (besides account_id). */
export type KeptConditions = [column: string, values: readonly string[]][];

/** The smallest kept table that has every one of these bill_lines columns, or null. */
export function keptTableFor(columns: readonly string[]): KeptTable | null {
  for (const table of Object.keys(KEPT_TABLES) as KeptTable[]) {
    const has = new Set<string>(KEPT_TABLES[table]);
    if (columns.every((c) => has.has(c))) return table;
  }
  return null;
}

/** `t.account_id = … AND t.<col> IN (…) …` over a kept table aliased `t`. */
export function keptWhere(accountId: string, conds: KeptConditions): SQL {
  const parts = [sql`t.account_id = ${accountId}`];
  for (const [column, values] of conds) {
    const cast = column === "bill_date" ? sql.raw("::date") : sql``;
    parts.push(sql`${sql.raw(`t.${column}`)} IN (${sql.join(values.map((v) => sql`${v}${cast}`), sql`, `)})`);
  }
  return sql.join(parts, sql` AND `);
}

/** `sum(t.<amount>)` for each money column, named as the bill_lines column. */
export const KEPT_AMOUNTS = LINE_AMOUNT_COLUMNS;
