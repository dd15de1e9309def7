// The Alerts page: fired alerts (history), and the rules that fire them with
// forms to add low-balance, budget and overdue rules (admins and finance).
import { useTranslations } from "next-intl";
import { TableFrame, Td, Th } from "@/components/table";
import { Card, Empty } from "@/components/ui";
import { useFormat } from "@/i18n/format";
import { ActionForm, type FormAction } from "./action-form";

type Action = FormAction;

export interface AlertRow { id: string; title: string; message: string; at: string; kind: string; unread: boolean }
export interface RuleRow { id: string; kind: string; name: string; amount: string | null; productId: string | null; actualThresholds: number[]; forecastThresholds: number[] }
export interface BudgetRow { id: string; spendToDate: string; forecast: string; cycle: string }

const input = "rounded border border-line px-2 py-1";
const button = "rounded bg-brand px-3 py-1 font-semibold text-white";

export function AlertsView(p: {
  alerts: AlertRow[];
  olderHref: string | null;
  rules: RuleRow[];
  budgets: BudgetRow[];
  products: { id: string; name: string }[];
  currency: string;
  canEdit: boolean;
  formatAt: (iso: string) => string;
  forecastMethod: string;
  actions: { create: Action; remove: Action; markRead: Action };
}) {
  const t = useTranslations("alerts");
  const f = useFormat();
  const money = (v: string) => f.money(v, p.currency);
  const status = new Map(p.budgets.map((b) => [b.id, b]));
  return (
    <div className="space-y-4">
      <Card title={t("history")}>
        {p.alerts.some((a) => a.unread) && (
          <ActionForm action={p.actions.markRead} className="mb-2">
            <button className="text-sm underline" data-testid="alerts-mark-read">{t("markRead")}</button>
          </ActionForm>
        )}
        {p.alerts.length === 0 ? (
          <Empty>{t("none")}</Empty>
        ) : (
          <TableFrame label={t("history")} testId="alerts-table" bare>
            <thead>
              <tr><Th>{t("colWhen")}</Th><Th>{t("colAlert")}</Th><Th>{t("colKind")}</Th></tr>
            </thead>
            <tbody>
              {p.alerts.map((a) => (
                <tr key={a.id} className={a.unread ? "font-semibold" : undefined}>
                  <Td>{p.formatAt(a.at)}</Td>
                  <Td wrap>
                    {a.title}
                    <span className="block text-xs font-normal text-muted">{a.message}</span>
                  </Td>
                  <Td>{t("kind", { kind: a.kind })}</Td>
                </tr>
              ))}
            </tbody>
          </TableFrame>
        )}
        {p.olderHref && <a href={p.olderHref} className="mt-2 inline-block text-sm underline">{t("older")}</a>}
      </Card>

      <Card title={t("rules")}>
        {p.rules.length === 0 ? (
          <Empty>{t("noRules")}</Empty>
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="alert-rules">
            {p.rules.map((r) => {
              const b = status.get(r.id);
              return (
                <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span>
                    <span className="font-medium">{r.name}</span> <span className="text-muted">· {t("kind", { kind: r.kind })}</span>
                    {r.kind === "budget" && (
                      <span className="block text-xs text-muted">
                        {t("thresholds", { actual: r.actualThresholds.join("/") || "—", forecast: r.forecastThresholds.join("/") || "—" })}
                        {b && <> · {t("budgetStatus", { cycle: b.cycle, spent: money(b.spendToDate), forecast: money(b.forecast) })}</>}
                      </span>
                    )}
                  </span>
                  {p.canEdit && (
                    <ActionForm action={p.actions.remove}>
                      <input type="hidden" name="id" value={r.id} />
                      <button className="text-xs text-red-700 underline" aria-label={t("deleteRule", { name: r.name })}>{t("delete")}</button>
                    </ActionForm>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <p className="mt-2 text-xs text-muted">{t("forecast", { method: p.forecastMethod })}</p>
      </Card>

      {p.canEdit && (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card title={t("addBudget")}>
            <ActionForm action={p.actions.create} className="space-y-2 text-sm" testId="budget-form">
              <input type="hidden" name="kind" value="budget" />
              <label className="block">{t("name")} <input name="name" className={`${input} w-full`} placeholder={t("namePlaceholder")} /></label>
              <label className="block">{t("monthlyAmount", { currency: p.currency })} <input name="amount" required inputMode="decimal" className={`${input} w-full`} placeholder="500.00" /></label>
              <label className="block">{t("scope")}
                <select name="productId" className={`${input} w-full`} defaultValue="">
                  <option value="">{t("wholeAccount")}</option>
                  {p.products.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                </select>
              </label>
              <label className="block">{t("actualThresholds")} <input name="actualThresholds" defaultValue="50, 80, 100" className={`${input} w-full`} /></label>
              <label className="block">{t("forecastThresholds")} <input name="forecastThresholds" defaultValue="100" className={`${input} w-full`} /></label>
              <button className={button}>{t("addBudgetButton")}</button>
            </ActionForm>
          </Card>
          <Card title={t("addLowBalance")}>
            <ActionForm action={p.actions.create} className="space-y-2 text-sm" testId="low-balance-form">
              <input type="hidden" name="kind" value="low_balance" />
              <label className="block">{t("lowBalanceAmount", { currency: p.currency })} <input name="amount" required inputMode="decimal" className={`${input} w-full`} placeholder="100.00" /></label>
              <button className={button}>{t("addAlert")}</button>
            </ActionForm>
          </Card>
          <Card title={t("addOverdue")}>
            <ActionForm action={p.actions.create} className="space-y-2 text-sm" testId="overdue-form">
              <input type="hidden" name="kind" value="overdue" />
              <p className="text-muted">{t("overdueNote")}</p>
              <button className={button}>{t("addWarnings")}</button>
            </ActionForm>
          </Card>
        </div>
      )}
    </div>
  );
}
