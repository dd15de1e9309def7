import type { Metadata } from "next";
import Link from "next/link";
import { Empty, PageHeader, StatusBadge } from "@/components/ui";
import { getAccount, getOverdueStatus } from "@/lib/data/account";
import { NextEvent } from "@/components/overdue/resource-status";
import { listInstances, instanceFilters } from "@/lib/data/instances";
import { BILLING_METHOD_LABELS, formatInstant } from "@/lib/format";
import { BILLING_METHODS, INSTANCE_STATUSES } from "@/db/schema";
import { pageCaller } from "../page-caller";

export const metadata: Metadata = { title: "Resources" };

export default async function ResourcesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const caller = await pageCaller();
  const params = await searchParams;
  const filters = instanceFilters.parse({ status: params.status || undefined, billingMethod: params.billingMethod || undefined });
  const [account, rows, overdue] = await Promise.all([getAccount(caller), listInstances(caller, filters), getOverdueStatus(caller)]);
  const nextOf = new Map(overdue.resources.map((r) => [r.id, r.next]));
  const now = overdue.now.toISOString();
  return (
    <>
      <PageHeader title="Resources">
        <form className="flex flex-wrap items-end gap-2" method="get">
          <label className="text-xs">
            <span className="block text-muted">Status</span>
            <select name="status" defaultValue={filters.status ?? ""} className="rounded border border-line bg-white px-2 py-1">
              <option value="">All</option>
              {INSTANCE_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <label className="text-xs">
            <span className="block text-muted">Billing method</span>
            <select name="billingMethod" defaultValue={filters.billingMethod ?? ""} className="rounded border border-line bg-white px-2 py-1">
              <option value="">All</option>
              {BILLING_METHODS.map((m) => <option key={m} value={m}>{BILLING_METHOD_LABELS[m]}</option>)}
            </select>
          </label>
          <button className="rounded bg-brand px-3 py-1 font-semibold text-white">Filter</button>
        </form>
      </PageHeader>
      {rows.length === 0 ? (
        <Empty>No resources match these filters.</Empty>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-line bg-white">
          <table className="w-full text-left" data-testid="resources-table">
            <thead className="border-b border-line bg-surface text-xs text-muted">
              <tr>
                <th className="px-3 py-2">Resource</th>
                <th className="px-3 py-2">Product</th>
                <th className="px-3 py-2">Spec</th>
                <th className="px-3 py-2">Region</th>
                <th className="px-3 py-2 text-right">Instances</th>
                <th className="px-3 py-2">Billing method</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Next</th>
                <th className="px-3 py-2">Created</th>
                <th className="px-3 py-2">Expires</th>
                <th className="px-3 py-2">Auto-renew</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ instance: i, productName, regionName }) => (
                <tr key={i.id} className="border-b border-line last:border-0 hover:bg-surface/60">
                  <td className="px-3 py-2">
                    <Link href={`/resources/${encodeURIComponent(i.id)}`} className="font-medium text-blue-700 hover:underline">{i.name}</Link>
                    <div className="font-mono text-xs text-muted">{i.id}</div>
                  </td>
                  <td className="px-3 py-2">{productName}</td>
                  <td className="px-3 py-2">{i.spec ?? "—"}</td>
                  <td className="px-3 py-2">{regionName ?? i.regionId}</td>
                  <td className="num px-3 py-2">{i.instanceCount}</td>
                  <td className="px-3 py-2">{BILLING_METHOD_LABELS[i.billingMethod]}</td>
                  <td className="px-3 py-2"><StatusBadge status={i.status} /></td>
                  <td className="px-3 py-2 text-xs whitespace-nowrap">
                    {(() => {
                      const next = nextOf.get(i.id);
                      return <NextEvent now={now} next={next ? { to: next.to, at: next.at.toISOString(), atLabel: formatInstant(next.at, account.timeZone), cause: next.cause } : null} />;
                    })()}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatInstant(i.createdAt, account.timeZone)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatInstant(i.expiresAt, account.timeZone)}</td>
                  <td className="px-3 py-2">{i.billingMethod === "subscription" ? (i.autoRenew ? `On (${i.autoRenewMonths} mo)` : "Off") : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="px-3 py-2 text-xs text-muted">{rows.length} resources</div>
        </div>
      )}
    </>
  );
}
