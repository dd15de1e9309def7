import Link from "next/link";
import {
  ExportLink, Field, FilterForm, Money, Notice, TokenPager, Select, TableFrame, Td, Th, Toolbar, hrefWith, inputClass,
} from "@/components/bill-details/parts";
import { formatInstant } from "@/lib/format";
import { getBill, listBills } from "@/lib/data/bills";
import { attempt, clean, type TabProps } from "./tab-context";

const PAGE = 20;
const TYPE_LABELS: Record<string, string> = {
  new: "New", renewal: "Renewal", upgrade: "Upgrade", downgrade: "Downgrade", conversion: "Conversion", refund: "Refund", payg: "Pay-as-you-go",
};

export async function BillsTab({ caller, params, currency, timeZone, cycles }: TabProps) {
  const input = clean(params, ["tab", "p", "bill"]);
  const result = await attempt(() => listBills(caller, { ...input, limit: String(PAGE) }));
  const pageNo = Number(params.p ?? 1) || 1;
  const base = "/bill-details";
  const when = (iso: unknown) => (typeof iso === "string" ? formatInstant(new Date(iso), timeZone) : "—");
  return (
    <>
      <FilterForm tab="bills">
        <Select name="billingCycle" label="Billing cycle" value={params.billingCycle} options={cycles.map((c) => [c, c])} />
        <Select name="type" label="Type" value={params.type} allLabel="All types" options={Object.entries(TYPE_LABELS)} />
        <Field label="Order number (exact)">
          <input name="orderNo" defaultValue={params.orderNo ?? ""} className={inputClass} inputMode="numeric" placeholder="e.g. 202610050001" />
        </Field>
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">{result.data.totalCount} bills and orders in {params.billingCycle}</span>
            <ExportLink href={hrefWith(`${base}/export`, clean(params, ["nextToken", "p", "bill"]), {})} />
          </Toolbar>
          {result.data.totalCount === 0 ? (
            <Notice kind="empty">{params.orderNo ? `No order ${params.orderNo} in ${params.billingCycle}.` : `No bills in ${params.billingCycle} yet.`}</Notice>
          ) : (
            <TableFrame label="Consumption by Bill" testId="bills-table">
              <thead>
                <tr>
                  <Th>Order / bill</Th><Th>Type</Th><Th>Product</Th><Th>Instance</Th><Th>Created</Th><Th>Term</Th>
                  <Th right>Original</Th><Th right>Discount</Th><Th right>Payable</Th><Th right>Paid</Th><Th right>Outstanding</Th><Th>Status</Th>
                </tr>
              </thead>
              <tbody>
                {result.data.data.map((b) => (
                  <tr key={String(b.id)} className={params.bill === b.id ? "bg-orange-50" : "hover:bg-surface"}>
                    <Td>
                      <Link href={hrefWith(base, params, { bill: String(b.id) })} className="font-medium text-brand-dark underline">
                        {(b.orderNo as string | null) ?? `${b.productName} (pay-as-you-go)`}
                      </Link>
                    </Td>
                    <Td>{TYPE_LABELS[String(b.orderType ?? b.billType)] ?? String(b.billType)}</Td>
                    <Td>{String(b.productName ?? b.productCode)}</Td>
                    <Td>{(b.instanceId as string | null) ?? "—"}</Td>
                    <Td>{when(b.createdAt)}</Td>
                    <Td>{b.termStart ? `${when(b.termStart)} → ${when(b.termEnd)}` : "—"}</Td>
                    <Td right><Money value={b.pretaxGrossAmount as string} currency={currency} /></Td>
                    <Td right><Money value={b.invoiceDiscount as string} currency={currency} /></Td>
                    <Td right><Money value={b.pretaxAmount as string} currency={currency} /></Td>
                    <Td right><Money value={b.paymentAmount as string} currency={currency} /></Td>
                    <Td right><Money value={b.outstandingAmount as string} currency={currency} /></Td>
                    <Td className="capitalize">{String(b.status)}</Td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="bg-surface font-semibold" data-testid="totals-row">
                  <Td>Total</Td><Td>{""}</Td><Td>{""}</Td><Td>{""}</Td><Td>{""}</Td><Td>{""}</Td>
                  {(["pretaxGrossAmount", "invoiceDiscount", "pretaxAmount", "paymentAmount", "outstandingAmount"] as const).map((k) => (
                    <Td key={k} right><Money value={result.data.totals[k]} currency={currency} /></Td>
                  ))}
                  <Td>{""}</Td>
                </tr>
              </tfoot>
            </TableFrame>
          )}
          <TokenPager base={base} params={params} pageNo={pageNo} pageSize={PAGE} shown={result.data.data.length}
            total={result.data.totalCount} nextToken={result.data.nextToken} />
          {params.bill && <BillLines {...{ caller, params, currency }} />}
        </>
      )}
    </>
  );
}

async function BillLines({ caller, params, currency }: Pick<TabProps, "caller" | "params" | "currency">) {
  const result = await attempt(() => getBill(caller, params.bill!, { limit: "100" }));
  if (result.error !== undefined) return <div className="mt-4"><Notice kind="error">{result.error}</Notice></div>;
  const { lines } = result.data;
  const header = result.data as unknown as Record<string, string | null>;
  return (
    <section className="mt-6" aria-label="Bill lines">
      <h2 className="mb-2 font-semibold">
        Lines of {header.orderNo ?? `${header.productName} pay-as-you-go bill`} · {lines.totalCount} line{lines.totalCount === 1 ? "" : "s"}
      </h2>
      <TableFrame label="Bill lines" testId="bill-lines-table">
        <thead>
          <tr><Th>Date</Th><Th>Instance</Th><Th>Billable item</Th><Th right>Usage</Th><Th right>Original</Th><Th right>Pretax</Th><Th right>Outstanding</Th></tr>
        </thead>
        <tbody>
          {lines.data.map((l) => (
            <tr key={l.id}>
              <Td>{l.billingDate}</Td><Td>{l.instanceId}</Td><Td>{l.billableItem ?? l.billableItemId}</Td>
              <Td right>{l.usage ?? "—"} {l.usageUnit}</Td>
              <Td right><Money value={l.pretaxGrossAmount} currency={currency} /></Td>
              <Td right><Money value={l.pretaxAmount} currency={currency} /></Td>
              <Td right><Money value={l.outstandingAmount} currency={currency} /></Td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
      {lines.nextToken && <p className="mt-2 text-xs text-muted">First 100 lines shown; open Billing Details for all of them.</p>}
    </section>
  );
}
