// Why a resource changed (or will change) state: the billing jobs record an
// English sentence (instance_state_changes.cause, and the machine's next
// event). The console words the known ones from the catalogue (cause.<key>);
// anything else is shown as recorded. Each pattern mirrors one sentence the
// rules write; causes.test.ts holds them to the rules' own output.
export interface CauseWords {
  key: string;
  values: Record<string, string>;
}

const PATTERNS: [RegExp, string, string[]][] = [
  [/^created$/, "created", []],
  [/^released$/, "released", []],
  [/^overdue for (\d+) (h|days): suspended and released, data deleted$/, "overdueReleased", ["amount", "unit"]],
  [/^retention after expiry ended: released, data deleted$/, "retentionEnded", []],
  [/^package quota used up: retained, then released$/, "packageUsedUp", []],
  [/^package expired without renewal: retained, then released$/, "packageExpired", []],
  [/^account overdue: creating, deploying, restarting and spec changes refused$/, "overdueRestricted", []],
  [/^account overdue: unusable, data kept, billing stopped$/, "overdueStopped", []],
  [/^overdue paid: reactivated, billing restarts with a new period$/, "paidReactivated", []],
  [/^overdue paid: restrictions lifted$/, "paidLifted", []],
  [/^renewed until (\S+) \(order (\d+)\)$/, "renewed", ["until", "orderNo"]],
  [/^switched to subscription until (\S+) \(order (\d+)\)$/, "switched", ["until", "orderNo"]],
  [/^unsubscribed: released \(order (\d+)\)$/, "unsubscribed", ["orderNo"]],
  [/^(upgrade|downgrade) (\S+) → (\S+) \(order (\d+)\)$/, "specChanged", ["type", "from", "to", "orderNo"]],
  [/^subscription expired: auto-renewal off$/, "expiredNoAutoRenew", []],
  [/^subscription expired: account overdue$/, "expiredOverdue", []],
  [/^subscription expired: the free trial is not renewable$/, "expiredTrial", []],
];

export const CAUSE_KEYS = PATTERNS.map(([, key]) => key);

/** The catalogue key and values for a recorded cause, or null to show it as recorded. */
export function causeWords(cause: string): CauseWords | null {
  for (const [re, key, names] of PATTERNS) {
    const m = re.exec(cause);
    if (m) return { key, values: Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) };
  }
  return null;
}
