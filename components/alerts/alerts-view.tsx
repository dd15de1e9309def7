// The Alerts page: fired alerts (history), and the rules that fire them with
// forms to add low-balance, budget and overdue rules (admins and finance).
import { Card, Empty } from "@/components/ui";
import { ActionForm, type FormAction } from "./action-form";

type Action = FormAction;

export interface AlertRow { id: string; title: string; message: string; at: string; kind: string; unread: boolean }
export interface RuleRow { id: string; kind: string; name: string; amount: string | null; productId: string | null; actualThresholds: number[]; forecastThresholds: number[] }
export interface BudgetRow { id: string; spendToDate: string; forecast: string; cycle: string }

const KIND_LABEL: Record<string, string> = { low_balance: "Low balance", budget: "Budget", overdue: "Overdue warnings" };
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
  const status = new Map(p.budgets.map((b) => [b.id, b]));
  return (
    <div className="space-y-4">
      <Card title="Alert history">
        {p.alerts.some((a) => a.unread) && (
          <ActionForm action={p.actions.markRead} className="mb-2">
            <button className="text-sm underline" data-testid="alerts-mark-read">Mark all as read</button>
          </ActionForm>
        )}
        {p.alerts.length === 0 ? (
          <Empty>No alerts yet.</Empty>
        ) : (
          <table className="w-full text-sm" data-testid="alerts-table">
            <thead className="text-left text-xs text-muted">
              <tr><th className="py-1">When</th><th>Alert</th><th>Kind</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {p.alerts.map((a) => (
                <tr key={a.id} className={a.unread ? "font-semibold" : undefined}>
                  <td className="whitespace-nowrap py-2 pr-3 align-top">{p.formatAt(a.at)}</td>
                  <td className="py-2 pr-3">
                    {a.title}
                    <span className="block text-xs font-normal text-muted">{a.message}</span>
                  </td>
                  <td className="py-2 align-top">{KIND_LABEL[a.kind] ?? a.kind}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {p.olderHref && <a href={p.olderHref} className="mt-2 inline-block text-sm underline">Older alerts</a>}
      </Card>

      <Card title="Rules">
        {p.rules.length === 0 ? (
          <Empty>No rules: nothing will be watched.</Empty>
        ) : (
          <ul className="divide-y divide-line text-sm" data-testid="alert-rules">
            {p.rules.map((r) => {
              const b = status.get(r.id);
              return (
                <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span>
                    <span className="font-medium">{r.name}</span> <span className="text-muted">· {KIND_LABEL[r.kind]}</span>
                    {r.kind === "budget" && (
                      <span className="block text-xs text-muted">
                        actual at {r.actualThresholds.join("/") || "—"} %, forecast at {r.forecastThresholds.join("/") || "—"} %
                        {b && <> · {b.cycle}: spent {b.spendToDate} {p.currency}, forecast {b.forecast} {p.currency}</>}
                      </span>
                    )}
                  </span>
                  {p.canEdit && (
                    <ActionForm action={p.actions.remove}>
                      <input type="hidden" name="id" value={r.id} />
                      <button className="text-xs text-red-700 underline">Delete</button>
                    </ActionForm>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <p className="mt-2 text-xs text-muted">Forecast: {p.forecastMethod}.</p>
      </Card>

      {p.canEdit && (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card title="Add a budget">
            <ActionForm action={p.actions.create} className="space-y-2 text-sm" testId="budget-form">
              <input type="hidden" name="kind" value="budget" />
              <label className="block">Name <input name="name" className={`${input} w-full`} placeholder="Monthly budget" /></label>
              <label className="block">Monthly amount ({p.currency}) <input name="amount" required inputMode="decimal" className={`${input} w-full`} placeholder="500.00" /></label>
              <label className="block">Scope
                <select name="productId" className={`${input} w-full`} defaultValue="">
                  <option value="">Whole account</option>
                  {p.products.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                </select>
              </label>
              <label className="block">Thresholds on actual spend (%) <input name="actualThresholds" defaultValue="50, 80, 100" className={`${input} w-full`} /></label>
              <label className="block">Thresholds on the forecast (%) <input name="forecastThresholds" defaultValue="100" className={`${input} w-full`} /></label>
              <button className={button}>Add budget</button>
            </ActionForm>
          </Card>
          <Card title="Add a low-balance alert">
            <ActionForm action={p.actions.create} className="space-y-2 text-sm" testId="low-balance-form">
              <input type="hidden" name="kind" value="low_balance" />
              <label className="block">Warn when available credit is below ({p.currency}) <input name="amount" required inputMode="decimal" className={`${input} w-full`} placeholder="100.00" /></label>
              <button className={button}>Add alert</button>
            </ActionForm>
          </Card>
          <Card title="Add overdue warnings">
            <ActionForm action={p.actions.create} className="space-y-2 text-sm" testId="overdue-form">
              <input type="hidden" name="kind" value="overdue" />
              <p className="text-muted">When the account becomes overdue, and 72 h and 24 h before a resource is released or stopped.</p>
              <button className={button}>Add warnings</button>
            </ActionForm>
          </Card>
        </div>
      )}
    </div>
  );
}
