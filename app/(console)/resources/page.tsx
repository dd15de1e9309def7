import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Empty, PageHeader, StatusBadge } from "@/components/ui";
import { TableFrame, Td, Th } from "@/components/table";
import { NextEvent } from "@/components/overdue/resource-status";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { getOverdueStatus } from "@/lib/data/account";
import { listInstances, instanceFilters } from "@/lib/data/instances";
import { BILLING_METHODS, INSTANCE_STATUSES } from "@/db/schema";
import { TagList } from "@/components/bill-details/allocation-filters";
import { pageCaller } from "../page-caller";
import { consoleAccount } from "../shell";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("resources") };
}

export default async function ResourcesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const caller = await pageCaller();
  const params = await searchParams;
  const filters = instanceFilters.parse({ status: params.status || undefined, billingMethod: params.billingMethod || undefined });
  const [account, rows, overdue, t, ts, tm, f, n] = await Promise.all([
    consoleAccount(caller), listInstances(caller, filters), getOverdueStatus(caller),
    getTranslations("resources"), getTranslations("status"), getTranslations("billingMethod"), getFormat(), getNames(),
  ]);
  const nextOf = new Map(overdue.resources.map((r) => [r.id, r.next]));
  const now = overdue.now.toISOString();
  const select = "rounded border border-line bg-white px-2 py-1.5 text-sm";
  return (
    <>
      <PageHeader title={t("title")}>
        <form className="flex flex-wrap items-end gap-2" method="get" aria-label={t("filters")}>
          <label className="text-xs">
            <span className="block text-muted">{t("status")}</span>
            <select name="status" defaultValue={filters.status ?? ""} className={select}>
              <option value="">{t("all")}</option>
              {INSTANCE_STATUSES.map((s) => <option key={s} value={s}>{ts(s)}</option>)}
            </select>
          </label>
          <label className="text-xs">
            <span className="block text-muted">{t("billingMethod")}</span>
            <select name="billingMethod" defaultValue={filters.billingMethod ?? ""} className={select}>
              <option value="">{t("all")}</option>
              {BILLING_METHODS.map((m) => <option key={m} value={m}>{tm(m)}</option>)}
            </select>
          </label>
          <button className="rounded bg-brand px-3 py-1.5 font-semibold text-white">{t("filter")}</button>
        </form>
      </PageHeader>
      {rows.length === 0 ? (
        <Empty>{t("empty")}</Empty>
      ) : (
        <>
          <TableFrame label={t("title")} testId="resources-table">
            <thead>
              <tr>
                <Th>{t("resource")}</Th><Th>{t("product")}</Th><Th>{t("spec")}</Th><Th>{t("region")}</Th><Th right>{t("instances")}</Th>
                <Th>{t("billingMethod")}</Th><Th>{t("status")}</Th><Th>{t("next")}</Th><Th>{t("created")}</Th><Th>{t("expires")}</Th><Th>{t("autoRenew")}</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ instance: i, productName, regionName, tags, resourceGroup }) => {
                const next = nextOf.get(i.id);
                return (
                  <tr key={i.id} className="hover:bg-surface/60">
                    <Td>
                      <Link href={`/resources/${encodeURIComponent(i.id)}`} className="font-medium text-blue-700 hover:underline">{i.name}</Link>
                      <div className="font-mono text-xs text-muted">{i.id}</div>
                      {(resourceGroup || Object.keys(tags).length > 0) && (
                        <div className="mt-1 flex flex-wrap items-center gap-1 text-xs" data-testid="resource-tags">
                          {resourceGroup && <span className="text-muted">{resourceGroup}</span>}
                          {Object.keys(tags).length > 0 && <TagList tags={tags} />}
                        </div>
                      )}
                    </Td>
                    <Td>{n.product(i.productId, productName)}</Td>
                    <Td>{i.spec ?? "—"}</Td>
                    <Td>{n.region(i.regionId, regionName)}</Td>
                    <Td right>{f.count(i.instanceCount)}</Td>
                    <Td>{tm(i.billingMethod)}</Td>
                    <Td><StatusBadge status={i.status} /></Td>
                    <Td className="text-xs">
                      <NextEvent now={now} next={next ? { to: next.to, at: next.at.toISOString(), atLabel: f.instant(next.at, account.timeZone), cause: next.cause } : null} />
                    </Td>
                    <Td>{f.instant(i.createdAt, account.timeZone)}</Td>
                    <Td>{f.instant(i.expiresAt, account.timeZone)}</Td>
                    <Td>{i.billingMethod === "subscription" ? (i.autoRenew ? t("autoRenewOn", { months: i.autoRenewMonths }) : t("autoRenewOff")) : "—"}</Td>
                  </tr>
                );
              })}
            </tbody>
          </TableFrame>
          <div className="px-3 py-2 text-xs text-muted">{t("count", { count: rows.length })}</div>
        </>
      )}
    </>
  );
}
