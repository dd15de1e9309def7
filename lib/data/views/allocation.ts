import "server-only";
// Cost allocation (docs/tags.md): a cycle's cost by resource group or by the
// value of one tag key, under the tag and group filters. Lines without the
// group or tag are a row of their own (key null), never dropped, so the rows
// add up to the total of the filtered lines to the cent.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "@/db/client";
import { sum, toFixedString } from "@/lib/money";
import { allocationFields, allocationFilters, CYCLE, needsTagKey, queryInput, tagValueSql } from "../bill-lines";
import { tenantOf, type Caller } from "../caller";
import { keptTagLines } from "../line-totals";
import { parseInput } from "../validate";

export const ALLOCATION_DIMENSIONS = ["resourceGroup", "tag"] as const;

export const allocationQuerySchema = z
  .object({
    billingCycle: CYCLE,
    // "allocateBy", not "groupBy": the Overview's other cards read the same URL.
    allocateBy: z.enum(ALLOCATION_DIMENSIONS, { error: `must be one of ${ALLOCATION_DIMENSIONS.join(", ")}` }).default("resourceGroup"),
    ...allocationFields,
  })
  .superRefine((q, ctx) => needsTagKey({ ...q, groupBy: q.allocateBy }, ctx));
export type AllocationQuery = z.output<typeof allocationQuerySchema>;

export interface AllocationRow {
  /** The group or tag value; null: the lines in no group / without the tag. */
  key: string | null;
  lineCount: number;
  amount: string;
}

export async function getCostAllocation(caller: Caller, input: unknown, accountId?: string) {
  const account = tenantOf(caller, accountId);
  const q = parseInput(allocationQuerySchema, queryInput(input));
  const key = sql.raw(q.allocateBy === "tag" && q.tagKey ? tagValueSql(q.tagKey) : "bl.resource_group");
  // From the kept tag totals (one row per group and tag set of the cycle), not the cycle's lines.
  const filters = allocationFilters(q);
  const where = filters.length ? sql`WHERE ${sql.join(filters, sql` AND `)}` : sql``;
  const rows = await query<{ key: string | null; lineCount: number; amount: string }>(
    await getDb(),
    sql`SELECT ${key} AS key, sum(bl.line_count)::int AS "lineCount", sum(bl.pretax_amount)::text AS amount
        FROM ${keptTagLines(account, q.billingCycle)} bl ${where}
        GROUP BY 1 ORDER BY sum(bl.pretax_amount) DESC, ${key} COLLATE "C" NULLS LAST`,
  );
  const data: AllocationRow[] = rows.map((r) => ({ key: r.key, lineCount: Number(r.lineCount), amount: toFixedString(r.amount) }));
  // Σ of rounded line amounts per group, so the groups' sum is the total exactly.
  return { query: q, data, total: toFixedString(sum(data.map((r) => r.amount))) };
}
