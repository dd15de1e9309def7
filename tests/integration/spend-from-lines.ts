// What the alerts' spend readers (lib/alerts/spend.ts) and the outstanding of the
// console shell and overdue status must answer, computed straight from bill_lines
// (sums of 2-dp rounded amounts, as every total): they read the kept totals.
import { expect } from "vitest";
import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "@/db/client";
import type { Account } from "@/db/schema";
import { cycleBounds, cycleOf, dayBounds, dayOf } from "@/lib/billing/cycle";
import { forecastCycleEnd, RUN_RATE_DAYS } from "@/lib/alerts/forecast";
import { availableCredit, cycleForecast, cycleTotal } from "@/lib/alerts/spend";
import { getConsoleShell, getOverdueStatus } from "@/lib/data/account";
import type { Caller } from "@/lib/data/caller";
import { UNPAID_ORDER_TTL_MS } from "@/lib/lifecycle/orders";
import { dec, roundMoney, toFixedString } from "@/lib/money";

const DAY_MS = 86_400_000;

/** The forecast as summed over the lines (the statement the kept totals replaced). */
async function forecastFromLines(db: DbOrTx, account: Account, now: Date, productId: string | null) {
  const cycle = cycleOf(now, account.timeZone);
  const today = dayBounds(dayOf(now, account.timeZone), account.timeZone).start;
  const from = dayOf(new Date(today.getTime() - RUN_RATE_DAYS * DAY_MS + DAY_MS / 2), account.timeZone);
  const to = dayOf(now, account.timeZone);
  const product = productId ? sql`AND product_id = ${productId}` : sql``;
  const [r] = await query<{ oneOff: string; metered: string; window: string }>(
    db,
    sql`SELECT
      coalesce(sum(round(pretax_amount, 2)) FILTER (WHERE billing_cycle = ${cycle} AND line_type <> 'usage'), 0)::text AS "oneOff",
      coalesce(sum(round(pretax_amount, 2)) FILTER (WHERE billing_cycle = ${cycle} AND line_type = 'usage'), 0)::text AS metered,
      coalesce(sum(round(pretax_amount, 2)) FILTER (WHERE line_type = 'usage' AND bill_date >= ${from} AND bill_date < ${to}), 0)::text AS "window"
    FROM bill_lines WHERE account_id = ${account.id} ${product}`,
  );
  const f = forecastCycleEnd({ now, cycleEnd: cycleBounds(cycle, account.timeZone).end, oneOff: r.oneOff, meteredToDate: r.metered, meteredLastDays: r.window });
  return { ...f, cycle, spendToDate: dec(r.oneOff).plus(r.metered).toFixed(2) };
}

/**
 * Forecasts at each instant and cycle totals of each cycle, whole account and
 * per product; available credit; the outstanding the console shell and the
 * overdue status show — each equal to the sum over the lines.
 */
export async function expectSpendEqualsLines(db: DbOrTx, account: Account, instants: Date[], cycles: string[], productIds: string[]) {
  const A = account.id;
  for (const productId of [null, ...productIds]) {
    for (const now of instants) {
      expect(await cycleForecast(db, account, now, productId), `forecast ${productId} at ${now.toISOString()}`).toEqual(await forecastFromLines(db, account, now, productId));
    }
    for (const cycle of cycles) {
      const [{ s }] = await query<{ s: string }>(db, sql`SELECT coalesce(sum(round(pretax_amount, 2)), 0)::text AS s FROM bill_lines
        WHERE account_id = ${A} AND billing_cycle = ${cycle} ${productId ? sql`AND product_id = ${productId}` : sql``}`);
      expect((await cycleTotal(db, A, cycle, productId)).toFixed(2), `total ${cycle} ${productId}`).toBe(dec(s).toFixed(2));
    }
  }
  // What the kept outstanding relies on: every line's outstanding is 2-dp and never negative.
  const [odd] = await query<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM bill_lines
    WHERE account_id = ${A} AND (outstanding_amount < 0 OR outstanding_amount <> round(outstanding_amount, 2))`);
  expect(Number(odd.n)).toBe(0);
  const [owed] = await query<{ s: string }>(db, sql`SELECT coalesce(sum(outstanding_amount), 0)::text AS s FROM bill_lines WHERE account_id = ${A} AND outstanding_amount > 0`);
  for (const now of instants) {
    const [r] = await query<{ available: string }>(db, sql`SELECT (
      (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account_id = ${A})
      + (SELECT coalesce(sum(remaining), 0) FROM vouchers WHERE account_id = ${A} AND valid_from <= ${now.toISOString()}::timestamptz AND expires_at > ${now.toISOString()}::timestamptz AND remaining > 0)
      + (SELECT coalesce(sum(remaining), 0) FROM coupons WHERE account_id = ${A} AND valid_from <= ${now.toISOString()}::timestamptz AND expires_at > ${now.toISOString()}::timestamptz AND remaining > 0)
      + ${account.creditLimit}::numeric
      - (SELECT coalesce(sum(round(outstanding_amount, 2)), 0) FROM bill_lines WHERE account_id = ${A})
      - (SELECT coalesce(sum(round(payable_amount, 2) - round(paid_amount, 2)), 0) FROM orders WHERE account_id = ${A} AND status = 'unpaid'
          AND created_at > ${new Date(now.getTime() - UNPAID_ORDER_TTL_MS).toISOString()}::timestamptz)
    )::text AS available`);
    expect((await availableCredit(db, account, now)).toFixed(6), `available at ${now.toISOString()}`).toBe(dec(r.available).toFixed(6));
  }
  const caller: Caller = { kind: "user", accountId: A, userId: "u-spend", role: "admin", email: "spend@example.com", name: "Spend" };
  expect((await getOverdueStatus(caller)).outstanding).toEqual(roundMoney(owed.s));
  const shell = await getConsoleShell(caller);
  expect(shell.overdue?.amount ?? null).toEqual(account.overdueSince ? roundMoney(owed.s) : null);
  return toFixedString(owed.s);
}
