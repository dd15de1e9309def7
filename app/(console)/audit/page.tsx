import type { Metadata } from "next";
import { Suspense } from "react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, Empty, PageHeader } from "@/components/ui";
import { AuditTable } from "@/components/lifecycle/audit-table";
import { listAudit } from "@/lib/data/audit";
import { ForbiddenError } from "@/lib/errors";
import { pageCaller } from "../page-caller";
import { consoleAccount } from "../shell";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("audit") };
}

// The account's audit log, newest first; admins only (lib/data enforces it too).
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const caller = await pageCaller();
  const sp = await searchParams;
  const t = await getTranslations("audit");
  const before = typeof sp.before === "string" ? sp.before : undefined;
  if (caller.role !== "admin") {
    return (
      <>
        <PageHeader title={t("title")} />
        <Empty>{t("adminsOnly")}</Empty>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t("title")} />
      <Suspense key={before ?? ""} fallback={<div className="h-64 animate-pulse rounded-lg border border-line bg-white" />}>
        <AuditEntries before={before} />
      </Suspense>
    </>
  );
}

async function AuditEntries({ before }: { before?: string }) {
  const caller = await pageCaller();
  const [account, page, t] = await Promise.all([
    consoleAccount(caller),
    listAudit(caller, { before }).catch((e) => {
      if (e instanceof ForbiddenError) return null;
      throw e;
    }),
    getTranslations("audit"),
  ]);
  if (!page) return <Empty>{t("adminsOnly")}</Empty>;
  return (
    <Card>
      <AuditTable entries={page.data} timeZone={account.timeZone} currency={account.currency} />
      <div className="mt-3 flex gap-3">
        {before && <Link href="/audit" className="text-brand-dark underline">{t("newest")}</Link>}
        {page.next && <Link href={`/audit?before=${encodeURIComponent(page.next)}`} className="text-brand-dark underline">{t("older")}</Link>}
      </div>
    </Card>
  );
}
