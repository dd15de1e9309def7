import "server-only";
// Lifecycle actions for the console and the API (docs/billing-rules.md#lifecycle-actions): authorize
// (admins only), validate, serialise per account, make each request
// idempotent by its key, and record every action in the audit log — all in
// one transaction, so a retry or a double click never charges twice.
import { and, count, desc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Tx } from "@/db/client";
import { idempotencyKeys, instances, ledgerEntries, orders, products, type Account, type Instance, type Order } from "@/db/schema";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { findProduct, isTrialSpec } from "@/lib/billing/catalog";
import { accountNow } from "@/lib/clock";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { sha256 } from "@/lib/ids";
import { dec, toFixedString } from "@/lib/money";
import { stateOf, writeAudit } from "@/lib/lifecycle/audit";
import { autoRenewInput, idempotencyKey, lifecycleInput, type LifecycleInput } from "@/lib/lifecycle/input";
import { chargeOrder, expireUnpaidOrders, lockAccount, lockInstance, placeOrder, quoteContext, retermForPayment, unpaidOrderExpiresAt } from "@/lib/lifecycle/orders";
import { ActionRefusedError, quoteAction, type Quote } from "@/lib/lifecycle/quote";
import { ledgerEntryView, newestAfter, newestPage, NEXT_TOKEN, orderView } from "./api-views";
import { actorOf, createdByOf, requireRole, tenantOf, type Caller } from "./caller";
import { parseInput } from "./validate";

type Json = ReturnType<typeof JSON.parse>;
const toJson = <T>(v: T): Json => JSON.parse(JSON.stringify(v));

function instanceView(i: Instance) {
  return { id: i.id, billingMethod: i.billingMethod, status: i.status, spec: i.spec, expiresAt: i.expiresAt, autoRenew: i.autoRenew, autoRenewMonths: i.autoRenewMonths };
}


/** Run `work` once per idempotency key; the same key again returns the first result, other parameters → 409. */
async function idempotent(tx: Tx, accountId: string, key: string, request: unknown, work: (requestHash: string) => Promise<unknown>): Promise<Json> {
  const hash = sha256(JSON.stringify(request));
  const [seen] = await tx.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
  if (seen) {
    if (seen.requestHash !== hash) throw new ConflictError(`Idempotency-Key ${key} was already used for a different request.`);
    return { ...(seen.response as object), replayed: true };
  }
  const response = toJson(await work(hash));
  await tx.insert(idempotencyKeys).values({ accountId, key, requestHash: hash, response });
  return { ...response, replayed: false };
}

async function withAccount<T>(caller: Caller, accountId: string | undefined, work: (tx: Tx, account: Account, now: Date) => Promise<T>): Promise<T> {
  requireRole(caller, "admin");
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  // The account row lock serialises every money-moving action of one account.
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, id);
    return work(tx, account, accountNow(account));
  });
}

function quoteView(q: Quote) {
  return toJson(q);
}

/** GET …/quote: what the action would charge or refund now (refusals are 409 with the reason). */
export async function quoteLifecycle(caller: Caller, instanceId: string, input: unknown, accountId?: string) {
  requireRole(caller, "admin");
  const parsed = parseInput(lifecycleInput, input);
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, id);
    const inst = await lockInstance(tx, id, instanceId);
    const ctx = await quoteContext(tx, await catalogFromDb(tx), account, inst, accountNow(account));
    return quoteView(quoteAction(ctx, parsed));
  });
}

const AUDIT_ACTION: Record<LifecycleInput["action"], string> = {
  switch: "switch_to_subscription",
  renew: "renew",
  "change-spec": "change_spec",
  unsubscribe: "unsubscribe",
};

/** POST switch | renew | change-spec | unsubscribe: one order, charged once. */
export async function runLifecycleAction(caller: Caller, instanceId: string, input: unknown, key: unknown, accountId?: string) {
  requireRole(caller, "admin");
  const parsed = parseInput(lifecycleInput, input);
  const idemKey = parseInput(idempotencyKey, key);
  return withAccount(caller, accountId, (tx, account, now) =>
    idempotent(tx, account.id, idemKey, { instanceId, ...parsed }, async (requestHash) => {
      const inst = await lockInstance(tx, account.id, instanceId);
      const quote = quoteAction(await quoteContext(tx, await catalogFromDb(tx), account, inst, now), parsed);
      if (parsed.action === "switch") {
        // The choice of auto-renewal goes with the switch (it acts only on subscriptions).
        await tx
          .update(instances)
          .set({ autoRenew: parsed.autoRenew, autoRenewMonths: parsed.months })
          .where(and(eq(instances.accountId, account.id), eq(instances.id, inst.id)));
      }
      const placed = await placeOrder(tx, account, inst, quote, now, {
        createdBy: createdByOf(caller),
        idempotencyKey: idemKey,
        requestHash,
      });
      const after = await lockInstance(tx, account.id, instanceId);
      await writeAudit(tx, {
        accountId: account.id,
        at: now,
        actor: actorOf(caller),
        action: AUDIT_ACTION[parsed.action] + (parsed.action === "change-spec" ? `:${quote.orderType}` : ""),
        targetType: "instance",
        targetId: inst.id,
        fromState: stateOf(inst),
        toState: stateOf(after),
        amounts: { payable: quote.payableAmount, paid: placed.order.paidAmount },
        details: { orderNo: placed.order.orderNo, orderStatus: placed.order.status, months: quote.months, spec: quote.spec, idempotencyKey: idemKey },
      });
      // A refund is a ledger entry: show it with the result.
      const [ledgerEntry] = await tx
        .select()
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.accountId, account.id), eq(ledgerEntries.referenceType, "order"), eq(ledgerEntries.referenceId, placed.order.id)));
      return {
        order: orderView(placed.order),
        ledgerEntry: ledgerEntry ? ledgerEntryView(ledgerEntry) : null,
        paid: placed.paid,
        message: placed.message ?? doneMessage(quote, account.currency),
        quote: quoteView(quote),
        instance: instanceView(after),
      };
    }),
  );
}

function doneMessage(q: Quote, currency: string): string {
  const amount = dec(q.payableAmount);
  if (amount.isZero()) return "Done; nothing to pay or refund.";
  if (amount.lt(0)) return `Refunded ${toFixedString(amount.negated())} ${currency} to the balance.`;
  return `Paid ${toFixedString(amount)} ${currency}.`;
}

/** POST auto-renew: on/off and its duration (subscriptions only; never a free trial package). */
export async function setAutoRenew(caller: Caller, instanceId: string, input: unknown, key: unknown, accountId?: string) {
  requireRole(caller, "admin");
  const parsed = parseInput(autoRenewInput, input);
  const idemKey = parseInput(idempotencyKey, key);
  return withAccount(caller, accountId, (tx, account, now) =>
    idempotent(tx, account.id, idemKey, { action: "auto-renew", instanceId, ...parsed }, async () => {
      const inst = await lockInstance(tx, account.id, instanceId);
      if (inst.billingMethod !== "subscription") throw new ActionRefusedError(`Auto-renewal applies to subscriptions; ${inst.id} is billed pay-as-you-go.`);
      if (inst.status === "released") throw new ActionRefusedError(`${inst.id} has been released.`);
      if (parsed.enabled) {
        const catalog = await catalogFromDb(tx);
        if (isTrialSpec(catalog, inst.productId, inst.spec))
          throw new ActionRefusedError(`The ${findProduct(catalog, inst.productId)?.name ?? inst.productId} free trial package cannot be renewed.`);
      }
      const [after] = await tx
        .update(instances)
        .set({ autoRenew: parsed.enabled, autoRenewMonths: parsed.months })
        .where(and(eq(instances.accountId, account.id), eq(instances.id, inst.id)))
        .returning();
      await writeAudit(tx, {
        accountId: account.id,
        at: now,
        actor: actorOf(caller),
        action: parsed.enabled ? "auto_renew_on" : "auto_renew_off",
        targetType: "instance",
        targetId: inst.id,
        fromState: inst.autoRenew ? `auto-renew ${inst.autoRenewMonths} month(s)` : "auto-renew off",
        toState: parsed.enabled ? `auto-renew ${parsed.months} month(s)` : "auto-renew off",
        details: { idempotencyKey: idemKey },
      });
      return { instance: instanceView(after), message: parsed.enabled ? `Auto-renewal on, ${parsed.months} month(s) at a time.` : "Auto-renewal off." };
    }),
  );
}

async function lockOrder(tx: Tx, accountId: string, orderId: string): Promise<Order> {
  const [o] = await tx.select().from(orders).where(and(eq(orders.accountId, accountId), eq(orders.id, orderId))).for("update");
  if (!o) throw new NotFoundError(`Order ${orderId} not found.`);
  return o;
}

function inputOf(o: Order): LifecycleInput {
  if (o.orderType === "conversion") return { action: "switch", months: o.months ?? 1, billingMethod: "subscription", autoRenew: false };
  if (o.orderType === "renewal") return { action: "renew", months: o.months ?? 1 };
  return { action: "change-spec", spec: o.spec ?? "" };
}

/** POST /orders/{id}/pay: pay an unpaid order now (a paid one is returned as it is). */
export async function payUnpaidOrder(caller: Caller, orderId: string, accountId?: string) {
  return withAccount(caller, accountId, async (tx, account, now) => {
    await expireUnpaidOrders(tx, account.id, now);
    const order = await lockOrder(tx, account.id, orderId);
    if (order.status === "paid") return { order: toJson(orderView(order)), paid: true, message: `Order ${order.orderNo} is already paid.` };
    if (order.status === "cancelled") throw new ConflictError(`Order ${order.orderNo} was cancelled.`);
    if (order.status === "expired") {
      throw new ConflictError(
        `Order ${order.orderNo} expired unpaid at ${unpaidOrderExpiresAt(order.createdAt).toISOString()}: unpaid orders expire 24 hours after they are placed. Place the action again for a fresh quote.`,
      );
    }
    const inst = await lockInstance(tx, account.id, order.instanceId);
    // The prerequisites hold at payment as they did when it was placed.
    quoteAction(await quoteContext(tx, await catalogFromDb(tx), account, inst, now, order.id), inputOf(order));
    const placed = await chargeOrder(tx, account, await retermForPayment(tx, account, inst, order, now), now);
    const after = await lockInstance(tx, account.id, inst.id);
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: placed.paid ? "order_paid" : "order_payment_failed",
      targetType: "order",
      targetId: order.id,
      fromState: stateOf(inst),
      toState: stateOf(after),
      amounts: { payable: order.payableAmount, paid: placed.order.paidAmount },
      details: { orderNo: order.orderNo, instanceId: inst.id },
    });
    return toJson({ order: orderView(placed.order), paid: placed.paid, message: placed.message ?? `Paid ${toFixedString(order.payableAmount)} ${account.currency}.`, instance: instanceView(after) });
  });
}

/** POST /orders/{id}/cancel: an unpaid order only; nothing was charged, nothing changes. */
export async function cancelUnpaidOrder(caller: Caller, orderId: string, accountId?: string) {
  return withAccount(caller, accountId, async (tx, account, now) => {
    await expireUnpaidOrders(tx, account.id, now);
    const order = await lockOrder(tx, account.id, orderId);
    if (order.status === "cancelled") return { order: toJson(orderView(order)), message: `Order ${order.orderNo} is already cancelled.` };
    if (order.status === "expired") return { order: toJson(orderView(order)), message: `Order ${order.orderNo} already expired unpaid; nothing to cancel.` };
    if (order.status === "paid") throw new ConflictError(`Order ${order.orderNo} is paid and cannot be cancelled; unsubscribe to get a refund.`);
    const [after] = await tx.update(orders).set({ status: "cancelled" }).where(and(eq(orders.accountId, account.id), eq(orders.id, order.id))).returning();
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: "order_cancelled",
      targetType: "order",
      targetId: order.id,
      fromState: "unpaid",
      toState: "cancelled",
      amounts: { payable: order.payableAmount },
      details: { orderNo: order.orderNo, instanceId: order.instanceId },
    });
    return toJson({ order: orderView(after), message: `Order ${order.orderNo} cancelled.` });
  });
}

export const orderFilters = z.object({
  instanceId: z.string().max(200).optional(),
  status: z.enum(["unpaid", "paid", "cancelled", "expired"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  nextToken: NEXT_TOKEN,
});

/** Orders of the account, newest first, a page at a time (every role may read them). */
export async function listOrders(caller: Caller, input: unknown = {}, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const f = parseInput(orderFilters, input);
  const where: SQL[] = [eq(orders.accountId, id)];
  if (f.instanceId) where.push(eq(orders.instanceId, f.instanceId));
  if (f.status) where.push(eq(orders.status, f.status));
  const db = await getDb();
  const after = newestAfter(f.nextToken, orders.createdAt, orders.id);
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(orders).where(and(...where, after)).orderBy(desc(orders.createdAt), desc(orders.id)).limit(f.limit + 1),
    db.select({ n: count() }).from(orders).where(and(...where)),
  ]);
  return newestPage(rows, f.limit, (o) => ({ at: o.createdAt, id: o.id }), orderView, n);
}

/** What the console offers for a resource: switchable, spec-changeable, and to which specs. */
export async function lifecycleOptions(caller: Caller, instanceId: string, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  const [row] = await db
    .select({ productId: instances.productId, methods: products.billingMethods, specs: products.specs, attributes: products.attributes })
    .from(instances)
    .innerJoin(products, eq(products.id, instances.productId))
    .where(and(eq(instances.accountId, id), eq(instances.id, instanceId)));
  if (!row) throw new NotFoundError(`Instance ${instanceId} not found.`);
  return {
    canSwitch: row.methods.includes("subscription") && row.methods.includes("payg"),
    canChangeSpec: row.attributes.specChanges === true,
    specs: row.specs.map((s) => ({ id: s.id, name: s.name })),
  };
}

/** The inputs the lifecycle routes validate with, for the OpenAPI document. */
export type { QuoteStep } from "@/lib/lifecycle/quote";
export { autoRenewInput, changeSpecInput, idempotencyKey, renewInput, switchInput, unsubscribeInput } from "@/lib/lifecycle/input";
