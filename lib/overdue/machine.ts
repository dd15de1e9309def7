// The per-resource state machine of docs/billing-rules.md#timelines-per-product, pure: given a resource,
// its product's policy (policies.ts) and an instant, which transitions are due,
// what is refused, and what happens next and when. The jobs apply what it
// returns and record each transition with its instant and cause.
import type { BillingMethod, InstanceStatus } from "@/db/schema";
import { BLOCKED_WHILE_OVERDUE, type Action, type OverdueRule, type ProductPolicy } from "./policies";

export interface MachineInstance {
  id: string;
  billingMethod: BillingMethod;
  status: InstanceStatus;
  statusSince: Date;
  createdAt: Date;
  expiresAt: Date | null;
  autoRenew: boolean;
  releasedAt: Date | null;
  attributes: Record<string, unknown>;
}

export interface Transition {
  instanceId: string;
  from: InstanceStatus;
  to: InstanceStatus;
  at: Date;
  cause: string;
}

export function overdueRule(inst: Pick<MachineInstance, "billingMethod">, policy: ProductPolicy): OverdueRule | null {
  return policy.overdue[inst.billingMethod] ?? null;
}

/** The state a live resource enters when overdue starts by this trigger, or null. */
export function onOverdueStart(inst: MachineInstance, policy: ProductPolicy, trigger: OverdueRule["trigger"], at: Date): Transition | null {
  const rule = overdueRule(inst, policy);
  if (!rule?.onOverdue || rule.trigger !== trigger || inst.status !== "active" || inst.createdAt > at) return null;
  return { instanceId: inst.id, from: inst.status, to: rule.onOverdue, at, cause: rule.cause };
}

function instantAttr(attrs: Record<string, unknown>, key: string): Date | null {
  const v = attrs[key];
  if (typeof v !== "string") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** When a live Image Search package ends: quota used up, or expiry without auto-renewal. */
function packageEnd(inst: MachineInstance, policy: ProductPolicy): { at: Date; cause: string } | null {
  if (!policy.expiresOnQuotaUsedUp) return null;
  const usedUp = instantAttr(inst.attributes, "quotaUsedUpAt");
  const expired = inst.expiresAt && !inst.autoRenew ? inst.expiresAt : null;
  if (usedUp && (!expired || usedUp <= expired)) return { at: usedUp, cause: "package quota used up: retained, then released" };
  if (expired) return { at: expired, cause: "package expired without renewal: retained, then released" };
  return null;
}

/** "168 h" up to a week (as the policy is stated), whole days beyond: "15 days". */
function spanLabel(ms: number): string {
  const hours = ms / 3_600_000;
  return hours > 168 && hours % 24 === 0 ? `${hours / 24} days` : `${hours} h`;
}

/** The next timeline event of a resource, whether or not it is due yet. */
export function nextEvent(inst: MachineInstance, policy: ProductPolicy): { to: InstanceStatus; at: Date; cause: string } | null {
  if (inst.status === "released") return null;
  if (inst.status === "restricted" || inst.status === "overdue") {
    const rule = overdueRule(inst, policy);
    if (!rule) return null;
    return {
      to: "released",
      at: new Date(inst.statusSince.getTime() + rule.releaseAfterMs),
      cause: `overdue for ${spanLabel(rule.releaseAfterMs)}: suspended and released, data deleted`,
    };
  }
  if (inst.status === "expired") {
    return { to: "released", at: new Date(inst.statusSince.getTime() + policy.retentionAfterExpiryMs), cause: "retention after expiry ended: released, data deleted" };
  }
  const end = packageEnd(inst, policy);
  return end ? { to: "expired", at: end.at, cause: end.cause } : null;
}

/** Every transition due by `now`, in order (a package can expire and be released in one run). */
export function dueTransitions(inst: MachineInstance, policy: ProductPolicy, now: Date): Transition[] {
  const out: Transition[] = [];
  let cur = inst;
  for (let i = 0; i < 3; i++) {
    const e = nextEvent(cur, policy);
    if (!e || e.at > now) break;
    out.push({ instanceId: inst.id, from: cur.status, to: e.to, at: e.at, cause: e.cause });
    cur = { ...cur, status: e.to, statusSince: e.at, releasedAt: e.to === "released" ? e.at : cur.releasedAt };
  }
  return out;
}

/** What is refused for this resource now. */
export function blockedActions(inst: MachineInstance, policy: ProductPolicy, accountOverdue: boolean): Action[] {
  const set = new Set<Action>();
  if (inst.status === "released") return ["use", "restart", "change-spec", "renew", "upgrade", "deploy"];
  if (inst.status === "restricted" || inst.status === "overdue") for (const a of overdueRule(inst, policy)?.blocked ?? []) set.add(a);
  if (inst.status === "expired") for (const a of ["use", "restart", "deploy", "change-spec"] as const) set.add(a);
  if (accountOverdue) for (const a of BLOCKED_WHILE_OVERDUE) if (a !== "create") set.add(a);
  return [...set];
}

/** What is left until `to`, in whole days, hours and minutes; null when due. */
export function countdownParts(from: Date, to: Date): { days: number; hours: number; minutes: number } | null {
  const ms = to.getTime() - from.getTime();
  if (ms <= 0) return null;
  const mins = Math.floor(ms / 60_000);
  return { days: Math.floor(mins / 1440), hours: Math.floor((mins % 1440) / 60), minutes: mins % 60 };
}

/** A human countdown: "6d 23h", "3h 05m", "due now" (the console words it per language from countdownParts). */
export function formatCountdown(from: Date, to: Date): string {
  const p = countdownParts(from, to);
  if (!p) return "due now";
  return p.days > 0 ? `${p.days}d ${p.hours}h` : `${p.hours}h ${String(p.minutes).padStart(2, "0")}m`;
}
