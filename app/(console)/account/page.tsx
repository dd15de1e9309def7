import type { Metadata } from "next";
import { Suspense } from "react";
import { Card, PageHeader, Stat } from "@/components/ui";
import { LedgerTable } from "@/components/account/ledger-table";
import { TopUpForm } from "@/components/account/top-up-form";
import { ResourceStatusTable } from "@/components/overdue/resource-status";
import { getAccountOverview, getOverdueStatus } from "@/lib/data/account";
import { getAccountSummary } from "@/lib/data/bills";
import { LEDGER_TYPES, listLedger } from "@/lib/data/ledger";
import type { Caller } from "@/lib/data/caller";
import { BadRequestError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { formatInstant } from "@/lib/format";
import { pageCaller } from "../page-caller";
import { topUpAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

type Params = Record<string, string | undefined>;
const PAGE = 50; // ledger entries per page on the Account page
const Skeleton = ({ h = "h-24" }: { h?: string }) => <div className={`${h} animate-pulse rounded-lg border border-line bg-surface`} />;

export default async function AccountPage({ searchParams }: { searchParams: Promise<Params> }) {
  const caller = await pageCaller();
  const params = await searchParams;
  const canTopUp = caller.kind !== "user" || caller.role === "admin" || caller.role === "finance";
  return (
    <>
      <PageHeader title="Account" />
      <Suspense fallback={<Skeleton />}><Money caller={caller} /></Suspense>
      {canTopUp && (
        <Card title="Top up" className="mb-4">
          <Suspense fallback={<Skeleton h="h-10" />}><TopUp caller={caller} /></Suspense>
        </Card>
      )}
      <Card title="Resources: state, what is refused, what happens next" className="mb-4">
        <div id="resource-status" />
        <Suspense fallback={<Skeleton />}><Resources caller={caller} /></Suspense>
      </Card>
      <div className="mb-4 grid gap-4 lg:grid-cols-2">
        <Suspense fallback={<Skeleton />}><Instruments caller={caller} /></Suspense>
      </div>
      <Card title="Ledger" className="mb-4">
        <Suspense fallback={<Skeleton />}><Ledger caller={caller} params={params} /></Suspense>
      </Card>
      <Suspense fallback={<Skeleton />}><Members caller={caller} /></Suspense>
    </>
  );
}

async function Money({ caller }: { caller: Caller }) {
  const [s, status] = await Promise.all([getAccountSummary(caller), getOverdueStatus(caller)]);
  const cur = s.currency;
  const tz = s.timeZone;
  return (
    <>
      {s.overdue && (
        <div role="alert" data-testid="account-overdue" className="mb-4 rounded-lg border border-red-200 bg-red-50 p-4 text-red-800">
          <b>Overdue: {formatMoney(s.overdue.amount, cur)}</b> outstanding since {formatInstant(new Date(s.overdue.since), tz)} ({s.overdue.days} day(s)).
          {status.paygStoppedSince && <> Pay-as-you-go stopped at {formatInstant(status.paygStoppedSince, tz)}.</>} New purchases, upgrades and renewals are refused until it is paid.
        </div>
      )}
      <div className="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Stat label="Balance" value={formatMoney(s.balance, cur)} testId="balance" hint="Sum of the ledger" />
        <Stat label="Credit (overdraft) limit" value={formatMoney(s.creditLimit, cur)} testId="credit-limit" />
        <Stat label="Outstanding" value={formatMoney(s.outstandingAmount, cur)} testId="outstanding" />
        <Stat label="Available credit" value={formatMoney(s.availableCredit, cur)} testId="available-credit" hint="Balance + usable vouchers and coupons + credit limit − outstanding" />
        <Stat label="Usable vouchers / coupons" value={`${formatMoney(s.usableVoucherAmount, cur)} / ${formatMoney(s.usableCouponAmount, cur)}`} />
        <Stat label="Extended suspension quota" value={formatMoney(status.suspensionQuota, cur)} testId="suspension-quota" hint={`${status.quotaFormula}. Pay-as-you-go keeps running while the overdue amount beyond the credit limit stays within it.`} />
      </div>
    </>
  );
}

async function TopUp({ caller }: { caller: Caller }) {
  const { account } = await getOverdueStatus(caller);
  return <TopUpForm action={topUpAction} currency={account.currency} />;
}

async function Resources({ caller }: { caller: Caller }) {
  const s = await getOverdueStatus(caller);
  const tz = s.account.timeZone;
  const rows = s.resources.map((r) => ({
    ...r,
    statusSince: formatInstant(r.statusSince, tz),
    next: r.next && { to: r.next.to, at: r.next.at.toISOString(), atLabel: formatInstant(r.next.at, tz), cause: r.next.cause },
  }));
  return <ResourceStatusTable rows={rows} now={s.now.toISOString()} />;
}

async function Instruments({ caller }: { caller: Caller }) {
  const { account, vouchers, coupons } = await getAccountOverview(caller);
  const tz = account.timeZone;
  const cur = account.currency;
  return (
    <>
      <Card title="Vouchers">
        {vouchers.length === 0 ? <p className="text-muted">No vouchers.</p> : (
          <table className="w-full text-left" data-testid="vouchers">
            <thead className="text-xs text-muted"><tr><th>Code</th><th className="text-right">Remaining</th><th className="text-right">Face value</th><th>Valid</th><th>Scope</th></tr></thead>
            <tbody>{vouchers.map((v) => (
              <tr key={v.id} className="border-t border-line"><td className="py-1 font-mono">{v.code}</td><td className="num">{formatMoney(v.remaining, cur)}</td><td className="num">{formatMoney(v.faceValue, cur)}</td><td className="text-xs">{formatInstant(v.validFrom, tz)} – {formatInstant(v.expiresAt, tz)}</td><td>All products</td></tr>
            ))}</tbody>
          </table>
        )}
      </Card>
      <Card title="Coupons">
        {coupons.length === 0 ? <p className="text-muted">No coupons.</p> : (
          <table className="w-full text-left" data-testid="coupons">
            <thead className="text-xs text-muted"><tr><th>Code</th><th className="text-right">Discount</th><th className="text-right">Remaining</th><th>Scope</th><th>Valid</th></tr></thead>
            <tbody>{coupons.map((c) => (
              <tr key={c.id} className="border-t border-line"><td className="py-1 font-mono">{c.code}</td><td className="num">{c.discountPercent}%</td><td className="num">{formatMoney(c.remaining, cur)}</td><td>{c.productIds.length ? c.productIds.join(", ") : "All products"}</td><td className="text-xs">{formatInstant(c.validFrom, tz)} – {formatInstant(c.expiresAt, tz)}</td></tr>
            ))}</tbody>
          </table>
        )}
      </Card>
    </>
  );
}

async function Ledger({ caller, params }: { caller: Caller; params: Params }) {
  const filters = { type: params.ledgerType || undefined, from: params.from || undefined, to: params.to || undefined };
  const limit = Math.min(5000, Math.max(PAGE, Number.parseInt(params.ledgerLimit ?? "", 10) || PAGE));
  let result;
  try {
    result = await listLedger(caller, { ...filters, limit: limit + 1 });
  } catch (e) {
    if (!(e instanceof BadRequestError)) throw e;
    result = null;
  }
  const qs = new URLSearchParams({ format: "csv", ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) } as Record<string, string>);
  return (
    <>
      <form method="get" className="mb-3 flex flex-wrap items-end gap-2" data-testid="ledger-filters">
        <label className="text-xs"><span className="block text-muted">Type</span>
          <select name="ledgerType" defaultValue={filters.type ?? ""} className="rounded border border-line bg-white px-2 py-1">
            <option value="">All</option>
            {LEDGER_TYPES.map((t) => <option key={t} value={t}>{t.replace("_", "-")}</option>)}
          </select>
        </label>
        <label className="text-xs"><span className="block text-muted">From</span><input type="date" name="from" defaultValue={filters.from} className="rounded border border-line px-2 py-1" /></label>
        <label className="text-xs"><span className="block text-muted">To</span><input type="date" name="to" defaultValue={filters.to} className="rounded border border-line px-2 py-1" /></label>
        <button className="rounded bg-brand px-3 py-1 font-semibold text-white">Filter</button>
        <a href={`/api/v1/account/ledger?${qs.toString()}`} className="ml-auto text-sm text-blue-700 underline" data-testid="ledger-csv" download>Export CSV</a>
      </form>
      {result === null ? (
        <p role="alert" className="text-red-700">These filters are not valid; check the dates.</p>
      ) : (
        <LedgerTable
          rows={result.rows.slice(0, limit).map((r) => ({
            id: r.id,
            at: formatInstant(r.at, result.account.timeZone),
            type: r.entryType,
            amount: formatMoney(r.amount, r.currency),
            memo: r.memo,
            reference: r.referenceId ?? "",
          }))}
        />
      )}
      {result && result.rows.length > limit && (
        <a
          className="mt-2 inline-block text-sm text-blue-700 underline"
          data-testid="ledger-more"
          href={`/account?${new URLSearchParams({ ...Object.fromEntries(Object.entries({ ledgerType: filters.type, from: filters.from, to: filters.to }).filter(([, v]) => v)), ledgerLimit: String(limit + PAGE) } as Record<string, string>).toString()}`}
        >
          Show {PAGE} more
        </a>
      )}
    </>
  );
}

async function Members({ caller }: { caller: Caller }) {
  const { members } = await getAccountOverview(caller);
  return (
    <Card title="Members">
      <ul className="space-y-1">{members.map((m) => (
        <li key={m.id}>{m.name} · {m.email} · <span className="text-xs uppercase">{m.role}</span>{m.disabledAt ? " (disabled)" : ""}</li>
      ))}</ul>
    </Card>
  );
}
