// Renewal at expiry, run by the billing jobs (docs/billing-rules.md#lifecycle-actions): a subscription
// with auto-renewal on is renewed at its end date when the balance (with
// vouchers and coupons) pays the order; otherwise — or with auto-renewal off —
// it expires at that instant, recorded as a state change. What follows expiry
// (retention, then release) is the product's overdue policy, not decided here.
import { emitStateChange } from "@/lib/webhooks/outbox";
import { and, eq, inArray, isNull, lte } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { instances, instanceStateChanges, orders, type Account, type Instance } from "@/db/schema";
import { isTrialSpec, type Catalog } from "@/lib/billing/catalog";
import { stateOf, writeAudit } from "./audit";
import { lockAccount, placeOrder, quoteContext } from "./orders";
import { ActionRefusedError, quoteRenew } from "./quote";

const SYSTEM = { actorUserId: null, actorApiKeyId: null };

export interface ExpiryResult {
  renewed: number;
  expired: number;
}

/** The instances renewAtExpiry acts on at `now` (the same test as its query), for callers that hold them already. */
export function dueForRenewal(inst: Pick<Instance, "billingMethod" | "status" | "releasedAt" | "expiresAt">, now: Date): boolean {
  return inst.billingMethod === "subscription" && (inst.status === "active" || inst.status === "restricted") && inst.releasedAt === null && inst.expiresAt !== null && inst.expiresAt <= now;
}

export async function renewAtExpiry(tx: Tx, accountId: string, catalog: Catalog, now: Date): Promise<ExpiryResult> {
  const account = await lockAccount(tx, accountId);
  const due = await tx
    .select()
    .from(instances)
    .where(
      and(
        eq(instances.accountId, accountId),
        eq(instances.billingMethod, "subscription"),
        inArray(instances.status, ["active", "restricted"]),
        isNull(instances.releasedAt),
        lte(instances.expiresAt, now),
      ),
    );
  const result: ExpiryResult = { renewed: 0, expired: 0 };
  for (let inst of due) {
    // Catch up term by term: a resource renewed at expiry may be due again by `now`.
    while (inst.expiresAt && inst.expiresAt <= now) {
      const at = inst.expiresAt;
      const failure = await tryRenew(tx, account, catalog, inst, at);
      const [fresh] = await tx.select().from(instances).where(and(eq(instances.accountId, accountId), eq(instances.id, inst.id)));
      if (failure === null) {
        result.renewed++;
        inst = fresh;
        continue;
      }
      await expire(tx, account, fresh, at, failure);
      result.expired++;
      break;
    }
  }
  return result;
}

/** null when renewed; else why not. */
async function tryRenew(tx: Tx, account: Account, catalog: Catalog, inst: Instance, at: Date): Promise<string | null> {
  if (!inst.autoRenew) return "auto-renewal off";
  if (isTrialSpec(catalog, inst.productId, inst.spec)) return "the free trial is not renewable";
  if (account.overdueSince && account.overdueSince <= at) return "account overdue";
  const ctx = await quoteContext(tx, catalog, account, inst, at);
  let quote;
  try {
    // An admin's unpaid order does not block the renewal the account already chose.
    quote = quoteRenew({ ...ctx, unpaidOrderNo: null, account: { ...ctx.account, overdueSince: null } }, { months: inst.autoRenewMonths });
  } catch (e) {
    if (e instanceof ActionRefusedError) return e.message;
    throw e;
  }
  // One renewal per resource and end date, whatever runs the jobs again.
  const key = `auto-renew:${inst.id}:${at.toISOString()}`;
  const [done] = await tx.select().from(orders).where(and(eq(orders.accountId, account.id), eq(orders.idempotencyKey, key)));
  if (done) return done.status === "paid" ? null : "insufficient funds";
  const placed = await placeOrder(tx, account, inst, quote, at, { createdBy: "auto-renew", idempotencyKey: key, requestHash: null });
  if (!placed.paid) {
    // Auto-renewal fails cleanly: no unpaid order is left behind.
    await tx.update(orders).set({ status: "cancelled" }).where(and(eq(orders.accountId, account.id), eq(orders.id, placed.order.id)));
    return "insufficient funds";
  }
  await writeAudit(tx, {
    accountId: account.id,
    at,
    actor: SYSTEM,
    action: "auto_renew",
    targetType: "instance",
    targetId: inst.id,
    fromState: stateOf(inst),
    toState: `renewed until ${placed.order.termEnd?.toISOString()}`,
    amounts: { payable: placed.order.payableAmount, paid: placed.order.paidAmount },
    details: { orderNo: placed.order.orderNo, months: inst.autoRenewMonths },
  });
  return null;
}

async function expire(tx: Tx, account: Account, inst: Instance, at: Date, reason: string) {
  await tx.update(instances).set({ status: "expired", statusSince: at }).where(and(eq(instances.accountId, account.id), eq(instances.id, inst.id)));
  await tx
    .insert(instanceStateChanges)
    .values({ accountId: account.id, id: `isc_${inst.id}_expired_${at.getTime()}`, instanceId: inst.id, fromStatus: inst.status, toStatus: "expired", at, cause: `subscription expired: ${reason}` })
    .onConflictDoNothing();
  await emitStateChange(tx, account.id, { instanceId: inst.id, from: inst.status, to: "expired", at, cause: `subscription expired: ${reason}` });
  await writeAudit(tx, {
    accountId: account.id,
    at,
    actor: SYSTEM,
    action: "expire",
    targetType: "instance",
    targetId: inst.id,
    fromState: stateOf(inst),
    toState: "expired",
    details: { reason },
  });
}
