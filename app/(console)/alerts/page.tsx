import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { alertText } from "@/components/alerts/alert-text";
import { AlertsView } from "@/components/alerts/alerts-view";
import { PageHeader } from "@/components/ui";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { budgetProducts, listAlertRules, listAlerts, listBudgets } from "@/lib/data/alerts";
import { RUN_RATE_DAYS } from "@/lib/alerts/forecast";
import { pageCaller } from "../page-caller";
import { createRuleAction, deleteRuleAction, markReadAction } from "./actions";
import { consoleAccount } from "../shell";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("alerts") };
}

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const caller = await pageCaller();
  const sp = await searchParams;
  const nextToken = typeof sp.nextToken === "string" ? sp.nextToken : undefined;
  const [account, history, rules, budgets, catalogProducts, tn, to, ta, f, n] = await Promise.all([
    consoleAccount(caller),
    listAlerts(caller, { limit: 50, nextToken }),
    listAlertRules(caller),
    listBudgets(caller),
    budgetProducts(),
    getTranslations("nav"),
    getTranslations("overview"),
    getTranslations("alertText"),
    getFormat(),
    getNames(),
  ]);
  const products = catalogProducts.map((p) => ({ id: p.id, name: n.product(p.id, p.name) }));
  const productName = new Map(products.map((p) => [p.id, p.name]));
  const ctx = {
    t: (key: Parameters<typeof ta>[0], values?: Record<string, string | number>) => ta(key, values as never),
    f,
    timeZone: account.timeZone,
    productName: (id: string) => productName.get(id) ?? id,
  };
  return (
    <>
      <PageHeader title={tn("alerts")} />
      <AlertsView
        alerts={history.data.map((a) => ({ ...a, ...alertText(a, ctx) }))}
        olderHref={history.nextToken ? `/alerts?nextToken=${encodeURIComponent(history.nextToken)}` : null}
        rules={rules}
        budgets={budgets}
        products={products}
        currency={account.currency}
        canEdit={caller.role === "admin" || caller.role === "finance"}
        formatAt={(iso) => f.instant(new Date(iso), account.timeZone)}
        forecastMethod={to("forecastMethod", { days: RUN_RATE_DAYS })}
        actions={{ create: createRuleAction, remove: deleteRuleAction, markRead: markReadAction }}
      />
    </>
  );
}
