import "server-only";
// Webhook endpoints, their delivery log, and resends: admins only, reads too
// (receiver URLs often carry tokens). The secret is returned once, at creation.
import { and, count, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookEndpoint } from "@/db/schema";
import { systemNow } from "@/lib/clock";
import { NotFoundError } from "@/lib/errors";
import { newId, randomSecret, sortableId } from "@/lib/ids";
import { assertDeliverableUrl } from "@/lib/webhooks/address";
import { deliverOne } from "@/lib/webhooks/deliver";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/outbox";
import { requireRole, tenantOf, type Caller } from "./caller";
import { newestAfter, newestPage, NEXT_TOKEN } from "./api-views";
import { parseInput } from "./validate";

const events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, "choose at least one event").max(WEBHOOK_EVENT_TYPES.length);
export const createInput = z.object({
  url: z.string().trim().min(1).max(2000),
  events,
  description: z.string().trim().max(200).default(""),
});
export const updateInput = z
  .object({ url: z.string().trim().min(1).max(2000), events, description: z.string().trim().max(200), enabled: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "send at least one of url, events, description, enabled");

function endpointOut(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    secretHint: `${e.secret.slice(0, 10)}…`,
    createdAt: e.createdAt.toISOString(),
  };
}

export async function listWebhookEndpoints(caller: Caller, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  const db = await getDb();
  const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.accountId, id)).orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
  return rows.map(endpointOut);
}

async function endpointRow(accountId: string, endpointId: string) {
  const db = await getDb();
  const [row] = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.accountId, accountId), eq(webhookEndpoints.id, endpointId)));
  if (!row) throw new NotFoundError(`Webhook endpoint ${endpointId} not found.`);
  return row;
}

export async function getWebhookEndpoint(caller: Caller, endpointId: string, accountId?: string) {
  requireRole(caller, "admin");
  return endpointOut(await endpointRow(tenantOf(caller, accountId), endpointId));
}

/** The signing secret is in this response only. */
export async function createWebhookEndpoint(caller: Caller, input: unknown, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  const data = parseInput(createInput, input);
  const url = await assertDeliverableUrl(data.url);
  const db = await getDb();
  const [row] = await db
    .insert(webhookEndpoints)
    .values({ accountId: id, id: newId("whe"), url: url.toString(), description: data.description, events: [...new Set(data.events)], secret: `whsec_${randomSecret(24)}` })
    .returning();
  return { ...endpointOut(row), secret: row.secret };
}

export async function updateWebhookEndpoint(caller: Caller, endpointId: string, input: unknown, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  const data = parseInput(updateInput, input);
  await endpointRow(id, endpointId);
  const url = data.url ? (await assertDeliverableUrl(data.url)).toString() : undefined;
  const db = await getDb();
  const [row] = await db
    .update(webhookEndpoints)
    .set({ ...data, ...(url ? { url } : {}), ...(data.events ? { events: [...new Set(data.events)] } : {}) })
    .where(and(eq(webhookEndpoints.accountId, id), eq(webhookEndpoints.id, endpointId)))
    .returning();
  return endpointOut(row);
}

export async function deleteWebhookEndpoint(caller: Caller, endpointId: string, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  await endpointRow(id, endpointId);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const gone = await tx
      .delete(webhookDeliveries)
      .where(and(eq(webhookDeliveries.accountId, id), eq(webhookDeliveries.endpointId, endpointId)))
      .returning({ id: webhookDeliveries.id });
    if (gone.length) await tx.delete(webhookAttempts).where(and(eq(webhookAttempts.accountId, id), inArray(webhookAttempts.deliveryId, gone.map((g) => g.id))));
    await tx.delete(webhookEndpoints).where(and(eq(webhookEndpoints.accountId, id), eq(webhookEndpoints.id, endpointId)));
  });
  return { deleted: endpointId };
}

export const deliveriesQuery = z.object({ nextToken: NEXT_TOKEN, limit: z.coerce.number().int().min(1).max(200).default(50) });

/** The delivery log of an endpoint, newest first, each with its attempts, in the API's list envelope. */
export async function listDeliveries(caller: Caller, endpointId: string, input: unknown = {}, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  const q = parseInput(deliveriesQuery, input);
  await endpointRow(id, endpointId);
  const db = await getDb();
  const mine = and(eq(webhookDeliveries.accountId, id), eq(webhookDeliveries.endpointId, endpointId));
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({ d: webhookDeliveries, type: webhookEvents.type, occurredAt: webhookEvents.occurredAt })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, and(eq(webhookEvents.accountId, webhookDeliveries.accountId), eq(webhookEvents.id, webhookDeliveries.eventId)))
      .where(and(mine, newestAfter(q.nextToken, webhookDeliveries.createdAt, webhookDeliveries.id)))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(q.limit + 1),
    db.select({ n: count() }).from(webhookDeliveries).where(mine),
  ]);
  const ids = rows.slice(0, q.limit).map((r) => r.d.id);
  const attempts = ids.length
    ? await db
        .select()
        .from(webhookAttempts)
        .where(and(eq(webhookAttempts.accountId, id), inArray(webhookAttempts.deliveryId, ids)))
        .orderBy(webhookAttempts.at, webhookAttempts.id)
    : [];
  return newestPage(
    rows,
    q.limit,
    (r) => ({ at: r.d.createdAt, id: r.d.id }),
    ({ d, type, occurredAt }) => ({
      id: d.id,
      eventId: d.eventId,
      eventType: type,
      occurredAt: occurredAt.toISOString(),
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
      log: attempts.filter((a) => a.deliveryId === d.id).map((a) => ({ at: a.at.toISOString(), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs })),
    }),
    n,
  );
}

/** Send the delivery's event again (same event id) as a new delivery, now. */
export async function resendDelivery(caller: Caller, endpointId: string, deliveryId: string, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  await endpointRow(id, endpointId);
  const db = await getDb();
  const [d] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.accountId, id), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, deliveryId)));
  if (!d) throw new NotFoundError(`Delivery ${deliveryId} not found.`);
  const wall = systemNow();
  const fresh = sortableId("whd");
  await db.insert(webhookDeliveries).values({ accountId: id, id: fresh, endpointId, eventId: d.eventId, nextAttemptAt: wall, createdAt: wall });
  await deliverOne(db, id, fresh, wall);
  const [after] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.accountId, id), eq(webhookDeliveries.id, fresh)));
  return { id: fresh, eventId: d.eventId, status: after.status, lastStatusCode: after.lastStatusCode, lastError: after.lastError };
}
