import type { Metadata } from "next";
import { AlertsView } from "@/components/alerts/alerts-view";
import { PageHeader } from "@/components/ui";
import { getAccount } from "@/lib/data/account";
import { budgetProducts, listAlertRules, listAlerts, listBudgets } from "@/lib/data/alerts";
import { FORECAST_METHOD } from "@/lib/alerts/forecast";
import { formatInstant } from "@/lib/format";
import { pageCaller } from "../page-caller";
import { createRuleAction, deleteRuleAction, markReadAction } from "./actions";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const caller = await pageCaller();
  const sp = await searchParams;
  const nextToken = typeof sp.nextToken === "string" ? sp.nextToken : undefined;
  const [account, history, rules, budgets, products] = await Promise.all([
    getAccount(caller),
    listAlerts(caller, { limit: 50, nextToken }),
    listAlertRules(caller),
    listBudgets(caller),
    budgetProducts(),
  ]);
  return (
    <>
      <PageHeader title="Alerts" />
      <AlertsView
        alerts={history.data}
        olderHref={history.nextToken ? `/alerts?nextToken=${encodeURIComponent(history.nextToken)}` : null}
        rules={rules}
        budgets={budgets}
        products={products}
        currency={account.currency}
        canEdit={caller.role === "admin" || caller.role === "finance"}
        formatAt={(iso) => formatInstant(new Date(iso), account.timeZone)}
        forecastMethod={FORECAST_METHOD}
        actions={{ create: createRuleAction, remove: deleteRuleAction, markRead: markReadAction }}
      />
    </>
  );
}
