// The outbox: an event is written in the same transaction as the change it
// reports, with one pending delivery per subscribed endpoint of the account.
// If the process dies before delivery, the next delivery pass finds it.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "@/db/schema";
import { systemNow } from "@/lib/clock";
import { sortableId } from "@/lib/ids";
import { toFixedString } from "@/lib/money";

export const WEBHOOK_EVENT_TYPES = [
  "alert.fired",
  "account.overdue",
  "account.overdue_cleared",
  "resource.state_changed",
  "order.paid",
  "refund.created",
  "bill.closed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

type Endpoint = { id: string; events: string[] };
const known = new WeakMap<DbOrTx, Map<string, Endpoint[]>>();

/**
 * The account's enabled endpoints, read once by a caller that runs many steps
 * in one transaction and writes no endpoint in it (the billing jobs): the
 * events of that transaction use them instead of reading them again.
 */
export function knowEndpoints(tx: DbOrTx, accountId: string, endpoints: Endpoint[]): void {
  const byAccount = known.get(tx) ?? new Map<string, Endpoint[]>();
  byAccount.set(accountId, endpoints);
  known.set(tx, byAccount);
}

/**
 * Record an event for the account's endpoints. `occurredAt` is the billing
 * instant (test clock); deliveries are due at once in wall-clock time. With no
 * endpoint subscribed to the type nothing is written (the jobs emit often).
 */
export async function emitEvent(tx: DbOrTx, accountId: string, type: WebhookEventType, data: Record<string, unknown>, occurredAt: Date): Promise<string | null> {
  const endpoints =
    known.get(tx)?.get(accountId) ??
    (await tx
      .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.accountId, accountId), eq(webhookEndpoints.enabled, true))));
  const targets = endpoints.filter((e) => e.events.includes(type));
  if (!targets.length) return null;
  const id = sortableId("evt");
  const wall = systemNow();
  await tx.insert(webhookEvents).values({ accountId, id, type, occurredAt, data });
  await tx.insert(webhookDeliveries).values(
    targets.map((e) => ({ accountId, id: sortableId("whd"), endpointId: e.id, eventId: id, nextAttemptAt: wall, createdAt: wall })),
  );
  return id;
}

/** The JSON body an endpoint receives. */
export function eventBody(e: { id: string; type: string; accountId: string; occurredAt: Date; data: Record<string, unknown> }): string {
  return JSON.stringify({ id: e.id, type: e.type, accountId: e.accountId, occurredAt: e.occurredAt.toISOString(), data: e.data });
}

/** resource.state_changed, written next to its instance_state_changes row. */
export function emitStateChange(tx: DbOrTx, accountId: string, c: { instanceId: string; from: string | null; to: string; at: Date; cause: string }) {
  return emitEvent(tx, accountId, "resource.state_changed", { instanceId: c.instanceId, fromStatus: c.from, toStatus: c.to, at: c.at.toISOString(), cause: c.cause }, c.at);
}

/** What order.paid and refund.created carry. */
export function orderEventData(o: { id: string; orderNo: string; instanceId: string; productId: string; orderType: string; payableAmount: string; paidAt: Date | null }) {
  return { orderId: o.id, orderNo: o.orderNo, instanceId: o.instanceId, productId: o.productId, orderType: o.orderType, amount: toFixedString(o.payableAmount), paidAt: o.paidAt?.toISOString() ?? null };
}
