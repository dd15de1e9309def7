// Per-product overdue and retention policies (docs/billing-rules.md#timelines-per-product), as data. The
// state machine (machine.ts) reads only this table, so changing a timeline is
// a one-line change here. Keys are the catalog's `overduePolicy` values.
import type { BillingMethod, InstanceStatus } from "@/db/schema";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** What the console refuses while a resource is in a state. */
export const ACTIONS = ["create", "deploy", "restart", "change-spec", "use", "renew", "upgrade"] as const;
export type Action = (typeof ACTIONS)[number];

export interface OverdueRule {
  /** The state a live resource enters when the account's overdue starts (null: unaffected). */
  onOverdue: Extract<InstanceStatus, "restricted" | "overdue"> | null;
  /**
   * "account": enters at the overdue instant; "quota": pay-as-you-go that keeps
   * running while the overdue amount stays under the extended suspension quota.
   */
  trigger: "account" | "quota";
  /** Released (data deleted) this long after entering the overdue state. */
  releaseAfterMs: number;
  /** Billing stops at the instant it enters the state. */
  billingStops: boolean;
  /** What is refused meanwhile. */
  blocked: readonly Action[];
  cause: string;
}

export interface ProductPolicy {
  /** By billing method; a missing method is not affected by overdue. */
  overdue: Partial<Record<BillingMethod, OverdueRule>>;
  /** Retention of an expired resource (subscription ended, or package quota used up) before release. */
  retentionAfterExpiryMs: number;
  /** Image Search packages end when their quota is used up, not only at expiry. */
  expiresOnQuotaUsedUp: boolean;
}

const CR_RESTRICTED: OverdueRule = {
  onOverdue: "restricted",
  trigger: "account",
  releaseAfterMs: 168 * HOUR_MS,
  billingStops: false,
  blocked: ["create", "deploy", "restart", "change-spec", "renew", "upgrade"],
  cause: "account overdue: creating, deploying, restarting and spec changes refused",
};

const PHONE_STOPPED: OverdueRule = {
  onOverdue: "overdue",
  trigger: "quota",
  // Overdue on day 1; released from day 16 unless topped up within 15 days.
  releaseAfterMs: 15 * DAY_MS,
  billingStops: true,
  blocked: ["use", "restart", "change-spec", "renew", "upgrade"],
  cause: "account overdue: unusable, data kept, billing stopped",
};

export const RETENTION_DAYS = 15;

export const POLICIES: Record<string, ProductPolicy> = {
  // Restricted while the account is overdue (e.g. registries).
  restrict: {
    overdue: { subscription: CR_RESTRICTED, payg: CR_RESTRICTED, free: CR_RESTRICTED },
    retentionAfterExpiryMs: RETENTION_DAYS * DAY_MS,
    expiresOnQuotaUsedUp: false,
  },
  // Pay-as-you-go stops and the resource is overdue (e.g. instance groups).
  "stop-payg": {
    overdue: { payg: PHONE_STOPPED },
    retentionAfterExpiryMs: RETENTION_DAYS * DAY_MS,
    expiresOnQuotaUsedUp: false,
  },
  // Prepaid packages: untouched by overdue, expire when their quota is used up.
  "prepaid-package": {
    overdue: {},
    retentionAfterExpiryMs: RETENTION_DAYS * DAY_MS,
    expiresOnQuotaUsedUp: true,
  },
  default: {
    overdue: {},
    retentionAfterExpiryMs: RETENTION_DAYS * DAY_MS,
    expiresOnQuotaUsedUp: false,
  },
};

export function policyFor(overduePolicy: string | null | undefined): ProductPolicy {
  return POLICIES[overduePolicy ?? "default"] ?? POLICIES.default;
}

/** While the account is overdue every new purchase, upgrade and renewal is refused. */
export const BLOCKED_WHILE_OVERDUE: readonly Action[] = ["create", "renew", "upgrade"];
