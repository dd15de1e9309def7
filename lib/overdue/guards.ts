// Refusals other code calls before acting (docs/billing-rules.md#overdue): while overdue, new
// purchases, upgrades and renewals are refused; paying what is due always works.
// Restricted, overdue, expired and released resources refuse what their policy blocks.
import type { Account, Instance } from "@/db/schema";
import { ConflictError } from "@/lib/errors";
import { blockedActions } from "./machine";
import { policyFor, type Action } from "./policies";

type OverdueAccount = Pick<Account, "id" | "overdueSince">;

function refuseIfOverdue(account: OverdueAccount, what: string) {
  if (account.overdueSince) {
    throw new ConflictError(`Account ${account.id} has been overdue since ${account.overdueSince.toISOString()}: ${what} is refused until the outstanding amount is paid (top up).`, {
      reason: "account_overdue",
      overdueSince: account.overdueSince.toISOString(),
    });
  }
}

export function assertCanPurchase(account: OverdueAccount): void {
  refuseIfOverdue(account, "a new purchase");
}
export function assertCanRenew(account: OverdueAccount): void {
  refuseIfOverdue(account, "a renewal");
}
export function assertCanUpgrade(account: OverdueAccount): void {
  refuseIfOverdue(account, "an upgrade");
}

/** `overduePolicy` is the product's catalog policy key. */
export function assertInstanceAllows(account: OverdueAccount, instance: Instance, overduePolicy: string | null, action: Action): void {
  if (action === "renew") assertCanRenew(account);
  if (action === "upgrade") assertCanUpgrade(account);
  const blocked = blockedActions(instance, policyFor(overduePolicy), account.overdueSince !== null);
  if (blocked.includes(action)) {
    throw new ConflictError(`${instance.name} is ${instance.status}: ${action} is refused.`, { reason: `instance_${instance.status}`, action });
  }
}
