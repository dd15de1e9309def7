import "server-only";
// Usage Records (the third Bill Details tab): usage per instance, billable item and
// time bucket (hour / day / month in the account's zone). Read from the rollups
// the writer of usage_records keeps (usage_daily for days and months,
// usage_hourly for hours), whose primary keys are the page order, so a page
// costs the same at 10 records or 10 million. Hours in a zone with a
// half-hour offset are not whole UTC hours: those fall back to the raw records.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "@/db/client";
import { dayBounds, daysInCycle, wholeHourOffsets } from "@/lib/billing/cycle";
import { BadRequestError } from "@/lib/errors";
import { dec } from "@/lib/money";
import { getAccount } from "../account";
import { CYCLE, DAY, multi, queryInput } from "../bill-lines";
import type { Caller } from "../caller";
import { parseInput } from "../validate";

export const TIME_UNITS = ["hour", "day", "month"] as const;
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

interface Range {
  start: Date; // [start, end): the days' bounds in the account's zone
  end: Date;
  fromDay: string; // inclusive local days
  toDay: string;
}

function range(q: UsageQuery, timeZone: string): Range {
  const fromDay = q.from ?? `${q.billingCycle}-01`;
  const toDay = q.to ?? `${q.billingCycle}-${String(daysInCycle(q.billingCycle)).padStart(2, "0")}`;
  let bounds: { start: Date; end: Date };
  try {
    bounds = { start: dayBounds(fromDay, timeZone).start, end: dayBounds(toDay, timeZone).end };
  } catch {
    throw new BadRequestError("from/to: must be real days YYYY-MM-DD.");
  }
  if (bounds.end.getTime() - bounds.start.getTime() > MAX_DAYS * 86_400_000) throw new BadRequestError(`from/to: at most ${MAX_DAYS} days at a time.`);
  return { ...bounds, fromDay, toDay };
}

const list = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/**
 * The groups as (k, instance_id, item_id, quantity, records) — k sorts the
 * buckets; `ORDER BY 1, 2, 3` is the page order, which the rollups' primary
 * keys serve — with the SQL that labels k, and optionally a cheaper exact count
 * of the groups than counting them.
 */
function groupsSql(accountId: string, timeZone: string, q: UsageQuery): { groups: SQL; label: (k: SQL) => SQL; count?: SQL } {
  const r = range(q, timeZone);
  const items: SQL[] = [];
  if (q.productId?.length) items.push(sql`item_id IN (SELECT id FROM billable_items WHERE product_id IN (${list(q.productId)}))`);
  if (q.itemId?.length) items.push(sql`item_id IN (${list(q.itemId)})`);
  const where = (...conds: SQL[]) => sql.join([sql`account_id = ${accountId}`, ...conds, ...items], sql` AND `);

  if (q.unit === "day") {
    return {
      groups: sql`SELECT day AS k, instance_id, item_id, quantity, records FROM usage_daily
        WHERE ${where(sql`day >= ${r.fromDay}::date`, sql`day <= ${r.toDay}::date`)}`,
      label: (k) => sql`to_char(${k}::timestamp, 'YYYY-MM-DD')`,
    };
  }
  if (q.unit === "month") {
    return {
      groups: sql`SELECT date_trunc('month', day)::date AS k, instance_id, item_id, sum(quantity) AS quantity, sum(records) AS records
        FROM usage_daily WHERE ${where(sql`day >= ${r.fromDay}::date`, sql`day <= ${r.toDay}::date`)}
        GROUP BY 1, 2, 3`,
      label: (k) => sql`to_char(${k}::timestamp, 'YYYY-MM')`,
    };
  }
  const hourLabel = (k: SQL) => sql`to_char(${k} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD HH24:00')`;
  const instants = (col: SQL) => [sql`${col} >= ${r.start.toISOString()}::timestamptz`, sql`${col} < ${r.end.toISOString()}::timestamptz`];
  if (wholeHourOffsets(timeZone, r)) {
    // Every local day of the range is whole UTC hours (23, 24 or 25), so its
    // hourly rows are the ones usage_daily.hours counts: ~24× fewer rows to sum.
    return {
      groups: sql`SELECT hour AS k, instance_id, item_id, quantity, records FROM usage_hourly
        WHERE ${where(...instants(sql`hour`))}`,
      label: hourLabel,
      count: sql`SELECT coalesce(sum(hours), 0)::text AS n FROM usage_daily
        WHERE ${where(sql`day >= ${r.fromDay}::date`, sql`day <= ${r.toDay}::date`)}`,
    };
  }
  return {
    groups: sql`SELECT date_trunc('hour', start_at, ${timeZone}) AS k, instance_id COLLATE "C" AS instance_id, item_id COLLATE "C" AS item_id,
        sum(quantity) AS quantity, count(*) AS records
      FROM usage_records WHERE ${where(...instants(sql`start_at`))}
      GROUP BY 1, 2, 3`,
    label: hourLabel,
  };
}

/** Names and units for a set of groups, in page order. */
function namedSql(accountId: string, groups: SQL, label: (k: SQL) => SQL): SQL {
  return sql`SELECT ${label(sql`g.k`)} AS bucket, g.instance_id AS "instanceId", i.name AS "instanceName",
      bi.product_id AS "productId", p.name AS "productName", g.item_id AS "itemId", bi.name AS "itemName",
      g.quantity::text AS quantity, bi.usage_unit AS unit, g.records::int AS records
    FROM (${groups}) g
    LEFT JOIN billable_items bi ON bi.id = g.item_id
    LEFT JOIN products p ON p.id = bi.product_id
    LEFT JOIN instances i ON i.account_id = ${accountId} AND i.id = g.instance_id
    ORDER BY g.k, g.instance_id, g.item_id`;
}

function toRow(r: Record<string, unknown>): UsageRow {
  return { ...(r as unknown as UsageRow), quantity: dec(String(r.quantity)).toDecimalPlaces(6).toFixed(), records: Number(r.records) };
}

export async function listUsage(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(usageQuerySchema, queryInput(input));
  const { groups, label, count } = groupsSql(account.id, account.timeZone, q);
  const db = await getDb();
  // The page is cut from the rollup in its key order before names are joined,
  // so only `limit` rows are looked up; the total is a separate query.
  const [rows, [{ n }]] = await Promise.all([
    query<Record<string, unknown>>(db, namedSql(account.id, sql`${groups} ORDER BY 1, 2, 3 LIMIT ${q.limit} OFFSET ${(q.page - 1) * q.limit}`, label)),
    query<{ n: string }>(db, count ?? sql`SELECT count(*)::text AS n FROM (${groups}) c`),
  ]);
  return { query: q, data: rows.map(toRow), totalCount: Number(n), timeZone: account.timeZone };
}

export async function allUsageQuery(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(usageQuerySchema, queryInput(input));
  const { groups, label } = groupsSql(account.id, account.timeZone, q);
  return { query: q, sql: namedSql(account.id, groups, label), toRow };
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
