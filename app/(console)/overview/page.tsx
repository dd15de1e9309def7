import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "@/components/ui";
import { TableSkeleton } from "@/components/bill-details/parts";
import { TrendChart } from "@/components/charts/trend-chart";
import { ListCard, MoneyStat } from "@/components/overview/parts";
import { formatInstant } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { getOverview } from "@/lib/data/views/overview";
import { getForecast } from "@/lib/data/alerts";
import { FORECAST_METHOD, FORECAST_METHOD_SHORT } from "@/lib/alerts/forecast";
import type { Caller } from "@/lib/data/caller";
import { pageCaller } from "../page-caller";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const caller = await pageCaller();
  return (
    <>
      <PageHeader title="Overview" />
      <Suspense fallback={<TableSkeleton rows={10} />}>
        <OverviewBody caller={caller} />
      </Suspense>
    </>
  );
}

async function OverviewBody({ caller }: { caller: Caller }) {
  const [o, forecast] = await Promise.all([getOverview(caller), getForecast(caller)]);
  const { currency, timeZone } = o.account;
  const overdue = o.summary.overdue;
  return (
    <>
      <div className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
        <MoneyStat label="Balance" value={o.summary.balance} currency={currency} testId="overview-balance" />
        <MoneyStat label="Available credit" value={o.summary.availableCredit} currency={currency} testId="overview-available-credit"
          hint={`credit limit ${formatMoney(o.summary.creditLimit, currency)}`} />
        <MoneyStat label="Overdue amount" value={overdue?.amount ?? "0"} currency={currency} testId="overview-overdue-amount" tone={overdue ? "danger" : undefined}
          hint={overdue ? (
            <span data-testid="overview-overdue-since">
              since {formatInstant(new Date(overdue.since), timeZone)} ({overdue.days} day{overdue.days === 1 ? "" : "s"}) ·{" "}
              <Link href="/account" className="underline">top up</Link>
            </span>
          ) : "Nothing overdue"} />
        <MoneyStat label={`Spend to date (${o.cycle})`} value={o.spendToDate} currency={currency} testId="overview-spend-to-date" hint="estimate until the cycle closes" />
        <MoneyStat label="Forecast at cycle end" value={forecast.amount} currency={currency} testId="overview-projection"
          hint={<span data-testid="overview-forecast-method" title={FORECAST_METHOD}>{FORECAST_METHOD_SHORT}</span>} />
        <MoneyStat label={`Last cycle (${o.previousCycle})`} value={o.lastCycleTotal} currency={currency} testId="overview-last-cycle" />
      </div>
      <div className="mb-4">
        <ListCard title="Cost trend, last 12 months, by product" action={{ href: "/bill-details?tab=summary", label: "Summary" }}
          empty={o.trend.products.length === 0 && "No charges in the last 12 months."}>
          <TrendChart rows={o.trend.rows} products={o.trend.products} currency={currency} />
        </ListCard>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <ListCard title={`Top 5 instances by cost (${o.cycle})`} empty={o.topInstances.length === 0 && "No charges this cycle yet."}
          action={{ href: `/bill-details?tab=details&billingCycle=${o.cycle}&groupBy=instanceId&granularity=MONTHLY&sort=pretaxAmount:desc`, label: "All instances" }}>
          <ol className="divide-y divide-line text-sm" data-testid="top-instances">
            {o.topInstances.map((t) => (
              <li key={t.instanceId} className="flex items-center justify-between gap-2 py-2">
                <span className="min-w-0 truncate">
                  <Link href={`/resources/${encodeURIComponent(t.instanceId)}`} className="font-medium underline">{t.instanceName}</Link>
                  <span className="text-muted"> · {t.productName}</span>
                </span>
                <span className="tabular-nums">{formatMoney(t.amount, currency)}</span>
              </li>
            ))}
          </ol>
        </ListCard>
        <ListCard title="Subscriptions expiring in 15 days" empty={o.expiring.length === 0 && "No subscription expires in the next 15 days."}>
          <ul className="divide-y divide-line text-sm" data-testid="expiring">
            {o.expiring.map((e) => (
              <li key={e.id} className="flex items-center justify-between gap-2 py-2">
                <span className="min-w-0 truncate">
                  <Link href={`/resources/${encodeURIComponent(e.id)}`} className="font-medium underline">{e.name}</Link>
                  <span className="text-muted"> · {e.productName}</span>
                </span>
                <span className="text-right">
                  {formatInstant(e.expiresAt, timeZone)}
                  <span className="block text-xs text-muted">{e.autoRenew ? "auto-renews" : "no auto-renew"}</span>
                </span>
              </li>
            ))}
          </ul>
        </ListCard>
      </div>
    </>
  );
}
