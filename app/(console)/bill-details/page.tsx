import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "@/components/ui";
import { TableSkeleton, type Params } from "@/components/bill-details/parts";
import { cycleOf, shiftCycle } from "@/lib/billing/cycle";
import { accountNow } from "@/lib/clock";
import { getAccount } from "@/lib/data/account";
import { pageCaller } from "../page-caller";
import { BillsTab } from "./bills-tab";
import { DetailsTab } from "./details-tab";
import { UsageTab } from "./usage-tab";
import { SummaryTab } from "./summary-tab";

export const metadata: Metadata = { title: "Bill Details" };

const TABS = [
  { id: "bills", label: "Consumption by Bill" },
  { id: "details", label: "Billing Details" },
  { id: "usage", label: "Usage Records" },
  { id: "summary", label: "Summary by Quantity and Price" },
] as const;

type Search = Record<string, string | string[] | undefined>;

export default async function BillDetailsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const caller = await pageCaller();
  const search = await searchParams;
  const account = await getAccount(caller);
  // One value per parameter: the forms send one; a repeated one keeps the first.
  const params: Params = Object.fromEntries(Object.entries(search).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const active = TABS.find((t) => t.id === params.tab) ?? TABS[0];
  const current = cycleOf(accountNow(account), account.timeZone);
  const cycle = params.billingCycle ?? current;
  const cycles = Array.from({ length: 13 }, (_, i) => shiftCycle(current, -i));
  const tabParams: Params = { ...params, tab: active.id, billingCycle: cycle };
  const ctx = { caller, params: tabParams, currency: account.currency, timeZone: account.timeZone, cycles };
  return (
    <>
      <PageHeader title="Bill Details">
        <span className="text-xs text-muted">Amounts in {account.currency} · times in {account.timeZone}</span>
      </PageHeader>
      <div role="tablist" aria-label="Bill Details" className="mb-4 flex gap-1 overflow-x-auto border-b border-line">
        {TABS.map((t) => (
          <Link key={t.id} role="tab" aria-selected={t.id === active.id} href={`/bill-details?tab=${t.id}&billingCycle=${cycle}`}
            className={`whitespace-nowrap border-b-2 px-3 py-2 ${t.id === active.id ? "border-brand font-semibold text-brand-dark" : "border-transparent text-muted hover:text-ink"}`}>
            {t.label}
          </Link>
        ))}
      </div>
      <div role="tabpanel" aria-label={active.label}>
        {/* Keyed by the URL: a new filter shows the skeleton instead of stale rows. */}
        <Suspense key={JSON.stringify(tabParams)} fallback={<TableSkeleton />}>
          {active.id === "bills" && <BillsTab {...ctx} />}
          {active.id === "details" && <DetailsTab {...ctx} />}
          {active.id === "usage" && <UsageTab {...ctx} />}
          {active.id === "summary" && <SummaryTab {...ctx} />}
        </Suspense>
      </div>
    </>
  );
}
