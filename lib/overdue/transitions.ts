// What overdue does to resources the moment it starts or ends. Per-product
// policies (PRODUCT.md §6): Cloud Phone pay-as-you-go stops at once (data kept,
// billing stops); Container Registry is restricted (usable and billed, no
// changes). Every change is recorded with its instant and cause.
import { and, eq, inArray, isNull, lte } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { instances, instanceStateChanges, type InstanceStatus } from "@/db/schema";

async function move(tx: Tx, accountId: string, ids: { id: string; status: InstanceStatus }[], to: InstanceStatus, at: Date, cause: string, reanchor = false) {
  if (!ids.length) return;
  await tx
    .update(instances)
    .set({ status: to, statusSince: at, ...(reanchor ? { billingAnchorAt: at } : {}) })
    .where(and(eq(instances.accountId, accountId), inArray(instances.id, ids.map((i) => i.id))));
  await tx.insert(instanceStateChanges).values(
    ids.map((i) => ({ accountId, id: `isc_${i.id}_${to}_${at.getTime()}`, instanceId: i.id, fromStatus: i.status, toStatus: to, at, cause })),
  ).onConflictDoNothing();
}

export async function onAccountOverdue(tx: Tx, accountId: string, at: Date): Promise<void> {
  const live = await tx
    .select({ id: instances.id, status: instances.status, productId: instances.productId, billingMethod: instances.billingMethod })
    .from(instances)
    .where(and(eq(instances.accountId, accountId), eq(instances.status, "active"), isNull(instances.releasedAt), lte(instances.createdAt, at)));
  await move(tx, accountId, live.filter((i) => i.productId === "cloud-phone" && i.billingMethod === "payg"), "overdue", at, "account overdue: billing stopped, data kept");
  await move(tx, accountId, live.filter((i) => i.productId === "container-registry-enterprise" || i.productId === "container-registry-personal"), "restricted", at, "account overdue: changes refused");
}

/** Paid up: what is not released works again; Cloud Phone billing restarts with a new period. */
export async function onAccountSettled(tx: Tx, accountId: string, at: Date): Promise<void> {
  const stopped = await tx
    .select({ id: instances.id, status: instances.status, productId: instances.productId })
    .from(instances)
    .where(and(eq(instances.accountId, accountId), inArray(instances.status, ["overdue", "restricted"]), isNull(instances.releasedAt)));
  await move(tx, accountId, stopped.filter((i) => i.status === "overdue"), "active", at, "overdue paid: reactivated", true);
  await move(tx, accountId, stopped.filter((i) => i.status === "restricted"), "active", at, "overdue paid: restrictions lifted");
}
