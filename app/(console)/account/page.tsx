import type { Metadata } from "next";
import { Card, PageHeader, Stat } from "@/components/ui";
import { getAccountOverview } from "@/lib/data/account";
import { formatMoney } from "@/lib/money";
import { formatInstant } from "@/lib/format";
import { pageCaller } from "../page-caller";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const caller = await pageCaller();
  const { account, balance, vouchers, coupons, members } = await getAccountOverview(caller);
  const tz = account.timeZone;
  const cur = account.currency;
  return (
    <>
      <PageHeader title="Account" />
      <div className="mb-4 grid gap-3 sm:grid-cols-3">
        <Stat label="Balance" value={formatMoney(balance, cur)} />
        <Stat label="Credit (overdraft) limit" value={formatMoney(account.creditLimit, cur)} />
        <Stat label="Account ID" value={account.id} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Vouchers">
          {vouchers.length === 0 ? <p className="text-muted">No vouchers.</p> : (
            <table className="w-full text-left">
              <thead className="text-xs text-muted"><tr><th>Code</th><th className="text-right">Remaining</th><th className="text-right">Face value</th><th>Valid until</th></tr></thead>
              <tbody>{vouchers.map((v) => (
                <tr key={v.id} className="border-t border-line"><td className="py-1 font-mono">{v.code}</td><td className="num">{formatMoney(v.remaining, cur)}</td><td className="num">{formatMoney(v.faceValue, cur)}</td><td>{formatInstant(v.expiresAt, tz)}</td></tr>
              ))}</tbody>
            </table>
          )}
        </Card>
        <Card title="Coupons">
          {coupons.length === 0 ? <p className="text-muted">No coupons.</p> : (
            <table className="w-full text-left">
              <thead className="text-xs text-muted"><tr><th>Code</th><th className="text-right">Discount</th><th className="text-right">Remaining</th><th>Scope</th><th>Valid until</th></tr></thead>
              <tbody>{coupons.map((c) => (
                <tr key={c.id} className="border-t border-line"><td className="py-1 font-mono">{c.code}</td><td className="num">{c.discountPercent}%</td><td className="num">{formatMoney(c.remaining, cur)}</td><td>{c.productIds.length ? c.productIds.join(", ") : "All products"}</td><td>{formatInstant(c.expiresAt, tz)}</td></tr>
              ))}</tbody>
            </table>
          )}
        </Card>
        <Card title="Members">
          <ul className="space-y-1">{members.map((m) => (
            <li key={m.id}>{m.name} · {m.email} · <span className="uppercase text-xs">{m.role}</span>{m.disabledAt ? " (disabled)" : ""}</li>
          ))}</ul>
        </Card>
      </div>
    </>
  );
}
