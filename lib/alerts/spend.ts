// What the alerts read, inside the jobs' transaction: a cycle's spend (whole
// account or one product), the charges in the order they fell due (to find
// the instant a threshold was crossed), the forecast, and available credit.
import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "@/db/client";
import type { Account } from "@/db/schema";
import { cycleBounds, cycleOf, dayBounds, dayOf, type Cycle } from "@/lib/billing/cycle";
import { keptOutstanding } from "@/lib/billing/line-totals";
import { dec } from "@/lib/money";
import { UNPAID_ORDER_TTL_MS } from "@/lib/lifecycle/orders";
import { forecastCycleEnd, RUN_RATE_DAYS, type Forecast } from "./forecast";

const DAY_MS = 86_400_000;

// Sums of the lines read from the kept totals (bill_line_totals, kept in the lines'
// own transactions): its groups hold sums of 2-dp rounded amounts and every filter
// below is on a column it groups by, so each sum equals the one over bill_lines
// exactly, at a cost that does not grow with the number of lines.

/** The cycle's spend so far (2-dp rounded lines, as every total), whole account or one product. */
export async function cycleTotal(tx: DbOrTx, accountId: string, cycle: Cycle, productId: string | null) {
  const [r] = await query<{ total: string }>(
    tx,
    sql`SELECT coalesce(sum(pretax_amount), 0)::text AS total FROM bill_line_totals
      WHERE account_id = ${accountId} AND billing_cycle = ${cycle} ${productId ? sql`AND product_id = ${productId}` : sql``}`,
  );
  return dec(r.total);
}

/**
 * Each charge of the cycle (2-dp rounded, as totals are) with when it fell
 * due, in that order. A line made of periods (Cloud Phone) counts each period
 * at its own due instant.
 */
export async function cycleCharges(tx: DbOrTx, accountId: string, cycle: Cycle, productId: string | null) {
  const product = productId ? sql`AND product_id = ${productId}` : sql``;
  const rows = await query<{ amount: string; dueAt: string }>(
    tx,
    sql`SELECT amount, "dueAt" FROM (SELECT round(p.amount, 2)::text AS amount, p.due_at::text AS "dueAt", p.id AS k FROM bill_line_periods p
        WHERE p.account_id = ${accountId} AND p.line_id IN (SELECT id FROM bill_lines WHERE account_id = ${accountId} AND billing_cycle = ${cycle} ${product})
      UNION ALL
      SELECT round(l.pretax_amount, 2)::text, l.due_at::text, l.id FROM bill_lines l
        WHERE l.account_id = ${accountId} AND l.billing_cycle = ${cycle} ${product}
          AND NOT EXISTS (SELECT 1 FROM bill_line_periods p WHERE p.account_id = l.account_id AND p.line_id = l.id)
      ) u ORDER BY "dueAt", k COLLATE "C"`,
  );
  return rows.map((r) => ({ amount: dec(r.amount), dueAt: new Date(r.dueAt) }));
}

export async function cycleForecast(tx: DbOrTx, account: Pick<Account, "id" | "timeZone">, now: Date, productId: string | null = null): Promise<Forecast & { cycle: Cycle; spendToDate: string }> {
  const cycle = cycleOf(now, account.timeZone);
  const today = dayBounds(dayOf(now, account.timeZone), account.timeZone).start;
  const windowStart = dayOf(new Date(today.getTime() - RUN_RATE_DAYS * DAY_MS + DAY_MS / 2), account.timeZone);
  const todayDay = dayOf(now, account.timeZone);
  const product = productId ? sql`AND product_id = ${productId}` : sql``;
  const [r] = await query<{ oneOff: string; metered: string; window: string }>(
    tx,
    sql`SELECT
      coalesce(sum(pretax_amount) FILTER (WHERE billing_cycle = ${cycle} AND line_type <> 'usage'), 0)::text AS "oneOff",
      coalesce(sum(pretax_amount) FILTER (WHERE billing_cycle = ${cycle} AND line_type = 'usage'), 0)::text AS metered,
      coalesce(sum(pretax_amount) FILTER (WHERE line_type = 'usage' AND bill_date >= ${windowStart} AND bill_date < ${todayDay}), 0)::text AS "window"
    FROM bill_line_totals WHERE account_id = ${account.id} ${product}
      AND (billing_cycle = ${cycle} OR (bill_date >= ${windowStart} AND bill_date < ${todayDay}))`,
  );
  const f = forecastCycleEnd({ now, cycleEnd: cycleBounds(cycle, account.timeZone).end, oneOff: r.oneOff, meteredToDate: r.metered, meteredLastDays: r.window });
  return { ...f, cycle, spendToDate: dec(r.oneOff).plus(r.metered).toFixed(2) };
}

/**
 * As GET /api/v1/account: balance + usable vouchers + usable coupons + credit
 * limit − outstanding (lines, and unpaid orders not yet expired).
 */
export async function availableCredit(tx: DbOrTx, account: Pick<Account, "id" | "creditLimit">, now: Date) {
  const at = now.toISOString();
  const [r] = await query<{ available: string }>(
    tx,
    sql`SELECT (
      (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account_id = ${account.id})
      + (SELECT coalesce(sum(remaining), 0) FROM vouchers WHERE account_id = ${account.id} AND valid_from <= ${at}::timestamptz AND expires_at > ${at}::timestamptz AND remaining > 0)
      + (SELECT coalesce(sum(remaining), 0) FROM coupons WHERE account_id = ${account.id} AND valid_from <= ${at}::timestamptz AND expires_at > ${at}::timestamptz AND remaining > 0)
      + ${account.creditLimit}::numeric
      - ${keptOutstanding(account.id)}
      - (SELECT coalesce(sum(round(payable_amount, 2) - round(paid_amount, 2)), 0) FROM orders WHERE account_id = ${account.id} AND status = 'unpaid'
          AND created_at > ${new Date(now.getTime() - UNPAID_ORDER_TTL_MS).toISOString()}::timestamptz)
    )::text AS available`,
  );
  return dec(r.available);
}
