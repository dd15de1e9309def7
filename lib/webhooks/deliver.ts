// The delivery worker: sends due deliveries (each claimed with a short lease,
// so two passes never send the same one at once), signs each request, records
// every attempt and schedules retries. At-least-once: a receiver may see an
// event again (same event id) if a pass dies after sending, before recording.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { and, asc, eq, isNull, lte, lt, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookDelivery } from "@/db/schema";
import { systemNow } from "@/lib/clock";
import { sortableId } from "@/lib/ids";
import { guardedLookup, isPrivateAddress, privateTargetsAllowed } from "./address";
import { nextAttemptAt } from "./backoff";
import { eventBody } from "./outbox";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from "./signing";

export const DELIVERY_TIMEOUT_MS = 10_000;
const LEASE_MS = 60_000;

export interface PostResult {
  statusCode: number | null;
  error: string | null;
}

/** One POST: no redirects followed (a 3xx is a failure), internal addresses refused, short timeout. */
export function postWebhook(rawUrl: string, headers: Record<string, string>, body: string, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<PostResult> {
  return new Promise((resolve) => {
    const url = new URL(rawUrl);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) && !privateTargetsAllowed() && isPrivateAddress(host)) {
      return resolve({ statusCode: null, error: "refused: private address" });
    }
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body).toString() }, lookup: guardedLookup as never, timeout: timeoutMs },
      (res) => {
        res.resume(); // the body does not matter; only the status
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          resolve({ statusCode: code, error: code >= 300 && code < 400 ? "redirect not followed" : null });
        });
        res.on("error", () => resolve({ statusCode: res.statusCode ?? null, error: "response interrupted" }));
      },
    );
    // `timeout` only bounds idle time; the deadline bounds a receiver that drips its answer.
    const deadline = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", (e) => resolve({ statusCode: null, error: e.message }));
    req.on("close", () => clearTimeout(deadline));
    req.end(body);
  });
}

export interface DeliveryPassResult {
  attempted: number;
  succeeded: number;
  failed: number;
}

/** Send every due delivery of these accounts (all accounts when none named). */
export async function deliverPending(db: Db, opts: { accountIds?: string[]; now?: () => Date; limit?: number } = {}): Promise<DeliveryPassResult> {
  const clock = opts.now ?? systemNow;
  const ids = opts.accountIds ?? (await db.select({ id: accounts.id }).from(accounts).orderBy(asc(accounts.id))).map((a) => a.id);
  const out: DeliveryPassResult = { attempted: 0, succeeded: 0, failed: 0 };
  for (const accountId of ids) {
    const now = clock();
    const due = await db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.accountId, accountId),
          eq(webhookDeliveries.status, "pending"),
          lte(webhookDeliveries.nextAttemptAt, now),
          or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now)),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
      .limit(opts.limit ?? 100);
    // An endpoint that did not answer at all (refused, unreachable, timed out) is
    // not tried again in this pass: one dead receiver must not hold up the rest.
    const unreachable = new Set<string>();
    for (const d of due) {
      if (unreachable.has(d.endpointId)) continue;
      const r = await attempt(db, d, clock());
      if (!r) continue;
      out.attempted++;
      if (r.outcome === "succeeded") out.succeeded++;
      else out.failed++;
      if (r.statusCode === null) unreachable.add(d.endpointId);
    }
  }
  return out;
}

/** Send one delivery now if it is pending (a resend); the result, or null when another pass holds it. */
export async function deliverOne(db: Db, accountId: string, deliveryId: string, now: Date = systemNow()) {
  const [d] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.accountId, accountId), eq(webhookDeliveries.id, deliveryId)));
  return d ? attempt(db, d, now) : null;
}

async function attempt(db: Db, d: WebhookDelivery, now: Date): Promise<{ outcome: "succeeded" | "retry" | "failed"; statusCode: number | null } | null> {
  const mine = and(eq(webhookDeliveries.accountId, d.accountId), eq(webhookDeliveries.id, d.id));
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(and(mine, eq(webhookDeliveries.status, "pending"), or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now))))
    .returning();
  if (!claimed) return null; // another pass has it
  const [[event], [endpoint]] = await Promise.all([
    db.select().from(webhookEvents).where(and(eq(webhookEvents.accountId, d.accountId), eq(webhookEvents.id, d.eventId))),
    db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.accountId, d.accountId), eq(webhookEndpoints.id, d.endpointId))),
  ]);
  let result: PostResult;
  const t0 = Date.now();
  if (!event || !endpoint || !endpoint.enabled) {
    result = { statusCode: null, error: "endpoint disabled or deleted" };
  } else {
    const body = eventBody(event);
    const timestamp = Math.floor(now.getTime() / 1000);
    result = await postWebhook(endpoint.url, {
      "content-type": "application/json",
      "user-agent": "BillingConsole-Webhooks/1",
      [EVENT_ID_HEADER]: event.id,
      "billing-event-type": event.type,
      [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, body),
    }, body);
  }
  const ok = result.error === null && result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const attempts = claimed.attempts + 1;
  const retryAt = ok || !endpoint?.enabled ? null : nextAttemptAt(attempts, claimed.createdAt, now);
  const status = ok ? "succeeded" : retryAt ? "pending" : "failed";
  const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`);
  await db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({ accountId: d.accountId, id: sortableId("wha"), deliveryId: d.id, at: now, statusCode: result.statusCode, error, durationMs: Date.now() - t0 });
    await tx
      .update(webhookDeliveries)
      .set({ status, attempts, leaseUntil: null, nextAttemptAt: retryAt, lastStatusCode: result.statusCode, lastError: error, deliveredAt: ok ? now : null })
      .where(mine);
  });
  return { outcome: ok ? "succeeded" : status === "pending" ? "retry" : "failed", statusCode: result.statusCode };
}
