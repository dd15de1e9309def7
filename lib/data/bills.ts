// Consumption by Bill (the first Bill Details tab), one bill with its lines, and the
// account's money summary (docs/billing-rules.md#settlement-order) — GET /api/v1/bills, /bills/{id}, /account.
//
// A "bill" is either a subscription order (from `orders`) or the pay-as-you-go
// settlement bill of one product in one cycle, aggregated from its bill lines.
// A pay-as-you-go bill's id is its `bills` row id once the jobs created one,
// else the deterministic `payg-<cycle>-<product>`; both ids resolve in getBill.
import "server-only";
import { asc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, query } from "@/db/client";
import { coupons, vouchers } from "@/db/schema";
import { accountNow } from "@/lib/clock";
import { cycleBounds, cycleOf } from "@/lib/billing/cycle";
import { NotFoundError } from "@/lib/errors";
import { UNPAID_ORDER_TTL_MS } from "@/lib/lifecycle/orders";
import { dec, sum, toFixedString } from "@/lib/money";
import { getAccount } from "./account";
import {
  allocationFields,
  allocationFilters,
  needsTagKey,
  AMOUNTS,
  CYCLE,
  LIMIT,
  multi,
  decodeCursor,
  encodeCursor,
  pageOfBillLines,
  parseLineOptions,
  queryInput,
  type Page,
} from "./bill-lines";
import type { Caller } from "./caller";
import { keptWhere, type KeptConditions } from "./line-totals";
import { parseInput } from "./validate";

// A bill's kind (subscription | payg | refund) or an order's type (new, renewal, …): either matches.
export const BILL_TYPES = ["subscription", "payg", "refund", "new", "renewal", "upgrade", "downgrade", "conversion"] as const;

export const billsQuerySchema = z.object({
  billingCycle: CYCLE,
  orderNo: z.string().trim().min(1, "must not be empty").max(64, "is too long").optional(),
  type: multi(z.enum(BILL_TYPES, { error: `must be one of ${BILL_TYPES.join(", ")}` })),
  limit: LIMIT,
  nextToken: z.string().max(2000, "is too long").optional(),
  // Cost allocation: a pay-as-you-go bill sums only its lines that match; an order shows by its line's tags.
  ...allocationFields,
}).superRefine(needsTagKey);

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// One column list for both branches of the UNION, so they cannot drift apart:
// [API name, from an order `o`, from a pay-as-you-go group `g` + bills row `b`].
const COLUMNS: [string, string, string][] = [
  ["id", "o.id", "coalesce(b.id, 'payg-' || g.billing_cycle || '-' || g.product_id)"],
  ["billType", "CASE WHEN o.order_type = 'refund' THEN 'refund' ELSE 'subscription' END", "'payg'"],
  ["orderNo", "o.order_no", "NULL::text"],
  ["orderType", "o.order_type", "NULL::text"],
  // Orders: unpaid | paid | cancelled | expired. Bills: final only once the jobs closed them.
  ["status", "o.status", "CASE WHEN b.status = 'closed' THEN 'closed' ELSE 'open' END"],
  ["billingCycle", "NULL::text", "g.billing_cycle"],
  ["productCode", "o.product_id", "g.product_id"],
  ["productName", "p.name", "p.name"],
  ["instanceId", "o.instance_id", "NULL::text"],
  ["instanceName", "i.name", "NULL::text"],
  ["spec", "o.spec", "NULL::text"],
  ["months", "o.months::text", "NULL::text"],
  ["termStart", iso("o.term_start"), "NULL::text"],
  ["termEnd", iso("o.term_end"), "NULL::text"],
  ["createdAt", iso("o.created_at"), iso("b.created_at")],
  ["paidAt", iso("o.paid_at"), "NULL::text"],
  ["closedAt", "NULL::text", iso("b.closed_at")],
  ["lineCount", "NULL::text", "g.\"lineCount\"::text"],
  ["pretaxGrossAmount", "round(o.original_amount, 2)", "g.\"pretaxGrossAmount\""],
  ["invoiceDiscount", "round(o.discount_amount, 2)", "g.\"invoiceDiscount\""],
  ["pretaxAmount", "round(o.payable_amount, 2)", "g.\"pretaxAmount\""],
  // An order records only what was paid, not which instrument paid it.
  ["deductedByResourcePackage", "NULL::numeric", "g.\"deductedByResourcePackage\""],
  ["deductedByCoupons", "NULL::numeric", "g.\"deductedByCoupons\""],
  ["deductedByCashCoupons", "NULL::numeric", "g.\"deductedByCashCoupons\""],
  ["paymentAmount", "round(o.paid_amount, 2)", "g.\"paymentAmount\""],
  [
    "outstandingAmount",
    "CASE WHEN o.status = 'unpaid' THEN round(o.payable_amount, 2) - round(o.paid_amount, 2) ELSE 0 END",
    "g.\"outstandingAmount\"",
  ],
  // Pay-as-you-go bills first (by product), then orders in the order placed.
  ["sortKey", `'1|' || to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`, "'0|' || g.product_id"],
];

function ordersBranch(accountId: string, conds: SQL[]): SQL {
  const cols = COLUMNS.map(([name, o]) => `${o} AS "${name}"`).join(", ");
  return sql`SELECT ${sql.raw(cols)}
    FROM orders o
    LEFT JOIN products p ON p.id = o.product_id
    LEFT JOIN instances i ON i.account_id = o.account_id AND i.id = o.instance_id
    WHERE ${sql.join([sql`o.account_id = ${accountId}`, ...conds], sql` AND `)}`;
}

function paygBranch(accountId: string, cycle: string, productId?: string, lineFilters: SQL[] = []): SQL {
  const cols = COLUMNS.map(([name, , g]) => `${g} AS "${name}"`).join(", ");
  let groups: SQL;
  if (!lineFilters.length) {
    // The kept totals (lib/data/line-totals.ts) have the bill's sums ready.
    const conds: KeptConditions = [["billing_cycle", [cycle]], ["billing_method", ["payg"]], ...(productId ? [["product_id", [productId]] as KeptConditions[number]] : [])];
    const sums = AMOUNTS.map(([name, c]) => `sum(t.${c}) AS "${name}"`).join(", ");
    groups = sql`SELECT t.billing_cycle, t.product_id, sum(t.line_count) AS "lineCount", ${sql.raw(sums)}
      FROM bill_line_totals t WHERE ${keptWhere(accountId, conds)}
      GROUP BY t.billing_cycle, t.product_id`;
  } else {
    // Tag and resource-group filters are not among the kept dimensions: sum the matching lines.
    const sums = AMOUNTS.map(([name, c]) => `sum(round(bl.${c}, 2)) AS "${name}"`).join(", ");
    const product = productId ? sql`AND bl.product_id = ${productId}` : sql``;
    const narrowed = sql.join(lineFilters.map((c) => sql` AND ${c}`), sql``);
    groups = sql`SELECT bl.billing_cycle, bl.product_id, count(*) AS "lineCount", ${sql.raw(sums)}
      FROM bill_lines bl
      WHERE bl.account_id = ${accountId} AND bl.billing_cycle = ${cycle} AND bl.billing_method = 'payg' ${product}${narrowed}
      GROUP BY bl.billing_cycle, bl.product_id`;
  }
  return sql`SELECT ${sql.raw(cols)}
    FROM (${groups}) g
    LEFT JOIN bills b ON b.account_id = ${accountId} AND b.billing_cycle = g.billing_cycle
      AND b.product_id = g.product_id AND b.billing_method = 'payg' AND b.bill_type = 'payg'
    LEFT JOIN products p ON p.id = g.product_id`;
}

const NULLABLE_AMOUNTS = new Set(["deductedByResourcePackage", "deductedByCoupons", "deductedByCashCoupons"]);

function toApiBill(r: Record<string, string | null>, currency: string, timeZone: string) {
  const out: Record<string, string | number | null> = {};
  for (const [name] of COLUMNS) {
    if (name === "sortKey") continue;
    const v = r[name] ?? null;
    if (AMOUNTS.some(([a]) => a === name)) out[name] = v === null && NULLABLE_AMOUNTS.has(name) ? null : toFixedString(dec(v), 2);
    else if (name === "lineCount" || name === "months") out[name] = v === null ? null : Number(v);
    else out[name] = v;
  }
  // An order belongs to the cycle in which it was placed, in the account's zone.
  if (!out.billingCycle && r.createdAt) out.billingCycle = cycleOf(new Date(r.createdAt), timeZone);
  out.subscriptionType = r.billType === "payg" ? "PayAsYouGo" : "Subscription";
  out.currency = currency;
  return out;
}
export type BillRow = ReturnType<typeof toApiBill>;

const outCols = COLUMNS.map(([name]) => `x."${name}"::text AS "${name}"`).join(", ");

type BillsQuery = z.output<typeof billsQuerySchema>;

function billsUnion(account: { id: string; timeZone: string }, q: BillsQuery) {
  const { start, end } = cycleBounds(q.billingCycle, account.timeZone);
  const orderConds = [sql`o.created_at >= ${start.toISOString()}::timestamptz`, sql`o.created_at < ${end.toISOString()}::timestamptz`];
  // Exact search by order number: only orders have one.
  if (q.orderNo) orderConds.push(sql`o.order_no = ${q.orderNo}`);
  // Tag and group filters: an order matches by the tags its line recorded (an unpaid order has no line yet).
  const lineFilters = allocationFilters(q);
  if (lineFilters.length)
    orderConds.push(sql`EXISTS (SELECT 1 FROM bill_lines bl WHERE bl.account_id = o.account_id AND bl.id = 'order|' || o.id AND ${sql.join(lineFilters, sql` AND `)})`);
  const union = q.orderNo
    ? ordersBranch(account.id, orderConds)
    : sql`${ordersBranch(account.id, orderConds)} UNION ALL ${paygBranch(account.id, q.billingCycle, undefined, lineFilters)}`;
  const types = q.type?.length ? sql.join(q.type.map((t) => sql`${t}`), sql`, `) : null;
  const filter = types ? sql`(x."billType" IN (${types}) OR x."orderType" IN (${types}))` : sql`TRUE`;
  return { union, filter };
}

/** Every bill of the listing, in its order, for streaming through a cursor (exports). */
export async function allBillsQuery(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(billsQuerySchema, queryInput(input));
  const { union, filter } = billsUnion(account, q);
  return {
    account,
    query: q,
    sql: sql`SELECT ${sql.raw(outCols)} FROM (${union}) x WHERE ${filter} ORDER BY x."sortKey" COLLATE "C", x.id COLLATE "C"`,
    toRow: (r: Record<string, string | null>) => toApiBill(r, account.currency, account.timeZone),
  };
}

/** GET /api/v1/bills: the cycle's orders and pay-as-you-go bills, keyset-paginated. */
export async function listBills(caller: Caller, input: unknown, accountId?: string): Promise<Page<BillRow, Record<string, string>>> {
  const account = await getAccount(caller, accountId);
  const q = parseInput(billsQuerySchema, queryInput(input));
  const { union, filter } = billsUnion(account, q);

  let after = sql`TRUE`;
  if (q.nextToken) {
    const c = decodeCursor(q.nextToken, "bills", "bills");
    after = sql`(x."sortKey" COLLATE "C" > ${c.v} OR (x."sortKey" COLLATE "C" = ${c.v} AND x.id COLLATE "C" > ${c.i}))`;
  }
  const db = await getDb();
  const [page, [totals]] = await Promise.all([
    query<Record<string, string | null>>(
      db,
      sql`SELECT ${sql.raw(outCols)} FROM (${union}) x WHERE ${filter} AND ${after}
          ORDER BY x."sortKey" COLLATE "C", x.id COLLATE "C" LIMIT ${q.limit + 1}`,
    ),
    query<Record<string, string | null>>(
      db,
      sql`SELECT count(*)::text AS "totalCount", ${sql.raw(
        AMOUNTS.map(([name]) => `coalesce(sum(x."${name}"), 0)::text AS "${name}"`).join(", "),
      )} FROM (${union}) x WHERE ${filter}`,
    ),
  ]);
  const more = page.length > q.limit;
  const data = page.slice(0, q.limit);
  const last = data[data.length - 1];
  return {
    data: data.map((r) => toApiBill(r, account.currency, account.timeZone)),
    nextToken: more ? encodeCursor({ v: String(last.sortKey), i: String(last.id), s: "bills", m: "bills" }) : null,
    totalCount: Number(totals.totalCount),
    totals: Object.fromEntries(AMOUNTS.map(([name]) => [name, toFixedString(dec(totals[name]), 2)])),
  };
}

/**
 * GET /api/v1/bills/{id}: one bill (an order by id or order number, or a
 * pay-as-you-go bill by either of its ids) and a page of its lines; `input`
 * takes the bill-lines options (limit, nextToken, sort, filters…).
 */
export async function getBill(caller: Caller, id: string, input: unknown = {}, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const options = parseLineOptions(queryInput(input));
  const db = await getDb();
  const header = async (branch: SQL) => (await query<Record<string, string | null>>(db, sql`SELECT ${sql.raw(outCols)} FROM (${branch}) x`))[0];

  const order = await header(ordersBranch(account.id, [sql`(o.id = ${id} OR o.order_no = ${id})`]));
  if (order) {
    const lines = await pageOfBillLines(account.id, [sql`bl.order_id = ${order.id}`], options);
    return { ...toApiBill(order, account.currency, account.timeZone), lines };
  }

  let target = /^payg-(\d{4}-(?:0[1-9]|1[0-2]))-(.+)$/.exec(id)?.slice(1, 3);
  if (!target) {
    const [row] = await query<{ cycle: string; product: string }>(
      db,
      sql`SELECT billing_cycle AS cycle, product_id AS product FROM bills
          WHERE account_id = ${account.id} AND id = ${id} AND billing_method = 'payg'`,
    );
    if (row) target = [row.cycle, row.product];
  }
  const bill = target ? await header(paygBranch(account.id, target[0], target[1])) : undefined;
  if (!target || !bill) throw new NotFoundError(`Bill ${id} not found.`);
  const lines = await pageOfBillLines(
    account.id,
    [
      sql`bl.billing_cycle = ${target[0]}`,
      sql`bl.product_id = ${target[1]}`,
      sql`bl.billing_method = 'payg'`,
    ],
    options,
    [["billing_cycle", [target[0]]], ["product_id", [target[1]]], ["billing_method", ["payg"]]],
  );
  return { ...toApiBill(bill, account.currency, account.timeZone), lines };
}

// ── Account summary ──────────────────────────────────────────────────────────

/**
 * GET /api/v1/account. The balance is the ledger sum (never stored).
 *   outstandingAmount = Σ bill_lines.outstanding_amount (kept in bill_line_totals) + Σ (payable − paid) of unpaid orders
 *                       (not yet expired: an unpaid order expires 24 h after it is placed)
 *   availableCredit   = balance + usable vouchers' remaining + usable coupons' remaining
 *                       + creditLimit − outstandingAmount
 * docs/billing-rules.md#settlement-order defines available credit as what can still pay for charges, so
 * what is already owed comes off it. A voucher or coupon is usable when valid
 * at the account's "now" (validFrom ≤ now < expiresAt) with remaining > 0.
 */
export async function getAccountSummary(caller: Caller, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const id = account.id;
  const now = accountNow(account);
  const db = await getDb();
  const [[money], voucherRows, couponRows] = await Promise.all([
    query<{ balance: string; lines: string; orders: string }>(
      db,
      sql`SELECT
        (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account_id = ${id})::text AS balance,
        (SELECT coalesce(sum(outstanding_amount), 0) FROM bill_line_totals WHERE account_id = ${id})::text AS lines,
        (SELECT coalesce(sum(round(payable_amount, 2) - round(paid_amount, 2)), 0) FROM orders
          WHERE account_id = ${id} AND status = 'unpaid'
            AND created_at > ${new Date(now.getTime() - UNPAID_ORDER_TTL_MS).toISOString()}::timestamptz)::text AS orders`,
    ),
    db.select().from(vouchers).where(eq(vouchers.accountId, id)).orderBy(asc(vouchers.expiresAt), asc(vouchers.id)),
    db.select().from(coupons).where(eq(coupons.accountId, id)).orderBy(asc(coupons.expiresAt), asc(coupons.id)),
  ]);
  const usable = (r: { validFrom: Date; expiresAt: Date; remaining: string; usageLimit?: number | null; timesUsed?: number }) =>
    r.validFrom <= now && now < r.expiresAt && dec(r.remaining).gt(0) && (r.usageLimit == null || (r.timesUsed ?? 0) < r.usageLimit);
  const vouchersOut = voucherRows.map((v) => ({
    id: v.id,
    code: v.code,
    faceValue: toFixedString(v.faceValue),
    remaining: toFixedString(v.remaining),
    productIds: v.productIds, // empty: every product
    validFrom: v.validFrom.toISOString(),
    expiresAt: v.expiresAt.toISOString(),
    revokedAt: v.revokedAt?.toISOString() ?? null,
    usable: usable(v),
  }));
  const couponsOut = couponRows.map((c) => ({
    id: c.id,
    code: c.code,
    discountPercent: dec(c.discountPercent).toFixed(),
    amountOff: c.amountOff === null ? null : toFixedString(c.amountOff),
    remaining: toFixedString(c.remaining),
    usageLimit: c.usageLimit,
    timesUsed: c.timesUsed,
    productIds: c.productIds, // empty: every product
    validFrom: c.validFrom.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    usable: usable(c),
  }));
  const balance = dec(money.balance);
  const usableVouchers = sum(voucherRows.filter(usable).map((v) => v.remaining));
  const usableCoupons = sum(couponRows.filter(usable).map((c) => c.remaining));
  const outstanding = dec(money.lines).plus(money.orders);
  const available = balance.plus(usableVouchers).plus(usableCoupons).plus(account.creditLimit).minus(outstanding);
  return {
    accountId: id,
    name: account.name,
    currency: account.currency,
    timeZone: account.timeZone,
    asOf: now.toISOString(),
    balance: toFixedString(balance),
    creditLimit: toFixedString(account.creditLimit),
    usableVoucherAmount: toFixedString(usableVouchers),
    usableCouponAmount: toFixedString(usableCoupons),
    outstandingAmount: toFixedString(outstanding),
    outstanding: { billLines: toFixedString(money.lines), orders: toFixedString(money.orders) },
    availableCredit: toFixedString(available),
    availableCreditFormula: "balance + usableVoucherAmount + usableCouponAmount + creditLimit - outstandingAmount",
    overdue: account.overdueSince
      ? {
          since: account.overdueSince.toISOString(),
          amount: toFixedString(outstanding),
          days: Math.max(0, Math.floor((now.getTime() - account.overdueSince.getTime()) / 86_400_000)),
        }
      : null,
    vouchers: vouchersOut,
    coupons: couponsOut,
  };
}
