import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui";
import { TableSkeleton, type Params } from "@/components/bill-details/parts";
import { cycleOf, shiftCycle } from "@/lib/billing/cycle";
import { accountNow } from "@/lib/clock";
import { pageCaller } from "../page-caller";
import { BillsTab } from "./bills-tab";
import { DetailsTab } from "./details-tab";
import { UsageTab } from "./usage-tab";
import { SummaryTab } from "./summary-tab";
import { param } from "./tab-context";
import { consoleAccount } from "../shell";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("billDetails") };
}

const TABS = ["bills", "details", "usage", "summary"] as const;

export default async function BillDetailsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const caller = await pageCaller();
  const [params, account, t, locale] = await Promise.all([searchParams, consoleAccount(caller), getTranslations("billDetails"), getLocale()]);
  const active = TABS.find((id) => id === param(params, "tab")) ?? TABS[0];
  const current = cycleOf(accountNow(account), account.timeZone);
  const cycle = param(params, "billingCycle") ?? current;
  const cycles = Array.from({ length: 13 }, (_, i) => shiftCycle(current, -i));
  const tabParams: Params = { ...params, tab: active, billingCycle: cycle };
  const ctx = { caller, params: tabParams, currency: account.currency, timeZone: account.timeZone, cycles, locale };
  return (
    <>
      <PageHeader title={t("title")}>
        <span className="text-xs text-muted">{t("context", { currency: account.currency, timeZone: account.timeZone })}</span>
      </PageHeader>
      <div role="tablist" aria-label={t("title")} className="mb-4 flex flex-wrap gap-x-1 border-b border-line">
        {TABS.map((id) => (
          <Link key={id} role="tab" aria-selected={id === active} href={`/bill-details?tab=${id}&billingCycle=${cycle}`}
            className={`border-b-2 px-3 py-2 ${id === active ? "border-brand font-semibold text-brand-dark" : "border-transparent text-muted hover:text-ink"}`}>
            {t(`tabs.${id}`)}
          </Link>
        ))}
      </div>
      <div role="tabpanel" aria-label={t(`tabs.${active}`)}>
        {/* Keyed by the URL: a new filter shows the skeleton instead of stale rows. */}
        <Suspense key={JSON.stringify(tabParams)} fallback={<TableSkeleton />}>
          {active === "bills" && <BillsTab {...ctx} />}
          {active === "details" && <DetailsTab {...ctx} />}
          {active === "usage" && <UsageTab {...ctx} />}
          {active === "summary" && <SummaryTab {...ctx} />}
        </Suspense>
      </div>
    </>
  );
}
