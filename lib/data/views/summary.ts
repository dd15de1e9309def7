import "server-only";
// Summary by Quantity and Price (the fourth Bill Details tab): a cycle's bill lines
// summed by one dimension in the database. Sums of lines rounded to cents, so
// the figures equal Billing Details' totals exactly. "Overdue" is what is still
// outstanding on lines whose due time has passed at the account's now.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "@/db/client";
import { accountNow } from "@/lib/clock";
import { getAccount } from "../account";
import { allocationFields, allocationFilters, CYCLE, needsTagKey, NO_GROUP, queryInput, tagValueSql, UNTAGGED } from "../bill-lines";
import type { Caller } from "../caller";
import { parseInput } from "../validate";

export const SUMMARY_DIMENSIONS = ["productId", "productDetail", "billingMethod", "regionId", "instanceId", "resourceGroup", "tag"] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

const KEY: Record<Exclude<SummaryDimension, "tag">, [string, string]> = {
  productId: ["bl.product_id", "coalesce(min(p.name), bl.product_id)"],
  productDetail: ["bl.product_detail", "bl.product_detail"],
  billingMethod: ["bl.billing_method", "bl.billing_method"],
  regionId: ["bl.region_id", "coalesce(min(r.name), bl.region_id)"],
  instanceId: ["bl.instance_id", "min(bl.instance_name)"],
  // Cost not in any group is a row of its own: the rows always add up to the cycle.
  resourceGroup: ["bl.resource_group", `coalesce(bl.resource_group, '${NO_GROUP}')`],
};

/** The key and label expressions of a dimension; a tag's untagged lines are one row, "(untagged)". */
function keyOf(dimension: SummaryDimension, tagKey: string | undefined): [string, string] {
  if (dimension !== "tag") return KEY[dimension];
  const value = tagKey ? tagValueSql(tagKey) : "NULL::text";
  return [value, `coalesce(${value}, '${UNTAGGED}')`];
}

export const summaryQuerySchema = z.object({
  billingCycle: CYCLE,
  dimension: z.enum(SUMMARY_DIMENSIONS, { error: `must be one of ${SUMMARY_DIMENSIONS.join(", ")}` }).default("productId"),
  ...allocationFields,
}).superRefine(needsTagKey);
type SummaryQuery = z.output<typeof summaryQuerySchema>;

export const SUMMARY_AMOUNTS = ["originalAmount", "discountAmount", "pretaxAmount", "paidAmount", "outstandingAmount", "overdueAmount"] as const;
/** key is null for the untagged / no-group row. */
export type SummaryRow = { key: string | null; label: string; lineCount: number } & Record<(typeof SUMMARY_AMOUNTS)[number], string>;

function summarySql(accountId: string, q: SummaryQuery, now: Date): SQL {
  const [key, label] = keyOf(q.dimension, q.tagKey);
  const filters = allocationFilters(q).map((c) => sql` AND ${c}`);
  return sql`SELECT ${sql.raw(key)} AS key, ${sql.raw(label)} AS label, count(*)::int AS "lineCount",
      sum(round(bl.original_amount, 2))::text AS "originalAmount",
      sum(round(bl.discount_amount, 2))::text AS "discountAmount",
      sum(round(bl.pretax_amount, 2))::text AS "pretaxAmount",
      sum(round(bl.paid_from_balance, 2) + round(bl.deducted_by_resource_plan, 2) + round(bl.deducted_by_coupons, 2)
        + round(bl.deducted_by_vouchers, 2))::text AS "paidAmount",
      sum(round(bl.outstanding_amount, 2))::text AS "outstandingAmount",
      sum(CASE WHEN bl.due_at <= ${now.toISOString()}::timestamptz THEN round(bl.outstanding_amount, 2) ELSE 0 END)::text AS "overdueAmount"
    FROM bill_lines bl
      LEFT JOIN products p ON p.id = bl.product_id
      LEFT JOIN regions r ON r.id = bl.region_id
    WHERE bl.account_id = ${accountId} AND bl.billing_cycle = ${q.billingCycle}${sql.join(filters, sql``)}
    GROUP BY ${sql.raw(key)}
    ORDER BY sum(round(bl.pretax_amount, 2)) DESC, ${sql.raw(key)} COLLATE "C" NULLS LAST`;
}

function toRow(r: Record<string, unknown>): SummaryRow {
  return { ...(r as SummaryRow), lineCount: Number(r.lineCount) };
}

export async function summaryQuery(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(summaryQuerySchema, queryInput(input));
  return { query: q, sql: summarySql(account.id, q, accountNow(account)), toRow };
}

/** All groups (a cycle has at most as many as it has instances) and their totals. */
export async function getSummary(caller: Caller, input: unknown, accountId?: string) {
  const { query: q, sql: statement } = await summaryQuery(caller, input, accountId);
  const db = await getDb();
  const rows = (await query<Record<string, unknown>>(db, statement)).map(toRow);
  return { query: q, data: rows };
}
