// Applies the state machine (machine.ts) to the database: what overdue does to
// resources when it starts, when pay-as-you-go passes the suspension quota,
// the timelines the jobs run (release after restriction, overdue or expiry),
// and reactivation when paid. Every change is an instance_state_changes row.
import { emitEvent, emitStateChange } from "@/lib/webhooks/outbox";
import { and, eq, isNull, ne } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { accounts, instances, instanceStateChanges, products, type Instance } from "@/db/schema";
import { outstandingTotal } from "@/lib/billing/settlement";
import { dueTransitions, onOverdueStart, overdueRule, type Transition } from "./machine";
import { policyFor, type OverdueRule } from "./policies";

/** An instance with its product's overdue policy. */
export type PolicyInstance = Instance & { overduePolicy: string };
type Row = PolicyInstance;

/** Not released: what the timelines and overdue act on. */
export const isLive = (i: Pick<Instance, "status" | "releasedAt">) => i.status !== "released" && i.releasedAt === null;

async function liveInstances(tx: Tx, accountId: string): Promise<Row[]> {
  const rows = await tx
    .select({ instance: instances, overduePolicy: products.overduePolicy })
    .from(instances)
    .innerJoin(products, eq(products.id, instances.productId))
    .where(and(eq(instances.accountId, accountId), ne(instances.status, "released"), isNull(instances.releasedAt)));
  return rows.map((r) => ({ ...r.instance, overduePolicy: r.overduePolicy }));
}

/** Write one transition: the instance row, then its history row. */
async function apply(tx: Tx, accountId: string, inst: Row, t: Transition, extra: Partial<Instance> = {}) {
  await tx
    .update(instances)
    .set({ status: t.to, statusSince: t.at, ...(t.to === "released" ? { releasedAt: t.at } : {}), ...extra })
    .where(and(eq(instances.accountId, accountId), eq(instances.id, inst.id)));
  await tx
    .insert(instanceStateChanges)
    .values({ accountId, id: `isc_${inst.id}_${t.to}_${t.at.getTime()}`, instanceId: inst.id, fromStatus: t.from, toStatus: t.to, at: t.at, cause: t.cause })
    .onConflictDoNothing();
  await emitStateChange(tx, accountId, { instanceId: inst.id, from: t.from, to: t.to, at: t.at, cause: t.cause });
}

async function enter(tx: Tx, accountId: string, at: Date, trigger: OverdueRule["trigger"]) {
  for (const inst of await liveInstances(tx, accountId)) {
    const t = onOverdueStart(inst, policyFor(inst.overduePolicy), trigger, at);
    if (t) await apply(tx, accountId, inst, t);
  }
}

/** The account went overdue: resources whose policy reacts at once change state. */
export async function onAccountOverdue(tx: Tx, accountId: string, at: Date): Promise<void> {
  await enter(tx, accountId, at, "account");
}

/** The overdue amount passed the suspension quota: pay-as-you-go stops (Cloud Phone → overdue). */
export async function onPaygStopped(tx: Tx, accountId: string, at: Date): Promise<void> {
  await enter(tx, accountId, at, "quota");
}

/** Run the timelines up to `now`: releases after restriction, overdue or retention; package ends. */
/** `known`: the account's instances as just read in this transaction (the billing jobs), not read again. */
export async function advanceTimelines(tx: Tx, accountId: string, now: Date, known?: PolicyInstance[]): Promise<Transition[]> {
  const done: Transition[] = [];
  for (const inst of known ? known.filter(isLive) : await liveInstances(tx, accountId)) {
    const policy = policyFor(inst.overduePolicy);
    let cur = inst;
    for (const t of dueTransitions(inst, policy, now)) {
      // Billing of a stopped resource must not resume between its stop and its release.
      const stoppedAt = cur.status === "overdue" && overdueRule(cur, policy)?.billingStops ? { attributes: { ...cur.attributes, billingStoppedAt: cur.statusSince.toISOString() } } : {};
      await apply(tx, accountId, cur, t, stoppedAt);
      cur = { ...cur, ...stoppedAt, status: t.to, statusSince: t.at };
      done.push(t);
    }
  }
  return done;
}

/** Paid up: what is not released works again; stopped billing restarts with a new period. */
export async function onAccountSettled(tx: Tx, accountId: string, at: Date): Promise<void> {
  const stopped = (await liveInstances(tx, accountId)).filter((i) => i.status === "overdue" || i.status === "restricted");
  for (const inst of stopped) {
    const restart = inst.status === "overdue";
    await apply(
      tx,
      accountId,
      inst,
      { instanceId: inst.id, from: inst.status, to: "active", at, cause: restart ? "overdue paid: reactivated, billing restarts with a new period" : "overdue paid: restrictions lifted" },
      restart ? { billingAnchorAt: at } : {},
    );
  }
}

/**
 * The one "overdue cleared" rule: an overdue account whose outstanding is paid
 * down to within its credit limit (by a top-up or by the jobs' settlement) is
 * no longer overdue, and its resources come back. Returns whether it cleared.
 */
export async function clearOverdueIfPaidDown(tx: Tx, accountId: string, at: Date): Promise<boolean> {
  const [account] = await tx.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account?.overdueSince || (await outstandingTotal(tx, accountId)).gt(account.creditLimit)) return false;
  await tx.update(accounts).set({ overdueSince: null, paygStoppedSince: null }).where(eq(accounts.id, accountId));
  await onAccountSettled(tx, accountId, at);
  await emitEvent(tx, accountId, "account.overdue_cleared", { overdueSince: account.overdueSince.toISOString() }, at);
  return true;
}
