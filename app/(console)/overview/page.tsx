import type { Metadata } from "next";
import { ComingNext, PageHeader, Stat } from "@/components/ui";
import { getAccountOverview } from "@/lib/data/account";
import { listInstances } from "@/lib/data/instances";
import { formatMoney } from "@/lib/money";
import { formatInstant } from "@/lib/format";
import { pageCaller } from "../page-caller";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const caller = await pageCaller();
  const [{ account, balance }, rows] = await Promise.all([getAccountOverview(caller), listInstances(caller)]);
  const live = rows.filter((r) => r.instance.status !== "released");
  return (
    <>
      <PageHeader title="Overview" />
      {account.overdueSince && (
        <div role="alert" className="mb-4 rounded-lg border border-red-200 bg-red-50 p-3 text-red-800" data-testid="overdue-banner">
          Your account is overdue since {formatInstant(account.overdueSince, account.timeZone)}. Top up to avoid release of resources.
        </div>
      )}
      <div className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Balance" value={formatMoney(balance, account.currency)} testId="balance" />
        <Stat label="Credit limit" value={formatMoney(account.creditLimit, account.currency)} />
        <Stat label="Resources in service" value={String(live.length)} hint={`${rows.length - live.length} released`} />
        <Stat label="Billing currency · time zone" value={`${account.currency} · ${account.timeZone}`} />
      </div>
      <ComingNext what="Spend to date, projection, 12-month cost trend and top instances" />
    </>
  );
}
