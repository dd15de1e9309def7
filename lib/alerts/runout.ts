// Overdue warnings before they happen: when available credit runs out at the
// pay-as-you-go run rate (the forecast's), the resources whose policy reacts
// to overdue are restricted or stopped. Warned 72 h and 24 h ahead, once per
// crossing; a prediction that moves back past a threshold (a top-up, a lower
// run rate), or the event coming to pass, re-arms it.
import type Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { alertStates, type Account, type AlertRule } from "@/db/schema";
import { toFixedString } from "@/lib/money";
import { overdueRule } from "@/lib/overdue/machine";
import { HOUR_MS, POLICIES, policyFor, type OverdueRule } from "@/lib/overdue/policies";
import type { PolicyInstance } from "@/lib/overdue/transitions";
import { creditRunsOutAt } from "./forecast";
import { availableCredit, cycleForecast } from "./spend";

export interface Firing {
  key: string;
  at: Date;
  title: string;
  message: string;
  data: Record<string, unknown>;
}
export type Fire = (rule: AlertRule, f: Firing, extraKeys?: string[]) => Promise<void>;

/** Hours before a resource event (a release, an expiry, the predicted run-out) at which the overdue rule warns. */
export const WARNING_HOURS = [72, 24] as const;

type Trigger = OverdueRule["trigger"];
type Entered = NonNullable<OverdueRule["onOverdue"]>;
const VERB: Record<Entered, string> = { restricted: "restricted", overdue: "stopped" };

/** `active(key)`: the key's crossing has fired and not re-armed since. */
export async function runOutWarnings(tx: Tx, account: Account, rule: AlertRule, now: Date, live: PolicyInstance[], active: (key: string) => boolean, fire: Fire) {
  // Live resources that change state when the account goes overdue, by what sets them off and the state they enter.
  const groups = new Map<string, { trigger: Trigger; to: Entered; resources: PolicyInstance[] }>();
  for (const inst of live) {
    const r = overdueRule(inst, policyFor(inst.overduePolicy));
    if (!r?.onOverdue || inst.status !== "active") continue;
    const g = groups.get(`${r.trigger}:${r.onOverdue}`) ?? { trigger: r.trigger, to: r.onOverdue, resources: [] };
    g.resources.push(inst);
    groups.set(`${r.trigger}:${r.onOverdue}`, g);
  }
  // Every group the policies can make, so that one with no resources left re-arms too.
  const known = new Set(Object.values(POLICIES).flatMap((p) => Object.values(p.overdue).flatMap((r) => (r?.onOverdue ? [`${r.trigger}:${r.onOverdue}`] : []))));
  let credit: { available: Decimal; rate: string } | null = null;
  for (const group of known) {
    const g = groups.get(group);
    const keyOf = (h: number) => `runout:${group}:${h}h`;
    // Come to pass: the overdue (or the pay-as-you-go stop) is an alert of its own.
    const happened = g && (g.trigger === "account" ? account.overdueSince !== null : account.paygStoppedSince !== null);
    let at: Date | null = null;
    if (g && !happened) {
      credit ??= { available: await availableCredit(tx, account, now), rate: (await cycleForecast(tx, account, now)).runRatePerDay };
      // Pay-as-you-go stops only once the overdue amount passes the suspension quota.
      at = creditRunsOutAt(now, g.trigger === "quota" ? credit.available.plus(account.suspensionQuota) : credit.available, credit.rate);
    }
    const within = WARNING_HOURS.filter((h) => at !== null && at.getTime() - h * HOUR_MS <= now.getTime());
    for (const h of WARNING_HOURS) {
      if (within.includes(h) || !active(keyOf(h))) continue;
      await tx.update(alertStates).set({ active: false, since: now }).where(and(eq(alertStates.accountId, account.id), eq(alertStates.ruleId, rule.id), eq(alertStates.key, keyOf(h))));
    }
    if (!g || !at || !credit || !within.length) continue;
    const hours = Math.min(...within);
    if (active(keyOf(hours))) continue;
    const verb = VERB[g.to];
    const available = toFixedString(credit.available);
    const count = g.resources.length === 1 ? "1 resource" : `${g.resources.length} resources`;
    await fire(
      rule,
      {
        key: keyOf(hours),
        at: now,
        title: `Credit runs out in about ${hours} h: ${count} will be ${verb}`,
        message:
          `At the pay-as-you-go run rate of ${credit.rate} ${account.currency} a day, available credit of ${available} ${account.currency}` +
          `${g.trigger === "quota" ? " and the suspension quota run" : " runs"} out around ${at.toISOString()}. ` +
          `Then ${g.resources.map((i) => `${i.name} (${i.productId})`).join(", ")} will be ${verb}. Top up to avoid it.`,
        data: {
          runOut: true,
          trigger: g.trigger,
          nextStatus: g.to,
          hours,
          predictedAt: at.toISOString(),
          availableCredit: available,
          runRatePerDay: credit.rate,
          currency: account.currency,
          resources: g.resources.map((i) => ({ id: i.id, name: i.name, productId: i.productId })),
        },
      },
      // The 72 h warning is moot once the 24 h one has fired.
      within.filter((h) => h !== hours && !active(keyOf(h))).map(keyOf),
    );
  }
}
