import type { Metadata } from "next";
import { Suspense } from "react";
import { getTranslations } from "next-intl/server";
import { Card, PageHeader, Stat } from "@/components/ui";
import { TableFrame, Td, Th } from "@/components/table";
import { LedgerTable } from "@/components/account/ledger-table";
import { TopUpForm } from "@/components/account/top-up-form";
import { ResourceStatusTable } from "@/components/overdue/resource-status";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { getAccountOverview, getOverdueStatus } from "@/lib/data/account";
import { getAccountSummary } from "@/lib/data/bills";
import { LEDGER_TYPES, listLedger } from "@/lib/data/ledger";
import { listAdjustments } from "@/lib/data/operator-adjustments";
import type { Caller } from "@/lib/data/caller";
import { BadRequestError } from "@/lib/errors";
import { QUOTA_SHARE } from "@/lib/billing/overdue-quota";
import { pageCaller } from "../page-caller";
import { topUpAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("account") };
}

type Params = Record<string, string | undefined>;
const PAGE = 50; // ledger entries per page on the Account page
const Skeleton = ({ h = "h-24" }: { h?: string }) => <div className={`${h} animate-pulse rounded-lg border border-line bg-surface`} />;

export default async function AccountPage({ searchParams }: { searchParams: Promise<Params> }) {
  const caller = await pageCaller();
  const params = await searchParams;
  const t = await getTranslations("account");
  const canTopUp = caller.kind !== "user" || caller.role === "admin" || caller.role === "finance";
  return (
    <>
      <PageHeader title={t("title")} />
      <Suspense fallback={<Skeleton />}><Money caller={caller} /></Suspense>
      {canTopUp && (
        <Card title={t("topUpTitle")} className="mb-4">
          <Suspense fallback={<Skeleton h="h-10" />}><TopUp caller={caller} /></Suspense>
        </Card>
      )}
      <Card title={t("resourcesTitle")} className="mb-4">
        <div id="resource-status" />
        <Suspense fallback={<Skeleton />}><Resources caller={caller} /></Suspense>
      </Card>
      {/* One column: with scope, uses and who issued them, the tables need the width. */}
      <div className="mb-4 grid gap-4">
        <Suspense fallback={<Skeleton />}><Instruments caller={caller} /></Suspense>
      </div>
      <Card title={t("adjustmentsTitle")} className="mb-4">
        <Suspense fallback={<Skeleton />}><Adjustments caller={caller} /></Suspense>
      </Card>
      <Card title={t("ledgerTitle")} className="mb-4">
        <Suspense fallback={<Skeleton />}><Ledger caller={caller} params={params} /></Suspense>
      </Card>
      <Suspense fallback={<Skeleton />}><Members caller={caller} /></Suspense>
    </>
  );
}

async function Money({ caller }: { caller: Caller }) {
  const [s, status, t, f] = await Promise.all([getAccountSummary(caller), getOverdueStatus(caller), getTranslations("account"), getFormat()]);
  const cur = s.currency;
  const tz = s.timeZone;
  return (
    <>
      {s.overdue && (
        <div role="alert" data-testid="account-overdue" className="mb-4 rounded-lg border border-red-200 bg-red-50 p-4 text-red-800">
          <b>{t("overdueHeadline", { amount: f.money(s.overdue.amount, cur) })}</b>{" "}
          {t("overdueSince", { since: f.instant(new Date(s.overdue.since), tz), days: s.overdue.days })}
          {status.paygStoppedSince && <> {t("paygStopped", { at: f.instant(status.paygStoppedSince, tz) })}</>} {t("overdueRefused")}
        </div>
      )}
      <div className="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Stat label={t("balance")} value={f.money(s.balance, cur)} testId="balance" hint={t("balanceHint")} />
        <Stat label={t("creditLimit")} value={f.money(s.creditLimit, cur)} testId="credit-limit" />
        <Stat label={t("outstanding")} value={f.money(s.outstandingAmount, cur)} testId="outstanding" />
        <Stat label={t("availableCredit")} value={f.money(s.availableCredit, cur)} testId="available-credit" hint={t("availableCreditHint")} />
        <Stat label={t("usableInstruments")} value={`${f.money(s.usableVoucherAmount, cur)} / ${f.money(s.usableCouponAmount, cur)}`} />
        <Stat label={t("suspensionQuota")} value={f.money(status.suspensionQuota, cur)} testId="suspension-quota"
          hint={t("suspensionQuotaHint", { share: f.percent(QUOTA_SHARE.toString()) })} />
      </div>
    </>
  );
}

async function TopUp({ caller }: { caller: Caller }) {
  const { account } = await getOverdueStatus(caller);
  return <TopUpForm action={topUpAction} currency={account.currency} />;
}

async function Resources({ caller }: { caller: Caller }) {
  const [s, f, n] = await Promise.all([getOverdueStatus(caller), getFormat(), getNames()]);
  const tz = s.account.timeZone;
  const rows = s.resources.map((r) => ({
    ...r,
    productName: n.product(r.productId, r.productName),
    statusSince: f.instant(r.statusSince, tz),
    next: r.next && { to: r.next.to, at: r.next.at.toISOString(), atLabel: f.instant(r.next.at, tz), cause: r.next.cause },
  }));
  return <ResourceStatusTable rows={rows} now={s.now.toISOString()} />;
}

async function Instruments({ caller }: { caller: Caller }) {
  const [{ account, vouchers, coupons }, t, f] = await Promise.all([getAccountOverview(caller), getTranslations("account"), getFormat()]);
  const tz = account.timeZone;
  const cur = account.currency;
  const valid = (from: Date | null, to: Date | null) => `${f.instant(from, tz)} – ${f.instant(to, tz)}`;
  const scope = (ids: string[]) => (ids.length ? ids.join(", ") : t("allProducts"));
  // Who gave it and why (the provider's operator), or that the provider took its unused part back.
  const origin = (x: { issuedBy: string | null; reason: string | null; revokedAt: Date | null; revokedAmount: string | null }) => (
    <>
      {x.reason && <span className="block">{x.reason}</span>}
      {x.issuedBy && <span className="block text-xs text-muted">{t("issuedBy", { name: x.issuedBy })}</span>}
      {x.revokedAt && <span className="block text-xs text-red-700">{t("revoked", { at: f.instant(x.revokedAt, tz), amount: f.money(x.revokedAmount ?? "0", cur) })}</span>}
    </>
  );
  return (
    <>
      <Card title={t("vouchersTitle")}>
        {vouchers.length === 0 ? <p className="text-muted">{t("noVouchers")}</p> : (
          <TableFrame label={t("vouchersTitle")} testId="vouchers" bare>
            <thead><tr><Th>{t("code")}</Th><Th right>{t("remaining")}</Th><Th right>{t("faceValue")}</Th><Th>{t("valid")}</Th><Th>{t("scope")}</Th><Th>{t("origin")}</Th></tr></thead>
            <tbody>{vouchers.map((v) => (
              <tr key={v.id}>
                <Td className="font-mono">{v.code}</Td><Td right>{f.money(v.remaining, cur)}</Td><Td right>{f.money(v.faceValue, cur)}</Td>
                <Td>{valid(v.validFrom, v.expiresAt)}</Td><Td wrap>{scope(v.productIds)}</Td><Td wrap>{origin(v)}</Td>
              </tr>
            ))}</tbody>
          </TableFrame>
        )}
      </Card>
      <Card title={t("couponsTitle")}>
        {coupons.length === 0 ? <p className="text-muted">{t("noCoupons")}</p> : (
          <TableFrame label={t("couponsTitle")} testId="coupons" bare>
            <thead><tr><Th>{t("code")}</Th><Th right>{t("discount")}</Th><Th right>{t("remaining")}</Th><Th right>{t("uses")}</Th><Th>{t("scope")}</Th><Th>{t("valid")}</Th><Th>{t("origin")}</Th></tr></thead>
            <tbody>{coupons.map((c) => (
              <tr key={c.id}>
                <Td className="font-mono">{c.code}</Td>
                <Td right>{c.amountOff !== null ? t("amountOff", { amount: f.money(c.amountOff, cur) }) : t("percent", { value: c.discountPercent })}</Td>
                <Td right>{f.money(c.remaining, cur)}</Td>
                <Td right>{c.usageLimit === null ? String(c.timesUsed) : t("usesOf", { used: c.timesUsed, limit: c.usageLimit })}</Td>
                <Td wrap>{scope(c.productIds)}</Td><Td>{valid(c.validFrom, c.expiresAt)}</Td><Td wrap>{origin(c)}</Td>
              </tr>
            ))}</tbody>
          </TableFrame>
        )}
      </Card>
    </>
  );
}

/** Credits and debits the provider made to closed cycles: each is a line in a later cycle. */
async function Adjustments({ caller }: { caller: Caller }) {
  const [{ account }, rows, t, f] = await Promise.all([getAccountOverview(caller), listAdjustments(caller), getTranslations("account"), getFormat()]);
  if (!rows.length) return <p className="text-muted">{t("noAdjustments")}</p>;
  return (
    <TableFrame label={t("adjustmentsTitle")} testId="adjustments" bare>
      <thead><tr><Th>{t("when")}</Th><Th>{t("type")}</Th><Th right>{t("amount")}</Th><Th>{t("corrects")}</Th><Th>{t("reasonColumn")}</Th><Th>{t("issuedByColumn")}</Th></tr></thead>
      <tbody>{rows.map((a) => (
        <tr key={a.id} data-testid={`adjustment-${a.id}`}>
          <Td>{f.instant(a.at, account.timeZone)}</Td>
          <Td>{t(a.kind === "credit" ? "kindCredit" : "kindDebit")}</Td>
          <Td right>{f.money(a.kind === "credit" ? a.amount : `-${a.amount}`, account.currency)}</Td>
          <Td>{t("correctsBill", { cycle: a.targetCycle, product: a.productId })}</Td>
          <Td wrap>{a.reason}</Td>
          <Td>{a.issuedBy}</Td>
        </tr>
      ))}</tbody>
    </TableFrame>
  );
}

async function Ledger({ caller, params }: { caller: Caller; params: Params }) {
  const [t, tl, f] = await Promise.all([getTranslations("account"), getTranslations("ledgerType"), getFormat()]);
  const locale = f.locale; // the CSV's header row in the console's language
  const filters = { type: params.ledgerType || undefined, from: params.from || undefined, to: params.to || undefined };
  const limit = Math.min(5000, Math.max(PAGE, Number.parseInt(params.ledgerLimit ?? "", 10) || PAGE));
  let result;
  try {
    result = await listLedger(caller, { ...filters, limit: limit + 1 });
  } catch (e) {
    if (!(e instanceof BadRequestError)) throw e;
    result = null;
  }
  const qs = new URLSearchParams({ format: "csv", headers: locale, ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) } as Record<string, string>);
  const input = "rounded border border-line bg-white px-2 py-1.5 text-sm";
  return (
    <>
      <form method="get" className="mb-3 flex flex-wrap items-end gap-2" data-testid="ledger-filters" aria-label={t("ledgerFilters")}>
        <label className="text-xs"><span className="block text-muted">{t("type")}</span>
          <select name="ledgerType" defaultValue={filters.type ?? ""} className={input}>
            <option value="">{t("allTypes")}</option>
            {LEDGER_TYPES.map((type) => <option key={type} value={type}>{tl(type)}</option>)}
          </select>
        </label>
        <label className="text-xs"><span className="block text-muted">{t("from")}</span><input type="date" name="from" defaultValue={filters.from} className={input} /></label>
        <label className="text-xs"><span className="block text-muted">{t("to")}</span><input type="date" name="to" defaultValue={filters.to} className={input} /></label>
        <button className="rounded bg-brand px-3 py-1.5 font-semibold text-white">{t("filter")}</button>
        <a href={`/api/v1/account/ledger?${qs.toString()}`} className="ml-auto text-sm text-brand-dark underline" data-testid="ledger-csv" download>{t("exportCsv")}</a>
      </form>
      {result === null ? (
        <p role="alert" className="text-red-700">{t("badFilters")}</p>
      ) : (
        <LedgerTable
          rows={result.rows.slice(0, limit).map((r) => ({
            id: r.id,
            at: f.instant(r.at, result.account.timeZone),
            type: r.entryType,
            amount: f.money(r.amount, r.currency),
            memo: r.memo,
            reference: r.referenceId ?? "",
          }))}
        />
      )}
      {result && result.rows.length > limit && (
        <a
          className="mt-2 inline-block text-sm text-brand-dark underline"
          data-testid="ledger-more"
          href={`/account?${new URLSearchParams({ ...Object.fromEntries(Object.entries({ ledgerType: filters.type, from: filters.from, to: filters.to }).filter(([, v]) => v)), ledgerLimit: String(limit + PAGE) } as Record<string, string>).toString()}`}
        >
          {t("showMore", { count: PAGE })}
        </a>
      )}
    </>
  );
}

async function Members({ caller }: { caller: Caller }) {
  const [{ members }, t, tr] = await Promise.all([getAccountOverview(caller), getTranslations("account"), getTranslations("roles")]);
  return (
    <Card title={t("membersTitle")}>
      <ul className="space-y-1">{members.map((m) => (
        <li key={m.id} className="break-words">{m.name} · {m.email} · <span className="text-xs">{tr(m.role)}</span>{m.disabledAt ? ` ${t("disabled")}` : ""}</li>
      ))}</ul>
    </Card>
  );
}
