// An alert as the console words it: from its kind and data through the
// catalogue (alertText.*), in the user's language and formats. The stored
// English title and message (what the API and webhooks send) stand in for a
// kind or data shape this code does not know.
import type en from "@/messages/en.json";
import type { Formatter } from "@/i18n/format";
import { dec } from "@/lib/money";

export type AlertTextKey = keyof (typeof en)["alertText"];
type Translate = (key: AlertTextKey, values?: Record<string, string | number>) => string;

export interface StoredAlert { kind: string; key: string; title: string; message: string; data: unknown }
export interface AlertContext {
  t: Translate;
  f: Formatter;
  timeZone: string;
  /** Display name of a product id (budgets scoped to a product). */
  productName: (id: string) => string;
}

const str = (v: unknown): v is string => typeof v === "string" && v !== "";
const int = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const DECIMAL = /^-?\d+(\.\d+)?$/;
const amount = (v: unknown): v is string => str(v) && DECIMAL.test(v);
const instant = (v: unknown): v is string => str(v) && !Number.isNaN(Date.parse(v));

function worded(a: StoredAlert, { t, f, timeZone, productName }: AlertContext): { title: string; message: string } | null {
  const d = (a.data && typeof a.data === "object" ? a.data : {}) as Record<string, unknown>;
  const share = (p: number) => f.percent(dec(p).div(100).toFixed());
  if (a.kind === "low_balance" && str(d.currency) && amount(d.threshold) && amount(d.availableCredit)) {
    const values = { threshold: f.money(d.threshold, d.currency), available: f.money(d.availableCredit, d.currency) };
    return d.cleared === true
      ? { title: t("lowClearedTitle", values), message: t("lowClearedMessage", values) }
      : { title: t("lowTitle", values), message: t("lowMessage", values) };
  }
  if (a.kind === "budget" && str(d.ruleName) && int(d.percent) && str(d.cycle) && str(d.currency) && amount(d.budget)) {
    const product = str(d.productId) ? productName(d.productId) : null;
    const base = { rule: d.ruleName, percent: share(d.percent), cycle: d.cycle, budget: f.money(d.budget, d.currency) };
    const title = (plain: AlertTextKey, scoped: AlertTextKey) => (product ? t(scoped, { ...base, product }) : t(plain, base));
    if (d.basis === "actual" && amount(d.spend)) {
      return { title: title("budgetActualTitle", "budgetActualScopedTitle"), message: t("budgetActualMessage", { ...base, spent: f.money(d.spend, d.currency) }) };
    }
    if (d.basis === "forecast" && amount(d.forecast)) {
      return { title: title("budgetForecastTitle", "budgetForecastScopedTitle"), message: t("budgetForecastMessage", { ...base, forecast: f.money(d.forecast, d.currency) }) };
    }
    return null;
  }
  if (a.kind === "overdue" && d.runOut === true && int(d.hours) && str(d.nextStatus) && instant(d.predictedAt) && str(d.currency) && amount(d.runRatePerDay) && amount(d.availableCredit) && Array.isArray(d.resources)) {
    const names = d.resources.map((r: unknown) => (r && typeof r === "object" && str((r as { name?: unknown }).name) ? (r as { name: string }).name : "")).filter(str);
    const values = {
      hours: f.count(d.hours),
      count: names.length,
      next: d.nextStatus,
      names: names.join(", "),
      rate: f.money(d.runRatePerDay, d.currency),
      available: f.money(d.availableCredit, d.currency),
      at: f.instant(new Date(d.predictedAt), timeZone),
    };
    return { title: t("runOutTitle", values), message: t("runOutMessage", values) };
  }
  if (a.kind === "overdue" && instant(d.since)) {
    return { title: t("overdueTitle"), message: t("overdueMessage", { since: f.instant(new Date(d.since), timeZone) }) };
  }
  if (a.kind === "overdue" && str(d.instanceName) && str(d.nextStatus) && instant(d.eventAt) && int(d.hours)) {
    const values = { name: d.instanceName, next: d.nextStatus, hours: f.count(d.hours), at: f.instant(new Date(d.eventAt), timeZone) };
    return { title: t("resourceTitle", values), message: t("resourceMessage", values) };
  }
  return null;
}

export function alertText(a: StoredAlert, ctx: AlertContext): { title: string; message: string } {
  return worded(a, ctx) ?? { title: a.title, message: a.message };
}
