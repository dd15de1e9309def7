// Orders of lifecycle actions against the database, inside the caller's
// transaction: gather the quote context, place the order, pay it (docs/billing-rules.md#settlement-order,
// through payOrder), refund to the balance, and apply the action's effect
// to the resource once — and only once — its order is paid.
import { emitEvent, emitStateChange, orderEventData } from "@/lib/webhooks/outbox";
import { randomInt } from "node:crypto";
import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { billLines, bills, instances, instanceStateChanges, ledgerEntries, orders, type Account, type Instance, type Order } from "@/db/schema";
import { addMonths, billIdOf, cycleBounds, cycleOf } from "@/lib/billing/cycle";
import { trialSpecOf, type Catalog } from "@/lib/billing/catalog";
import { lockAccount, payOrder, upsertOrderLine } from "@/lib/billing/settlement";
import { NotFoundError } from "@/lib/errors";
import { dec, toFixedString } from "@/lib/money";
import { type OrderType, type Quote, type QuoteContext, type TermOrder } from "./quote";

export { lockAccount };

export async function lockInstance(tx: Tx, accountId: string, instanceId: string): Promise<Instance> {
  const [inst] = await tx
    .select()
    .from(instances)
    .where(and(eq(instances.accountId, accountId), eq(instances.id, instanceId)))
    .for("update");
  if (!inst) throw new NotFoundError(`Instance ${instanceId} not found.`);
  return inst;
}

/**
 * Unpaid orders expire 24 hours after they are placed (as the provider's
 * unpaid orders do): a quote is a price at an instant — an upgrade's
 * difference shrinks with the remaining term — so it is not held open. Until
 * then, paying charges the quoted amount and the term starts at payment; after
 * that the order is "expired", cannot be paid, and a new one is quoted afresh.
 */
export const UNPAID_ORDER_TTL_MS = 24 * 3_600_000;

/** When an unpaid order placed at `createdAt` expires. */
export function unpaidOrderExpiresAt(createdAt: Date): Date {
  return new Date(createdAt.getTime() + UNPAID_ORDER_TTL_MS);
}

/** Mark the account's unpaid orders past their 24 hours as expired (jobs and every action run this first). */
export async function expireUnpaidOrders(tx: Tx, accountId: string, now: Date): Promise<number> {
  const expired = await tx
    .update(orders)
    .set({ status: "expired" })
    .where(and(eq(orders.accountId, accountId), eq(orders.status, "unpaid"), lte(orders.createdAt, new Date(now.getTime() - UNPAID_ORDER_TTL_MS))))
    .returning({ id: orders.id });
  return expired.length;
}

/** Everything the pure quote needs, read in the action's transaction. */
export async function quoteContext(tx: Tx, catalog: Catalog, account: Account, inst: Instance, now: Date, excludeOrderId?: string): Promise<QuoteContext> {
  await expireUnpaidOrders(tx, account.id, now);
  const [unpaid] = await tx
    .select({ id: orders.id, orderNo: orders.orderNo })
    .from(orders)
    .where(and(eq(orders.accountId, account.id), eq(orders.status, "unpaid")))
    .orderBy(orders.createdAt);
  // Cash per paid order of this resource whose term has not ended.
  const termRows = await tx
    .select({ order: orders, cash: billLines.paidFromBalance })
    .from(orders)
    .leftJoin(billLines, and(eq(billLines.accountId, orders.accountId), eq(billLines.id, sql`'order|' || ${orders.id}`)))
    .where(and(eq(orders.accountId, account.id), eq(orders.instanceId, inst.id), eq(orders.status, "paid"), gt(orders.termEnd, now)));
  const termOrders: TermOrder[] = termRows
    .filter((r) => r.order.termStart && r.order.termEnd && r.order.orderType !== "refund")
    .map((r) => ({
      orderType: r.order.orderType as OrderType,
      termStart: r.order.termStart!,
      termEnd: r.order.termEnd!,
      months: r.order.months,
      cash: r.cash ?? "0",
    }));
  return {
    catalog,
    account: { currency: account.currency, timeZone: account.timeZone, overdueSince: account.overdueSince },
    resource: inst,
    now,
    unpaidOrderNo: unpaid && unpaid.id !== excludeOrderId ? unpaid.orderNo : null,
    termOrders,
  };
}

/**
 * A product's purchase history for its catalog limits: NEW subscription
 * purchases this calendar month (renewals, upgrades and downgrades are not
 * purchases), and whether the account has had the free trial spec.
 */
export async function purchaseHistory(
  tx: Tx,
  account: Account,
  catalog: Catalog,
  productId: string,
  at: Date,
  excludeOrderId?: string,
): Promise<{ thisMonth: number; trialUsed: boolean }> {
  const { start, end } = cycleBounds(cycleOf(at, account.timeZone), account.timeZone);
  const is = await tx
    .select({ type: orders.orderType, createdAt: orders.createdAt, id: orders.id })
    .from(orders)
    .where(and(eq(orders.accountId, account.id), eq(orders.productId, productId), inArray(orders.status, ["paid", "unpaid"])));
  const thisMonth = is.filter(
    (o) => o.id !== excludeOrderId && o.type === "new" && o.createdAt >= start && o.createdAt < end,
  ).length;
  const trialSpec = trialSpecOf(catalog, productId);
  if (!trialSpec) return { thisMonth, trialUsed: false };
  const [trial] = await tx
    .select({ id: instances.id })
    .from(instances)
    .where(and(eq(instances.accountId, account.id), eq(instances.productId, productId), eq(instances.spec, trialSpec)))
    .limit(1);
  return { thisMonth, trialUsed: Boolean(trial) };
}

/** An integer in [0, max). Orders draw from crypto; the demo seed passes its seeded source so its data repeats. */
export type NumberSource = (max: number) => number;
const cryptoNumbers: NumberSource = (max) => randomInt(0, max);

/** The one order-number format: the UTC date (yyyymmdd) and 10 random digits. */
export function orderNumber(at: Date, draw: NumberSource = cryptoNumbers): string {
  const ymd = at.toISOString().slice(0, 10).replace(/-/g, "");
  return `${ymd}${String(draw(1e10)).padStart(10, "0")}`;
}

export interface Placed {
  order: Order;
  paid: boolean;
  /** Why an order stays unpaid, for the admin. */
  message: string | null;
}

/** What an order is for; `writeOrder` adds its number, id, state and creation instant. */
export type OrderDraft = Pick<
  typeof orders.$inferInsert,
  "instanceId" | "productId" | "orderType" | "spec" | "months" | "instanceCount" | "termStart" | "termEnd" | "originalAmount" | "discountAmount" | "payableAmount"
> & { createdBy: string | null; idempotencyKey?: string | null; requestHash?: string | null };

/**
 * The one writer of orders: insert the order (retrying the rare order-number
 * collision), then settle it at `at` — "charge" pays it from coupons, vouchers
 * and balance (payOrder: ledger deduction and bill line), "credit" puts a
 * refund back on the balance. A charge the funds do not cover leaves the
 * order unpaid; the caller decides whether to keep it or roll back. The
 * order number's digits come from `numbers` (crypto unless a seed passes its own).
 */
export async function writeOrder(
  tx: Tx,
  account: Account,
  draft: OrderDraft,
  at: Date,
  settle: "charge" | "credit",
  numbers: NumberSource = cryptoNumbers,
): Promise<{ order: Order; paid: boolean }> {
  let order: Order | undefined;
  for (let attempt = 0; attempt < 5 && !order; attempt++) {
    const no = orderNumber(at, numbers);
    [order] = await tx
      .insert(orders)
      .values({ ...draft, accountId: account.id, id: `ord_${no}`, orderNo: no, status: "unpaid", paidAmount: "0", createdAt: at })
      // Only a number collision is retried; a repeated idempotency key still fails.
      .onConflictDoNothing({ target: [orders.accountId, orders.orderNo] })
      .returning();
  }
  if (!order) throw new Error("could not allocate a unique order number");
  if (settle === "credit") await refundOrder(tx, account, order, at);
  else if ((await payOrder(tx, account.id, order.id, at)).status !== "paid") return { order, paid: false };
  const [fresh] = await tx.select().from(orders).where(and(eq(orders.accountId, account.id), eq(orders.id, order.id)));
  return { order: fresh, paid: true };
}

/** Write the quoted order and settle it: charge it or refund to balance; once paid, apply its effect. */
export async function placeOrder(
  tx: Tx,
  account: Account,
  inst: Instance,
  quote: Quote,
  at: Date,
  meta: { createdBy: string | null; idempotencyKey: string | null; requestHash: string | null },
): Promise<Placed> {
  const draft: OrderDraft = {
    ...meta,
    instanceId: inst.id,
    productId: inst.productId,
    orderType: quote.orderType,
    spec: quote.spec,
    months: quote.months,
    instanceCount: inst.instanceCount,
    termStart: quote.termStart,
    termEnd: quote.termEnd,
    originalAmount: quote.originalAmount,
    discountAmount: quote.discountAmount,
    payableAmount: quote.payableAmount,
  };
  const { order, paid } = await writeOrder(tx, account, draft, at, dec(quote.payableAmount).gt(0) ? "charge" : "credit");
  if (!paid) return { order, paid: false, message: unpaidMessage(account, order) };
  await ensureSubscriptionBill(tx, account, order, at);
  await applyEffect(tx, account, order, at);
  return { order, paid: true, message: null };
}

function unpaidMessage(account: Account, order: Order): string {
  return `Insufficient funds: order ${order.orderNo} for ${toFixedString(order.payableAmount)} ${account.currency} is unpaid. Top up, then pay it — or cancel it.`;
}

/** Charge an unpaid order from coupons, vouchers and balance; on success apply its effect. */
export async function chargeOrder(tx: Tx, account: Account, order: Order, at: Date): Promise<Placed> {
  const r = await payOrder(tx, account.id, order.id, at);
  const [fresh] = await tx.select().from(orders).where(and(eq(orders.accountId, account.id), eq(orders.id, order.id)));
  if (r.status !== "paid") {
    return { order: fresh, paid: false, message: unpaidMessage(account, order) };
  }
  await ensureSubscriptionBill(tx, account, fresh, at);
  await applyEffect(tx, account, fresh, at);
  return { order: fresh, paid: true, message: null };
}

/** A refund (downgrade, unsubscribe): credited to the balance at once; the order is paid. */
async function refundOrder(tx: Tx, account: Account, order: Order, at: Date) {
  const refund = dec(order.payableAmount).negated();
  if (refund.gt(0)) {
    await tx.insert(ledgerEntries).values({
      accountId: account.id,
      id: `led_refund_${order.id}`,
      entryType: "refund",
      amount: toFixedString(refund),
      currency: account.currency,
      referenceType: "order",
      referenceId: order.id,
      memo: `Refund, order ${order.orderNo}`,
      at,
    });
  }
  await tx.update(orders).set({ status: "paid", paidAmount: order.payableAmount, paidAt: at }).where(and(eq(orders.accountId, account.id), eq(orders.id, order.id)));
  await emitEvent(tx, account.id, "refund.created", orderEventData({ ...order, paidAt: at }), at);
  // Cash moved back to the balance: negative, so refunds net out in totals.
  await upsertOrderLine(tx, account, order, { coupons: "0", vouchers: "0", balance: order.payableAmount }, at);
}

async function ensureSubscriptionBill(tx: Tx, account: Account, order: Order, at: Date) {
  const cycle = cycleOf(at, account.timeZone);
  await tx
    .insert(bills)
    .values({ accountId: account.id, id: billIdOf(cycle, order.productId, "subscription"), billingCycle: cycle, productId: order.productId, billingMethod: "subscription", billType: "subscription" })
    .onConflictDoNothing();
}

async function recordState(tx: Tx, accountId: string, inst: Instance, to: Instance["status"], at: Date, cause: string) {
  await tx
    .insert(instanceStateChanges)
    .values({ accountId, id: `isc_${inst.id}_${to}_${at.getTime()}_${randomInt(0, 1e6)}`, instanceId: inst.id, fromStatus: inst.status, toStatus: to, at, cause });
  await emitStateChange(tx, accountId, { instanceId: inst.id, from: inst.status, to, at, cause });
}

/** What a paid order does to its resource. */
async function applyEffect(tx: Tx, account: Account, order: Order, at: Date) {
  const inst = await lockInstance(tx, account.id, order.instanceId);
  const where = and(eq(instances.accountId, account.id), eq(instances.id, inst.id));
  switch (order.orderType as OrderType) {
    case "conversion":
      // Pay-as-you-go stops at the switch instant; the engine charges the running period to it.
      await tx
        .update(instances)
        .set({ billingMethod: "subscription", expiresAt: order.termEnd, attributes: { ...inst.attributes, paygUntil: order.termStart!.toISOString() } })
        .where(where);
      await recordState(tx, account.id, inst, inst.status, at, `switched to subscription until ${order.termEnd!.toISOString()} (order ${order.orderNo})`);
      return;
    case "renewal":
    case "new":
      await tx
        .update(instances)
        .set({ expiresAt: order.termEnd, ...(inst.status === "expired" ? { status: "active" as const, statusSince: at } : {}) })
        .where(where);
      await recordState(tx, account.id, inst, inst.status === "expired" ? "active" : inst.status, at, `renewed until ${order.termEnd!.toISOString()} (order ${order.orderNo})`);
      return;
    case "upgrade":
    case "downgrade":
      await tx.update(instances).set({ spec: order.spec }).where(where);
      await recordState(tx, account.id, inst, inst.status, at, `${order.orderType} ${inst.spec} → ${order.spec} (order ${order.orderNo})`);
      return;
    case "refund":
      await tx.update(instances).set({ status: "released", statusSince: at, releasedAt: at, autoRenew: false }).where(where);
      // Nothing is left to buy for a released resource: its unpaid orders go.
      await tx
        .update(orders)
        .set({ status: "cancelled" })
        .where(and(eq(orders.accountId, account.id), eq(orders.instanceId, inst.id), eq(orders.status, "unpaid")));
      await recordState(tx, account.id, inst, "released", at, `unsubscribed: released (order ${order.orderNo})`);
      return;
  }
}

/** Paying later: the term runs from the payment, not from when the order was placed. */
export async function retermForPayment(tx: Tx, account: Account, inst: Instance, order: Order, at: Date): Promise<Order> {
  let termStart = order.termStart;
  let termEnd = order.termEnd;
  if (order.orderType === "conversion" && order.months) {
    termStart = at;
    termEnd = addMonths(at, order.months, account.timeZone);
  } else if (order.orderType === "renewal" && order.months) {
    termStart = inst.expiresAt && inst.expiresAt > at ? inst.expiresAt : at;
    termEnd = addMonths(termStart, order.months, account.timeZone);
  } else if (order.orderType === "upgrade") {
    termStart = at;
  }
  const [updated] = await tx
    .update(orders)
    .set({ termStart, termEnd })
    .where(and(eq(orders.accountId, account.id), eq(orders.id, order.id)))
    .returning();
  return updated;
}
