import "server-only";
// Usage Records (PRODUCT.md §8 tab 3): raw usage aggregated in the database
// per instance, billable item and time bucket (hour / day / month in the
// account's zone — date_trunc with a zone, so DST days have 23 or 25 hours).
// Bounded by account and a time range, which usage_records_account_start_idx serves.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "@/db/client";
import { cycleBounds, dayBounds } from "@/lib/billing/cycle";
import { BadRequestError } from "@/lib/errors";
import { dec } from "@/lib/money";
import { getAccount } from "../account";
import { CYCLE, multi, queryInput } from "../bill-lines";
import type { Caller } from "../caller";
import { parseInput } from "../validate";

export const TIME_UNITS = ["hour", "day", "month"] as const;
const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day YYYY-MM-DD");
const MAX_DAYS = 366;

export const usageQuerySchema = z
  .object({
    billingCycle: CYCLE,
    from: DAY.optional(), // inclusive; default: the cycle's first day
    to: DAY.optional(), // inclusive; default: the cycle's last day
    unit: z.enum(TIME_UNITS, { error: "must be hour, day or month" }).default("day"),
    productId: multi(z.string().max(200)),
    itemId: multi(z.string().max(200)),
    page: z.coerce.number({ error: "must be a page number" }).int().min(1, "must be 1 or more").max(100_000).default(1),
    limit: z.coerce.number({ error: "must be 1 to 500" }).int().min(1, "must be 1 to 500").max(500, "must be 1 to 500").default(50),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "must not be before from" });
export type UsageQuery = z.output<typeof usageQuerySchema>;

export interface UsageRow {
  bucket: string; // local start of the bucket, e.g. "2026-10-05 14:00"
  instanceId: string;
  instanceName: string | null;
  productId: string | null;
  productName: string | null;
  itemId: string;
  itemName: string | null;
  quantity: string;
  unit: string | null;
  records: number;
}

const FORMAT: Record<UsageQuery["unit"], string> = { hour: "YYYY-MM-DD HH24:00", day: "YYYY-MM-DD", month: "YYYY-MM" };

function range(q: UsageQuery, timeZone: string): { start: Date; end: Date } {
  const cycle = cycleBounds(q.billingCycle, timeZone);
  let start = cycle.start;
  let end = cycle.end;
  try {
    if (q.from) start = dayBounds(q.from, timeZone).start;
    if (q.to) end = dayBounds(q.to, timeZone).end;
  } catch {
    throw new BadRequestError("from/to: must be real days YYYY-MM-DD.");
  }
  if (end.getTime() - start.getTime() > MAX_DAYS * 86_400_000) throw new BadRequestError(`from/to: at most ${MAX_DAYS} days at a time.`);
  return { start, end };
}

/** The grouped statement, in bucket order; `tz` is validated (the account's own zone). */
function usageSql(accountId: string, timeZone: string, q: UsageQuery): SQL {
  const { start, end } = range(q, timeZone);
  const conds: SQL[] = [
    sql`ur.account_id = ${accountId}`,
    sql`ur.start_at >= ${start.toISOString()}::timestamptz`,
    sql`ur.start_at < ${end.toISOString()}::timestamptz`,
  ];
  if (q.productId?.length) conds.push(sql`bi.product_id IN (${sql.join(q.productId.map((v) => sql`${v}`), sql`, `)})`);
  if (q.itemId?.length) conds.push(sql`ur.item_id IN (${sql.join(q.itemId.map((v) => sql`${v}`), sql`, `)})`);
  const bucket = sql`date_trunc(${q.unit}, ur.start_at, ${timeZone})`;
  return sql`SELECT to_char(g.bucket AT TIME ZONE ${timeZone}, ${FORMAT[q.unit]}) AS bucket, g.instance_id AS "instanceId",
      i.name AS "instanceName", bi.product_id AS "productId", p.name AS "productName", g.item_id AS "itemId",
      bi.name AS "itemName", g.quantity::text AS quantity, bi.usage_unit AS unit, g.records::int AS records
    FROM (
      SELECT ${bucket} AS bucket, ur.instance_id, ur.item_id, sum(ur.quantity) AS quantity, count(*) AS records
      FROM usage_records ur LEFT JOIN billable_items bi ON bi.id = ur.item_id
      WHERE ${sql.join(conds, sql` AND `)}
      GROUP BY 1, 2, 3
    ) g
    LEFT JOIN billable_items bi ON bi.id = g.item_id
    LEFT JOIN products p ON p.id = bi.product_id
    LEFT JOIN instances i ON i.account_id = ${accountId} AND i.id = g.instance_id
    ORDER BY g.bucket, g.instance_id COLLATE "C", g.item_id COLLATE "C"`;
}

function toRow(r: Record<string, unknown>): UsageRow {
  const row = { ...r };
  delete row.__total;
  return { ...(row as unknown as UsageRow), quantity: dec(String(r.quantity)).toDecimalPlaces(6).toFixed(), records: Number(r.records) };
}

export async function listUsage(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(usageQuerySchema, queryInput(input));
  const grouped = usageSql(account.id, account.timeZone, q);
  const db = await getDb();
  // The total rides along as a window count: the groups are computed once, not
  // once for the page and again for the count. Past the last page there is no
  // row to carry it, so only then is it counted separately.
  const rows = await query<Record<string, unknown>>(
    db,
    sql`SELECT g.*, count(*) OVER ()::int AS "__total" FROM (${grouped}) g
        ORDER BY g.bucket COLLATE "C", g."instanceId" COLLATE "C", g."itemId" COLLATE "C" LIMIT ${q.limit} OFFSET ${(q.page - 1) * q.limit}`,
  );
  const totalCount = rows.length
    ? Number(rows[0].__total)
    : Number((await query<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM (${grouped}) c`))[0].n);
  return { query: q, data: rows.map(toRow), totalCount, timeZone: account.timeZone };
}

export async function allUsageQuery(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(usageQuerySchema, queryInput(input));
  return { query: q, sql: usageSql(account.id, account.timeZone, q), toRow };
}

/** Products and billable items that have usage, for the filter pickers. */
export async function usageItems(caller: Caller, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const db = await getDb();
  return query<{ productId: string; productName: string; itemId: string; itemName: string; unit: string }>(
    db,
    sql`SELECT bi.product_id AS "productId", p.name AS "productName", bi.id AS "itemId", bi.name AS "itemName", bi.usage_unit AS unit
      FROM billable_items bi JOIN products p ON p.id = bi.product_id
      WHERE bi.product_id IN (SELECT DISTINCT product_id FROM instances WHERE account_id = ${account.id})
      ORDER BY p.name, bi.name`,
  );
}
