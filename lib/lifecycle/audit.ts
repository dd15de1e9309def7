// The audit log writer (docs/billing-rules.md#lifecycle-actions): who, when, what, from which state to
// which, and the amounts. Runs in the action's own transaction, so an entry
// exists exactly when the action happened.
import { sortableId } from "@/lib/ids";
import type { Tx } from "@/db/client";
import { auditLog } from "@/db/schema";

export interface AuditInput {
  accountId: string;
  at: Date;
  actor: { actorUserId: string | null; actorApiKeyId: string | null; actorOperatorId?: string | null; actorOperatorName?: string | null };
  action: string;
  targetType: "instance" | "order" | "account" | "voucher" | "coupon" | "adjustment";
  targetId: string;
  fromState?: string | null;
  toState?: string | null;
  amounts?: Record<string, string>;
  details?: Record<string, unknown>;
}

export async function writeAudit(tx: Tx, e: AuditInput): Promise<void> {
  await tx.insert(auditLog).values({
    accountId: e.accountId,
    id: sortableId("aud"), // (at, id) is the listing order: ties keep the order of writing
    at: e.at,
    ...e.actor,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    fromState: e.fromState ?? null,
    toState: e.toState ?? null,
    amounts: e.amounts ?? null,
    details: e.details ?? null,
  });
}

/** "subscription · active · acp.std.small": the resource state as the log shows it. */
export function stateOf(i: { billingMethod: string; status: string; spec: string | null; expiresAt: Date | null }): string {
  return [i.billingMethod, i.status, i.spec, i.expiresAt ? `until ${i.expiresAt.toISOString()}` : null].filter(Boolean).join(" · ");
}
