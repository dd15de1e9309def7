import { Suspense } from "react";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { Card, PageHeader, StatusBadge } from "@/components/ui";
import { Cause } from "@/components/overdue/cause";
import { ResourceStatusTable } from "@/components/overdue/resource-status";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import type { Formatter } from "@/i18n/format";
import { getOverdueStatus } from "@/lib/data/account";
import { getInstance } from "@/lib/data/instances";
import { NotFoundError } from "@/lib/errors";
import { pageCaller } from "../../page-caller";
import { LifecycleSection } from "./lifecycle";
import { saveTagsAction } from "./actions";
import { TagEditor } from "@/components/resources/tag-editor";
import { TagList } from "@/components/bill-details/allocation-filters";
import { consoleAccount } from "../../shell";

export default async function ResourcePage({ params }: { params: Promise<{ id: string }> }) {
  const caller = await pageCaller();
  const { id } = await params;
  const [account, t, tm, ts, f, n] = await Promise.all([
    consoleAccount(caller), getTranslations("resource"), getTranslations("billingMethod"), getTranslations("status"), getFormat(), getNames(),
  ]);
  const found = await getInstance(caller, decodeURIComponent(id)).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const { instance: i, productName, regionName, history, quota, tags, resourceGroup, tagHistory } = found;
  const tt = await getTranslations("tags");
  const tz = account.timeZone;
  const state = (s: string | null) => (s === null ? "—" : ["active", "restricted", "overdue", "expired", "released"].includes(s) ? ts(s as "active") : s);
  const facts: [string, React.ReactNode][] = [
    [t("instanceId"), <span key="id" className="break-all font-mono">{i.id}</span>],
    [t("product"), n.product(i.productId, productName)],
    [t("spec"), i.spec ?? "—"],
    [t("region"), n.region(i.regionId, regionName)],
    [t("instances"), f.count(i.instanceCount)],
    [t("billingMethod"), tm(i.billingMethod)],
    [t("status"), <StatusBadge key="s" status={i.status} />],
    [t("created"), f.instant(i.createdAt, tz)],
    [t("expires"), f.instant(i.expiresAt, tz)],
    [t("released"), f.instant(i.releasedAt, tz)],
    [t("autoRenew"), i.billingMethod === "subscription" ? (i.autoRenew ? t("autoRenewOn", { months: i.autoRenewMonths }) : t("autoRenewOff")) : "—"],
  ];
  if (quota) {
    facts.push(
      [t("quotaUsed"), <span key="qu" data-testid="quota-used">{t("quotaUsedValue", { used: f.quantity(quota.used), total: f.quantity(quota.total) })}</span>],
      [t("quotaRemaining"), <span key="qr" data-testid="quota-remaining">
        {t("quotaRemainingValue", { remaining: f.quantity(quota.remaining) })}{quota.usedUpAt ? ` ${t("quotaUsedUp", { at: f.instant(quota.usedUpAt, tz) })}` : ""}
      </span>],
    );
  }
  return (
    <>
      <PageHeader title={i.name} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={t("details")}>
          <dl className="grid grid-cols-[minmax(7rem,10rem)_1fr] gap-x-3 gap-y-2">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd className="min-w-0">{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <OverduePanel status={await getOverdueStatus(caller)} id={i.id} f={f} title={t("statusTimeline")} productName={n.product(i.productId, productName)} />
        <Card title={t("history")}>
          {history.length === 0 ? (
            <p className="text-muted">{t("noHistory")}</p>
          ) : (
            <ol className="space-y-2">
              {history.map((h) => (
                <li key={h.id}>
                  <span className="text-muted">{f.instant(h.at, tz)}</span> — {state(h.fromStatus)} → <b>{state(h.toStatus)}</b>: <Cause cause={h.cause} timeZone={tz} />
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title={tt("title")}>
          {caller.role === "admin" && i.status !== "released" ? (
            <TagEditor tags={tags} resourceGroup={resourceGroup} action={saveTagsAction.bind(null, i.id)} />
          ) : (
            <div className="space-y-1 text-sm">
              {Object.keys(tags).length ? <TagList tags={tags} /> : <p className="text-muted">{tt("none")}</p>}
              <p><span className="text-muted">{tt("resourceGroup")}:</span> {resourceGroup ?? <span className="text-muted">{tt("noGroup")}</span>}</p>
            </div>
          )}
          {tagHistory.length > 1 && (
            <details className="mt-3 text-sm">
              <summary className="cursor-pointer text-muted">{tt("history")}</summary>
              <ol className="mt-2 space-y-1" data-testid="tag-history">
                {tagHistory.map((h) => (
                  <li key={h.validFrom}>
                    <span className="text-muted">{f.instant(new Date(h.validFrom), tz)} – {h.validTo ? f.instant(new Date(h.validTo), tz) : tt("current")}</span>{" "}
                    <TagList tags={h.tags} /> {h.resourceGroup ? `· ${h.resourceGroup}` : ""}
                  </li>
                ))}
              </ol>
            </details>
          )}
        </Card>
        <Suspense fallback={<div className="h-32 animate-pulse rounded-lg border border-line bg-white lg:col-span-2" />}>
          <LifecycleSection caller={caller} instance={i} currency={account.currency} timeZone={tz} />
        </Suspense>
      </div>
    </>
  );
}

function OverduePanel({ status, id, f, title, productName }: { status: Awaited<ReturnType<typeof getOverdueStatus>>; id: string; f: Formatter; title: string; productName: string }) {
  const r = status.resources.find((x) => x.id === id);
  if (!r) return null;
  const tz = status.account.timeZone;
  const row = { ...r, productName, statusSince: f.instant(r.statusSince, tz), next: r.next && { to: r.next.to, at: r.next.at.toISOString(), atLabel: f.instant(r.next.at, tz), cause: r.next.cause } };
  return (
    <Card title={title}>
      <ResourceStatusTable rows={[row]} now={status.now.toISOString()} />
    </Card>
  );
}
