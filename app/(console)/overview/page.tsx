import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui";
import { TableFrame, Td, Th } from "@/components/table";
import { TableSkeleton } from "@/components/bill-details/parts";
import { TrendChart } from "@/components/charts/trend-chart";
import { ListCard, MoneyStat } from "@/components/overview/parts";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { getOverview } from "@/lib/data/views/overview";
import { getForecast } from "@/lib/data/alerts";
import { RUN_RATE_DAYS } from "@/lib/alerts/forecast";
import type { Caller } from "@/lib/data/caller";
import { pageCaller } from "../page-caller";
import { attempt, clean } from "../bill-details/tab-context";
import { Notice, Select, type Params } from "@/components/bill-details/parts";
import { AllocationFilters } from "@/components/bill-details/allocation-filters";
import { getCostAllocation } from "@/lib/data/views/allocation";
import { tagChoices } from "@/lib/data/tags";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("overview") };
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Params> }) {
  const caller = await pageCaller();
  const [t, params] = await Promise.all([getTranslations("nav"), searchParams]);
  return (
    <>
      <PageHeader title={t("overview")} />
      <Suspense fallback={<TableSkeleton rows={10} />}>
        <OverviewBody caller={caller} params={params} />
      </Suspense>
    </>
  );
}

async function OverviewBody({ caller, params }: { caller: Caller; params: Params }) {
  const filters = clean(params);
  const [loaded, forecast, t, tt, f, n] = await Promise.all([
    attempt(async () => {
      const o = await getOverview(caller, undefined, filters);
      const [allocation, choices] = await Promise.all([getCostAllocation(caller, { ...filters, billingCycle: o.cycle, ...(filters.tagKey ? {} : { allocateBy: "resourceGroup" }) }), tagChoices(caller, o.cycle)]);
      return { o, allocation, choices };
    }),
    getForecast(caller), getTranslations("overview"), getTranslations("tags"), getFormat(), getNames(),
  ]);
  const tf = await getTranslations("filters");
  if (loaded.error !== undefined) return <Notice kind="error">{loaded.error}</Notice>;
  const { o, allocation, choices } = loaded.data;
  const { currency, timeZone } = o.account;
  const allocateBy = allocation.query.allocateBy;
  const filtered = Boolean(allocation.query.tagValue?.length || allocation.query.resourceGroup?.length);
  const overdue = o.summary.overdue;
  return (
    <>
      <div className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
        <MoneyStat label={t("balance")} value={f.money(o.summary.balance, currency)} testId="overview-balance" />
        <MoneyStat label={t("availableCredit")} value={f.money(o.summary.availableCredit, currency)} testId="overview-available-credit"
          hint={t("creditLimitHint", { amount: f.money(o.summary.creditLimit, currency) })} />
        <MoneyStat label={t("overdueAmount")} value={f.money(overdue?.amount ?? "0", currency)} testId="overview-overdue-amount" tone={overdue ? "danger" : undefined}
          hint={overdue ? (
            <span data-testid="overview-overdue-since">
              {t("overdueSince", { since: f.instant(new Date(overdue.since), timeZone), days: overdue.days })} ·{" "}
              <Link href="/account" className="underline">{t("topUp")}</Link>
            </span>
          ) : t("nothingOverdue")} />
        <MoneyStat label={t("spendToDate", { cycle: o.cycle })} value={f.money(o.spendToDate, currency)} testId="overview-spend-to-date" hint={t("spendToDateHint")} />
        <MoneyStat label={t("forecast")} value={f.money(forecast.amount, currency)} testId="overview-projection"
          hint={<span data-testid="overview-forecast-method" title={t("forecastMethod", { days: RUN_RATE_DAYS })}>{t("forecastMethodShort", { days: RUN_RATE_DAYS })}</span>} />
        <MoneyStat label={t("lastCycle", { cycle: o.previousCycle })} value={f.money(o.lastCycleTotal, currency)} testId="overview-last-cycle" />
      </div>
      <form method="get" action="/overview" aria-label={tt("title")} className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-line bg-white p-3">
        <Select name="allocateBy" label={tt("allocateBy")} value={allocateBy}
          options={[["resourceGroup", tt("resourceGroup")], ["tag", tt("tagKey")]]} />
        <AllocationFilters params={params} choices={choices} />
        <button type="submit" className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-dark">{tf("apply")}</button>
        <Link href="/overview" className="px-2 py-1.5 text-sm text-muted underline">{tf("reset")}</Link>
        {filtered && <p className="w-full text-xs text-muted" data-testid="overview-filtered">{tt("filtered")}</p>}
      </form>
      <div className="mb-4">
        <ListCard title={tt("allocationTitle", { by: allocateBy === "tag" ? tt("byTag", { key: allocation.query.tagKey ?? "" }) : tt("byResourceGroup"), cycle: o.cycle })}
          empty={allocation.data.length === 0 && tt("allocationEmpty")}
          action={{ href: `/bill-details?${new URLSearchParams({ tab: "summary", billingCycle: o.cycle, dimension: allocateBy, ...(allocation.query.tagKey ? { tagKey: allocation.query.tagKey } : {}) })}`, label: t("trendLink") }}>
          <TableFrame label={tt("allocationTitle", { by: allocateBy === "tag" ? tt("byTag", { key: allocation.query.tagKey ?? "" }) : tt("byResourceGroup"), cycle: o.cycle })} testId="cost-allocation" bare>
            <thead>
              <tr><Th>{allocateBy === "tag" ? tt("tagValue") : tt("resourceGroup")}</Th><Th right>{tt("allocationAmount")}</Th></tr>
            </thead>
            <tbody>
              {allocation.data.map((r) => (
                <tr key={r.key ?? ""}>
                  <Td wrap>{r.key ?? <span className="text-muted">{allocateBy === "tag" ? tt("untagged") : tt("noGroup")}</span>}</Td>
                  <Td right>{f.money(r.amount, currency)}</Td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="font-semibold">
                <Td>{tt("allocationTotal")}</Td>
                <Td right testId="cost-allocation-total">{f.money(allocation.total, currency)}</Td>
              </tr>
            </tfoot>
          </TableFrame>
        </ListCard>
      </div>
      <div className="mb-4">
        <ListCard title={t("trendTitle")} action={{ href: "/bill-details?tab=summary", label: t("trendLink") }}
          empty={o.trend.products.length === 0 && t("trendEmpty")}>
          <TrendChart rows={o.trend.rows} products={o.trend.products.map((p) => ({ ...p, name: n.product(p.id, p.name) }))} currency={currency} label={t("trendTitle")} />
        </ListCard>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <ListCard title={t("topTitle", { cycle: o.cycle })} empty={o.topInstances.length === 0 && t("topEmpty")}
          action={{ href: `/bill-details?tab=details&billingCycle=${o.cycle}&groupBy=instanceId&granularity=MONTHLY&sort=pretaxAmount:desc`, label: t("topLink") }}>
          <ol className="divide-y divide-line text-sm" data-testid="top-instances">
            {o.topInstances.map((i) => (
              <li key={i.instanceId} className="flex items-center justify-between gap-2 py-2">
                <span className="min-w-0 truncate">
                  <Link href={`/resources/${encodeURIComponent(i.instanceId)}`} className="font-medium underline">{i.instanceName}</Link>
                  <span className="text-muted"> · {n.product(i.productId, i.productName)}</span>
                </span>
                <span className="whitespace-nowrap tabular-nums">{f.money(i.amount, currency)}</span>
              </li>
            ))}
          </ol>
        </ListCard>
        <ListCard title={t("expiringTitle")} empty={o.expiring.length === 0 && t("expiringEmpty")}>
          <ul className="divide-y divide-line text-sm" data-testid="expiring">
            {o.expiring.map((e) => (
              <li key={e.id} className="flex items-center justify-between gap-2 py-2">
                <span className="min-w-0 truncate">
                  <Link href={`/resources/${encodeURIComponent(e.id)}`} className="font-medium underline">{e.name}</Link>
                  <span className="text-muted"> · {n.product(e.productId, e.productName)}</span>
                </span>
                <span className="text-right">
                  {f.instant(e.expiresAt, timeZone)}
                  <span className="block text-xs text-muted">{e.autoRenew ? t("autoRenews") : t("noAutoRenew")}</span>
                </span>
              </li>
            ))}
          </ul>
        </ListCard>
      </div>
    </>
  );
}
