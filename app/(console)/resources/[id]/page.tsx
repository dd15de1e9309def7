import { Suspense } from "react";
import { notFound } from "next/navigation";
import { Card, PageHeader, StatusBadge } from "@/components/ui";
import { getAccount, getOverdueStatus } from "@/lib/data/account";
import { ResourceStatusTable } from "@/components/overdue/resource-status";
import { getInstance } from "@/lib/data/instances";
import { NotFoundError } from "@/lib/errors";
import { BILLING_METHOD_LABELS, formatInstant } from "@/lib/format";
import { formatQuantity } from "@/lib/money";
import { pageCaller } from "../../page-caller";
import { LifecycleSection } from "./lifecycle";

export default async function ResourcePage({ params }: { params: Promise<{ id: string }> }) {
  const caller = await pageCaller();
  const { id } = await params;
  const account = await getAccount(caller);
  const found = await getInstance(caller, decodeURIComponent(id)).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const { instance: i, productName, regionName, history, quota } = found;
  const tz = account.timeZone;
  const facts: [string, React.ReactNode][] = [
    ["Instance ID", <span key="id" className="font-mono">{i.id}</span>],
    ["Product", productName],
    ["Spec", i.spec ?? "—"],
    ["Region", regionName ?? i.regionId],
    ["Instances", i.instanceCount],
    ["Billing method", BILLING_METHOD_LABELS[i.billingMethod]],
    ["Status", <StatusBadge key="s" status={i.status} />],
    ["Created", formatInstant(i.createdAt, tz)],
    ["Expires", formatInstant(i.expiresAt, tz)],
    ["Released", formatInstant(i.releasedAt, tz)],
    ["Auto-renew", i.billingMethod === "subscription" ? (i.autoRenew ? `On, ${i.autoRenewMonths} month(s)` : "Off") : "—"],
  ];
  if (quota) {
    const n = formatQuantity;
    facts.push(
      ["Quota used", <span key="qu" data-testid="quota-used">{n(quota.used)} of {n(quota.total)} {quota.unit}s</span>],
      ["Quota remaining", <span key="qr" data-testid="quota-remaining">{n(quota.remaining)} {quota.unit}s{quota.usedUpAt ? ` (used up ${formatInstant(quota.usedUpAt, tz)})` : ""}</span>],
    );
  }
  return (
    <>
      <PageHeader title={i.name} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[10rem_1fr] gap-y-2">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        {/* Overdue status panel (issue 6): state, what is refused, countdown. */}
        <OverduePanel status={await getOverdueStatus(caller)} id={i.id} />
        <Card title="State history">
          {history.length === 0 ? (
            <p className="text-muted">No state changes since creation.</p>
          ) : (
            <ol className="space-y-2">
              {history.map((h) => (
                <li key={h.id}>
                  <span className="text-muted">{formatInstant(h.at, tz)}</span> — {h.fromStatus ?? "—"} → <b>{h.toStatus}</b>: {h.cause}
                </li>
              ))}
            </ol>
          )}
        </Card>
        {/* Lifecycle (issue 5): orders for everyone, actions for admins. */}
        <Suspense fallback={<div className="h-32 animate-pulse rounded-lg border border-line bg-white lg:col-span-2" />}>
          <LifecycleSection caller={caller} instance={i} currency={account.currency} timeZone={tz} />
        </Suspense>
      </div>
    </>
  );
}

function OverduePanel({ status, id }: { status: Awaited<ReturnType<typeof getOverdueStatus>>; id: string }) {
  const r = status.resources.find((x) => x.id === id);
  if (!r) return null;
  const tz = status.account.timeZone;
  const row = { ...r, statusSince: formatInstant(r.statusSince, tz), next: r.next && { to: r.next.to, at: r.next.at.toISOString(), atLabel: formatInstant(r.next.at, tz), cause: r.next.cause } };
  return (
    <Card title="Status and timeline">
      <ResourceStatusTable rows={[row]} now={status.now.toISOString()} />
    </Card>
  );
}
