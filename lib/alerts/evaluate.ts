// Run by the billing jobs at every `now` (the test clock included): each rule
// is checked and each crossing fires once — its state row (rule + key) is
// what stops a repeat. Budgets key by basis, percent and cycle; overdue
// warnings by the resource event they announce, or by the predicted run-out of
// credit (./runout.ts, re-armed when it moves away); low balance re-arms on clearing.
import { and, eq, isNull, ne } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { alertRules, alerts, alertStates, instances, products, type Account, type AlertRule } from "@/db/schema";
import { cycleOf, shiftCycle } from "@/lib/billing/cycle";
import { sortableId } from "@/lib/ids";
import { dec, toFixedString } from "@/lib/money";
import { nextEvent } from "@/lib/overdue/machine";
import { HOUR_MS, policyFor } from "@/lib/overdue/policies";
import { emitEvent } from "@/lib/webhooks/outbox";
import { crossingInstant } from "./crossing";
import { runOutWarnings, WARNING_HOURS, type Fire, type Firing } from "./runout";
import { availableCredit, cycleCharges, cycleForecast, cycleTotal } from "./spend";

// title and message are stored in English for the API and webhooks; the console
// words an alert from its kind and data (components/alerts/alert-text.ts).

/** `account` as it is at the end of the run (jobsRunUntil still the previous run's). */
export async function evaluateAlerts(tx: Tx, account: Account, now: Date): Promise<number> {
  const rules = await tx.select().from(alertRules).where(eq(alertRules.accountId, account.id));
  if (!rules.length) return 0;
  const states = await tx.select().from(alertStates).where(eq(alertStates.accountId, account.id));
  const seen = new Map(states.map((s) => [`${s.ruleId}|${s.key}`, s]));
  let fired = 0;
  const fire = async (rule: AlertRule, f: Firing, extraKeys: string[] = []) => {
    await tx.insert(alerts).values({ accountId: account.id, id: sortableId("alr"), ruleId: rule.id, kind: rule.kind, key: f.key, title: f.title, message: f.message, at: f.at, data: f.data });
    for (const key of [f.key, ...extraKeys]) {
      await tx
        .insert(alertStates)
        .values({ accountId: account.id, ruleId: rule.id, key, active: true, since: f.at })
        .onConflictDoUpdate({ target: [alertStates.accountId, alertStates.ruleId, alertStates.key], set: { active: true, since: f.at } });
    }
    await emitEvent(tx, account.id, "alert.fired", { ruleId: rule.id, kind: rule.kind, ruleName: rule.name, key: f.key, title: f.title, message: f.message, at: f.at.toISOString(), ...f.data }, f.at);
    fired++;
  };
  const has = (rule: AlertRule, key: string) => seen.has(`${rule.id}|${key}`);

  for (const rule of rules) {
    if (rule.kind === "budget") {
      await budget(tx, account, rule, now, has, fire);
    } else if (rule.kind === "low_balance") {
      if (await lowBalance(tx, account, rule, now, seen.get(`${rule.id}|low`)?.active ?? false, fire)) fired++;
    } else if (rule.kind === "overdue") {
      await overdue(tx, account, rule, now, has, (key) => seen.get(`${rule.id}|${key}`)?.active ?? false, fire);
    }
  }
  return fired;
}

type Has = (rule: AlertRule, key: string) => boolean;

/** Fires below the floor; back above it, records the clearing (no event) and re-arms. True when it recorded a clearing. */
async function lowBalance(tx: Tx, account: Account, rule: AlertRule, now: Date, active: boolean, fire: Fire): Promise<boolean> {
  const floor = toFixedString(rule.amount ?? 0);
  const available = await availableCredit(tx, account, now);
  const data = { availableCredit: toFixedString(available), threshold: floor, currency: account.currency };
  if (available.lt(floor) && !active) {
    await fire(rule, { key: "low", at: now, title: `Available credit below ${floor} ${account.currency}`, message: `Available credit is ${data.availableCredit} ${account.currency}. Top up to keep resources running.`, data });
  } else if (available.gte(floor) && active) {
    await tx.update(alertStates).set({ active: false, since: now }).where(and(eq(alertStates.accountId, account.id), eq(alertStates.ruleId, rule.id), eq(alertStates.key, "low")));
    await tx.insert(alerts).values({ accountId: account.id, id: sortableId("alr"), ruleId: rule.id, kind: rule.kind, key: "low:cleared", title: `Available credit back above ${floor} ${account.currency}`, message: `Available credit is ${data.availableCredit} ${account.currency}.`, at: now, data: { ...data, cleared: true } });
    return true;
  }
  return false;
}

async function budget(tx: Tx, account: Account, rule: AlertRule, now: Date, has: Has, fire: Fire) {
  const amount = dec(rule.amount ?? 0);
  if (amount.lte(0)) return;
  const scope = rule.productId ? ` for ${rule.productId}` : "";
  // A run that spans a cycle boundary also settles the crossings of the cycle it left.
  const current = cycleOf(now, account.timeZone);
  const from = account.jobsRunUntil ? cycleOf(account.jobsRunUntil, account.timeZone) : current;
  const cycles = from < current ? [shiftCycle(current, -1), current] : [current];
  for (const cycle of cycles) {
    const pending = rule.actualThresholds.filter((p) => !has(rule, `actual:${p}:${cycle}`));
    if (!pending.length) continue;
    // The jobs run every minute: one sum decides; the charges are read only when a threshold is reached.
    const total = await cycleTotal(tx, account.id, cycle, rule.productId);
    if (total.lt(amount.times(Math.min(...pending)).div(100))) continue;
    const charges = await cycleCharges(tx, account.id, cycle, rule.productId);
    for (const p of [...pending].sort((a, b) => a - b)) {
      const limit = amount.times(p).div(100);
      if (total.lt(limit)) continue;
      // Period charges sum to their day lines; should rounding ever differ, the run's instant stands in.
      const at = crossingInstant(charges, limit, now) ?? now;
      const spent = charges.filter((c) => c.dueAt <= at).reduce((s, c) => s.plus(c.amount), dec(0));
      await fire(rule, {
        key: `actual:${p}:${cycle}`,
        at,
        title: `${rule.name}: ${p}% of the ${cycle} budget spent${scope}`,
        message: `Spend reached ${toFixedString(spent)} of ${toFixedString(amount)} ${account.currency}.`,
        data: { basis: "actual", ruleName: rule.name, percent: p, cycle, budget: toFixedString(amount), spend: toFixedString(spent), productId: rule.productId, currency: account.currency },
      });
    }
  }
  const pendingForecast = rule.forecastThresholds.filter((p) => !has(rule, `forecast:${p}:${current}`));
  if (!pendingForecast.length) return;
  const f = await cycleForecast(tx, account, now, rule.productId);
  for (const p of [...pendingForecast].sort((a, b) => a - b)) {
    if (dec(f.amount).lt(amount.times(p).div(100))) continue;
    await fire(rule, {
      key: `forecast:${p}:${current}`,
      at: now,
      title: `${rule.name}: forecast at ${p}% of the ${current} budget${scope}`,
      message: `The cycle is forecast to end at ${f.amount} of ${toFixedString(amount)} ${account.currency} (${f.method}).`,
      data: { basis: "forecast", ruleName: rule.name, percent: p, cycle: current, budget: toFixedString(amount), forecast: f.amount, method: f.method, productId: rule.productId, currency: account.currency },
    });
  }
}

async function overdue(tx: Tx, account: Account, rule: AlertRule, now: Date, has: Has, active: (key: string) => boolean, fire: Fire) {
  const since = account.overdueSince;
  if (since && !has(rule, `overdue:${since.toISOString()}`)) {
    await fire(rule, { key: `overdue:${since.toISOString()}`, at: since, title: "The account is overdue", message: "Charges are unpaid beyond the credit limit. Top up to avoid resources being restricted or released.", data: { since: since.toISOString() } });
  }
  const rows = await tx
    .select({ instance: instances, overduePolicy: products.overduePolicy })
    .from(instances)
    .innerJoin(products, eq(products.id, instances.productId))
    .where(and(eq(instances.accountId, account.id), ne(instances.status, "released"), isNull(instances.releasedAt)));
  await runOutWarnings(tx, account, rule, now, rows.map((r) => ({ ...r.instance, overduePolicy: r.overduePolicy })), active, fire);
  for (const { instance, overduePolicy } of rows) {
    const timeline = nextEvent(instance, policyFor(overduePolicy));
    // A subscription without auto-renewal stops at its end date.
    const event = timeline ?? (instance.status === "active" && instance.billingMethod === "subscription" && instance.expiresAt && !instance.autoRenew ? { to: "expired" as const, at: instance.expiresAt, cause: "subscription ends without renewal" } : null);
    if (!event || event.at <= now) continue;
    const due = WARNING_HOURS.filter((h) => event.at.getTime() - h * HOUR_MS <= now.getTime());
    if (!due.length) continue;
    const hours = Math.min(...due);
    const keyOf = (h: number) => `resource:${instance.id}:${event.to}:${event.at.toISOString()}:${h}h`;
    if (has(rule, keyOf(hours))) continue;
    const verb = event.to === "released" ? "released (data deleted)" : "stopped (expired)";
    await fire(
      rule,
      {
        key: keyOf(hours),
        at: new Date(event.at.getTime() - hours * HOUR_MS),
        title: `${instance.name} will be ${verb} in ${hours} h`,
        message: `${instance.name} (${instance.productId}) will be ${verb} at ${event.at.toISOString()}: ${event.cause}.`,
        data: { instanceId: instance.id, instanceName: instance.name, status: instance.status, nextStatus: event.to, eventAt: event.at.toISOString(), hours },
      },
      // Warnings further out are moot once a nearer one has fired.
      due.filter((h) => h !== hours && !has(rule, keyOf(h))).map(keyOf),
    );
  }
}
