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
import { keptTableFor, keptWhere } from "../line-totals";
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
      -- 0.00, not 0: a group with no line due yet still sums to an amount with cents.
      sum(CASE WHEN bl.due_at <= ${now.toISOString()}::timestamptz THEN round(bl.outstanding_amount, 2) ELSE 0.00 END)::text AS "overdueAmount"
    FROM bill_lines bl
      LEFT JOIN products p ON p.id = bl.product_id
      LEFT JOIN regions r ON r.id = bl.region_id
    WHERE bl.account_id = ${accountId} AND bl.billing_cycle = ${q.billingCycle}${sql.join(filters, sql``)}
    GROUP BY ${sql.raw(key)}
    ORDER BY sum(round(bl.pretax_amount, 2)) DESC, ${sql.raw(key)} COLLATE "C" NULLS LAST`;
}

/** The kept-totals column and label of a dimension the kept tables have. */
const KEPT_KEY: Partial<Record<SummaryDimension, [string, string]>> = {
  productId: ["product_id", "coalesce(min(p.name), t.product_id)"],
  productDetail: ["product_detail", "t.product_detail"],
  billingMethod: ["billing_method", "t.billing_method"],
  regionId: ["region_id", "coalesce(min(r.name), t.region_id)"],
  instanceId: ["instance_id", "min(t.instance_name)"],
};

/**
 * The same rows from the kept totals, when there is no tag / group filter and
 * the dimension is kept (null otherwise: summarySql scans the lines). Overdue is
 * what is outstanding less what is outstanding on lines not yet due at `now` —
 * those few are read from the lines (by the account/due-time index).
 */
function keptSummarySql(accountId: string, q: SummaryQuery, now: Date): SQL | null {
  const kept = KEPT_KEY[q.dimension];
  if (!kept || allocationFilters(q).length) return null;
  const [column, label] = kept;
  const table = keptTableFor(["billing_cycle", column])!;
  const amount = (c: string) => `sum(t.${c})`;
  return sql`WITH g AS (
      SELECT t.${sql.raw(column)} AS key, ${sql.raw(label)} AS label, sum(t.line_count)::int AS "lineCount",
        ${sql.raw(amount("original_amount"))} AS original, ${sql.raw(amount("discount_amount"))} AS discount,
        ${sql.raw(amount("pretax_amount"))} AS pretax,
        ${sql.raw(["paid_from_balance", "deducted_by_resource_plan", "deducted_by_coupons", "deducted_by_vouchers"].map(amount).join(" + "))} AS paid,
        ${sql.raw(amount("outstanding_amount"))} AS outstanding
      FROM ${sql.raw(table)} t
        LEFT JOIN products p ON p.id = t.product_id
        LEFT JOIN regions r ON r.id = t.region_id
      WHERE ${keptWhere(accountId, [["billing_cycle", [q.billingCycle]]])}
      GROUP BY t.${sql.raw(column)}
    ), not_due AS (
      SELECT bl.${sql.raw(column)} AS key, sum(round(bl.outstanding_amount, 2)) AS outstanding
      FROM bill_lines bl
      WHERE bl.account_id = ${accountId} AND bl.due_at > ${now.toISOString()}::timestamptz AND bl.billing_cycle = ${q.billingCycle}
      GROUP BY bl.${sql.raw(column)}
    )
    SELECT g.key, g.label, g."lineCount", g.original::text AS "originalAmount", g.discount::text AS "discountAmount",
      g.pretax::text AS "pretaxAmount", g.paid::text AS "paidAmount", g.outstanding::text AS "outstandingAmount",
      (g.outstanding - coalesce(n.outstanding, 0))::text AS "overdueAmount"
    FROM g LEFT JOIN not_due n ON n.key = g.key
    ORDER BY g.pretax DESC, g.key COLLATE "C" NULLS LAST`;
}

function toRow(r: Record<string, unknown>): SummaryRow {
  return { ...(r as SummaryRow), lineCount: Number(r.lineCount) };
}

export async function summaryQuery(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(summaryQuerySchema, queryInput(input));
  const now = accountNow(account);
  return { query: q, sql: keptSummarySql(account.id, q, now) ?? summarySql(account.id, q, now), toRow };
}

/** All groups (a cycle has at most as many as it has instances) and their totals. */
export async function getSummary(caller: Caller, input: unknown, accountId?: string) {
  const { query: q, sql: statement } = await summaryQuery(caller, input, accountId);
  const db = await getDb();
  const rows = (await query<Record<string, unknown>>(db, statement)).map(toRow);
  return { query: q, data: rows };
}
