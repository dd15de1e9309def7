import "server-only";
// Overview: the account's money, this cycle so far and where it
// is heading, last cycle, subscriptions about to expire, a 12-month trend by
// product and the costliest instances — each one grouped query in the database.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "@/db/client";
import { cycleOf, shiftCycle } from "@/lib/billing/cycle";
import { accountNow } from "@/lib/clock";
import { dec, toFixedString } from "@/lib/money";
import { getAccount } from "../account";
import { getAccountSummary } from "../bills";
import { allocationFields, allocationFilters, needsTagKey, queryInput } from "../bill-lines";
import type { Caller } from "../caller";
import { parseInput } from "../validate";

const EXPIRY_WINDOW_DAYS = 15;

/** The tag and resource-group filters narrow the trend and the costliest instances (the money cards stay the account's). */
export const overviewFilters = z.object(allocationFields).superRefine(needsTagKey);

export async function getOverview(caller: Caller, accountId?: string, filters: unknown = {}) {
  const account = await getAccount(caller, accountId);
  const f = parseInput(overviewFilters, queryInput(filters));
  const narrowed = sql.join(allocationFilters(f).map((c) => sql` AND ${c}`), sql``);
  const now = accountNow(account);
  const cycle = cycleOf(now, account.timeZone);
  const previous = shiftCycle(cycle, -1);
  const firstOfTrend = shiftCycle(cycle, -11);
  const soon = new Date(now.getTime() + EXPIRY_WINDOW_DAYS * 86_400_000);
  const db = await getDb();
  const id = account.id;

  // The kept totals (lib/data/line-totals.ts) answer the money cards always, and the
  // trend and costliest instances when no tag / group filter narrows them (those scan the lines).
  const kept = !allocationFilters(f).length;
  const lines = (table: string) => sql.raw(kept ? `${table} bl` : "bill_lines bl");
  const pretax = sql.raw(kept ? "bl.pretax_amount" : "round(bl.pretax_amount, 2)");
  const [summary, [spend], trend, top, expiring] = await Promise.all([
    getAccountSummary(caller, accountId),
    query<{ metered: string; oneOff: string; last: string }>(
      db,
      sql`SELECT
        coalesce(sum(pretax_amount) FILTER (WHERE billing_cycle = ${cycle} AND line_type = 'usage'), 0)::text AS metered,
        coalesce(sum(pretax_amount) FILTER (WHERE billing_cycle = ${cycle} AND line_type <> 'usage'), 0)::text AS "oneOff",
        coalesce(sum(pretax_amount) FILTER (WHERE billing_cycle = ${previous}), 0)::text AS last
      FROM bill_line_totals WHERE account_id = ${id} AND billing_cycle IN (${cycle}, ${previous})`,
    ),
    query<{ cycle: string; productId: string; productName: string; amount: string }>(
      db,
      sql`SELECT bl.billing_cycle AS cycle, bl.product_id AS "productId", coalesce(min(p.name), bl.product_id) AS "productName",
          sum(${pretax})::text AS amount
        FROM ${lines("bill_line_totals")} LEFT JOIN products p ON p.id = bl.product_id
        WHERE bl.account_id = ${id} AND bl.billing_cycle >= ${firstOfTrend} AND bl.billing_cycle <= ${cycle}${narrowed}
        GROUP BY bl.billing_cycle, bl.product_id ORDER BY 1, 2`,
    ),
    query<{ instanceId: string; instanceName: string; productId: string; productName: string; amount: string }>(
      db,
      sql`SELECT bl.instance_id AS "instanceId", min(bl.instance_name) AS "instanceName", min(bl.product_id) AS "productId",
          coalesce(min(p.name), min(bl.product_id)) AS "productName", sum(${pretax})::text AS amount
        FROM ${lines("bill_line_instance_totals")} LEFT JOIN products p ON p.id = bl.product_id
        WHERE bl.account_id = ${id} AND bl.billing_cycle = ${cycle}${narrowed}
        GROUP BY bl.instance_id ORDER BY sum(${pretax}) DESC, bl.instance_id COLLATE "C" LIMIT 5`,
    ),
    query<{ id: string; name: string; productId: string; productName: string; expiresAt: string; autoRenew: boolean }>(
      db,
      sql`SELECT i.id, i.name, i.product_id AS "productId", p.name AS "productName", i.expires_at::text AS "expiresAt", i.auto_renew AS "autoRenew"
        FROM instances i LEFT JOIN products p ON p.id = i.product_id
        WHERE i.account_id = ${id} AND i.billing_method = 'subscription' AND i.status NOT IN ('released', 'expired')
          AND i.expires_at >= ${now.toISOString()}::timestamptz AND i.expires_at < ${soon.toISOString()}::timestamptz
        ORDER BY i.expires_at, i.id COLLATE "C"`,
    ),
  ]);

  const months = Array.from({ length: 12 }, (_, i) => shiftCycle(firstOfTrend, i));
  const products = [...new Map(trend.map((t) => [t.productId, t.productName])).entries()].map(([id, name]) => ({ id, name }));
  const trendRows = months.map((m) => {
    const row: Record<string, string> = { cycle: m };
    for (const p of products) row[p.id] = "0.00";
    for (const t of trend.filter((t) => t.cycle === m)) row[t.productId] = toFixedString(t.amount);
    return row;
  });

  return {
    account: { id, name: account.name, currency: account.currency, timeZone: account.timeZone },
    asOf: now,
    cycle,
    previousCycle: previous,
    summary,
    spendToDate: toFixedString(dec(spend.metered).plus(spend.oneOff)),
    lastCycleTotal: toFixedString(spend.last),
    expiring: expiring.map((e) => ({ ...e, expiresAt: new Date(e.expiresAt) })),
    trend: { products, rows: trendRows },
    filters: f,
    topInstances: top.map((t) => ({ ...t, amount: toFixedString(t.amount) })),
  };
}
