import type { Metadata } from "next";
import Link from "next/link";
import { ComingNext, PageHeader } from "@/components/ui";
import { pageCaller } from "../page-caller";

export const metadata: Metadata = { title: "Bill Details" };

const TABS = [
  { id: "bills", label: "Consumption by Bill" },
  { id: "details", label: "Billing Details" },
  { id: "usage", label: "Usage Records" },
  { id: "summary", label: "Summary by Quantity and Price" },
] as const;

export default async function BillDetailsPage({ searchParams }: { searchParams: Promise<{ tab?: string }> }) {
  await pageCaller();
  const { tab } = await searchParams;
  const active = TABS.find((t) => t.id === tab) ?? TABS[0];
  return (
    <>
      <PageHeader title="Bill Details" />
      <div role="tablist" aria-label="Bill Details" className="mb-4 flex gap-1 overflow-x-auto border-b border-line">
        {TABS.map((t) => (
          <Link key={t.id} role="tab" aria-selected={t.id === active.id} href={`/bill-details?tab=${t.id}`}
            className={`whitespace-nowrap border-b-2 px-3 py-2 ${t.id === active.id ? "border-brand font-semibold text-brand-dark" : "border-transparent text-muted hover:text-ink"}`}>
            {t.label}
          </Link>
        ))}
      </div>
      <div role="tabpanel">
        <ComingNext what={active.label} />
      </div>
    </>
  );
}
