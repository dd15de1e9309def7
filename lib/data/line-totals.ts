import "server-only";
// Reading the kept bill-line totals (lib/billing/line-totals.ts keeps them in the
// lines' own transactions): counts and sums for views whose filters and grouping
// are all among a kept table's dimensions. A view with any other filter (tags,
// resource group, zero-charge hiding, an order) scans bill_lines instead — the
// callers fall back when `keptTableFor` answers null. Cost allocation and the
// tag pickers read the kept tag totals (keptTagLines).
import { sql, type SQL } from "drizzle-orm";
import { KEPT_TABLES, LINE_AMOUNT_COLUMNS } from "@/lib/billing/line-totals";
export { keptOutstanding } from "@/lib/billing/line-totals";

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

/**
 * The kept tag totals of one cycle shaped as bill_lines rows (`tags`,
 * `resource_group` null when in none, `line_count`, `pretax_amount`), so the
 * tag and group filters written for bill_lines apply to them unchanged.
 */
export function keptTagLines(accountId: string, billingCycle: string): SQL {
  return sql`(SELECT t.tags, nullif(t.resource_group, '') AS resource_group, t.line_count, t.pretax_amount
    FROM bill_line_tag_totals t WHERE t.account_id = ${accountId} AND t.billing_cycle = ${billingCycle})`;
}
