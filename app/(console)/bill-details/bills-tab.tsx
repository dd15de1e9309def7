import Link from "next/link";
import { getTranslations } from "next-intl/server";
import {
  ExportLink, Field, FilterForm, Money, Notice, TokenPager, Select, TableFrame, Td, Th, Toolbar, hrefWith, inputClass,
} from "@/components/bill-details/parts";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { getBill, listBills } from "@/lib/data/bills";
import { tagChoices } from "@/lib/data/tags";
import { AllocationFilters } from "@/components/bill-details/allocation-filters";
import { attempt, clean, param, type TabProps } from "./tab-context";

const PAGE = 20;
const TYPES = ["new", "renewal", "upgrade", "downgrade", "conversion", "refund", "payg"] as const;
const isType = (s: string): s is (typeof TYPES)[number] => (TYPES as readonly string[]).includes(s);
const STATUSES = ["paid", "unpaid", "cancelled", "open", "closed"] as const;
const isStatus = (s: string): s is (typeof STATUSES)[number] => (STATUSES as readonly string[]).includes(s);

export async function BillsTab({ caller, params, currency, timeZone, cycles, locale }: TabProps) {
  const input = clean(params, ["tab", "p", "bill"]);
  const [result, t, tt, ts, choices, f, n] = await Promise.all([
    attempt(() => listBills(caller, { ...input, limit: String(PAGE) })),
    getTranslations("bills"), getTranslations("orderType"), getTranslations("billStatus"), tagChoices(caller, param(params, "billingCycle")!), getFormat(), getNames(),
  ]);
  const pageNo = Number(param(params, "p") ?? 1) || 1;
  const base = "/bill-details";
  const cycle = param(params, "billingCycle")!;
  const orderNo = param(params, "orderNo");
  const when = (iso: unknown) => (typeof iso === "string" ? f.instant(new Date(iso), timeZone) : "—");
  const type = (s: string) => (isType(s) ? tt(s) : s);
  const status = (s: string) => (isStatus(s) ? ts(s) : s);
  const product = (b: Record<string, unknown>) => (typeof b.productCode === "string" ? n.product(b.productCode, b.productName as string | null) : String(b.productName));
  return (
    <>
      <FilterForm tab="bills">
        <Select name="billingCycle" label={t("cycle")} value={cycle} options={cycles.map((c) => [c, c])} />
        <Select name="type" label={t("type")} value={params.type} allLabel={t("allTypes")} options={TYPES.map((k) => [k, tt(k)])} />
        <Field label={t("orderNo")}>
          <input name="orderNo" defaultValue={orderNo ?? ""} className={inputClass} inputMode="numeric" placeholder={t("orderNoPlaceholder")} />
        </Field>
        <AllocationFilters params={params} choices={choices} />
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">{t("count", { count: result.data.totalCount, cycle })}</span>
            <ExportLink href={hrefWith(`${base}/export`, clean(params, ["nextToken", "p", "bill"]), { headers: locale })} />
          </Toolbar>
          {result.data.totalCount === 0 ? (
            <Notice kind="empty">{orderNo ? t("noOrder", { orderNo, cycle }) : t("empty", { cycle })}</Notice>
          ) : (
            <TableFrame label={t("tableLabel")} testId="bills-table">
              <thead>
                <tr>
                  <Th>{t("orderOrBill")}</Th><Th>{t("type")}</Th><Th>{t("product")}</Th><Th>{t("instance")}</Th><Th>{t("created")}</Th><Th>{t("term")}</Th>
                  <Th right>{t("original")}</Th><Th right>{t("discount")}</Th><Th right>{t("payable")}</Th><Th right>{t("paid")}</Th><Th right>{t("outstanding")}</Th><Th>{t("status")}</Th>
                </tr>
              </thead>
              <tbody>
                {result.data.data.map((b) => (
                  <tr key={String(b.id)} className={param(params, "bill") === b.id ? "bg-orange-50" : "hover:bg-surface"}>
                    <Td>
                      <Link href={hrefWith(base, params, { bill: String(b.id) })} className="font-medium text-brand-dark underline">
                        {(b.orderNo as string | null) ?? t("paygBill", { product: product(b) })}
                      </Link>
                    </Td>
                    <Td>{type(String(b.orderType ?? b.billType))}</Td>
                    <Td>{product(b)}</Td>
                    <Td>{(b.instanceId as string | null) ?? "—"}</Td>
                    <Td>{when(b.createdAt)}</Td>
                    <Td>{b.termStart ? `${when(b.termStart)} → ${when(b.termEnd)}` : "—"}</Td>
                    <Td right><Money value={b.pretaxGrossAmount as string} currency={currency} /></Td>
                    <Td right><Money value={b.invoiceDiscount as string} currency={currency} /></Td>
                    <Td right><Money value={b.pretaxAmount as string} currency={currency} /></Td>
                    <Td right><Money value={b.paymentAmount as string} currency={currency} /></Td>
                    <Td right><Money value={b.outstandingAmount as string} currency={currency} /></Td>
                    <Td>{status(String(b.status))}</Td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="bg-surface font-semibold" data-testid="totals-row">
                  <Td>{t("total")}</Td><Td>{""}</Td><Td>{""}</Td><Td>{""}</Td><Td>{""}</Td><Td>{""}</Td>
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
          {param(params, "bill") && <BillLines {...{ caller, params, currency }} />}
        </>
      )}
    </>
  );
}

async function BillLines({ caller, params, currency }: Pick<TabProps, "caller" | "params" | "currency">) {
  const [result, t, f] = await Promise.all([attempt(() => getBill(caller, param(params, "bill")!, { limit: "100" })), getTranslations("bills"), getFormat()]);
  if (result.error !== undefined) return <div className="mt-4"><Notice kind="error">{result.error}</Notice></div>;
  const { lines } = result.data;
  const header = result.data as unknown as Record<string, string | null>;
  return (
    <section className="mt-6" aria-label={t("linesLabel")}>
      <h2 className="mb-2 font-semibold">
        {t("linesOf", { bill: header.orderNo ?? t("paygBill", { product: String(header.productName) }), count: lines.totalCount })}
      </h2>
      <TableFrame label={t("linesLabel")} testId="bill-lines-table">
        <thead>
          <tr><Th>{t("date")}</Th><Th>{t("instance")}</Th><Th>{t("item")}</Th><Th right>{t("usage")}</Th><Th right>{t("original")}</Th><Th right>{t("pretax")}</Th><Th right>{t("outstanding")}</Th></tr>
        </thead>
        <tbody>
          {lines.data.map((l) => (
            <tr key={l.id}>
              <Td>{l.billingDate ? f.day(l.billingDate) : "—"}</Td><Td>{l.instanceId}</Td><Td>{l.billableItem ?? l.billableItemId}</Td>
              <Td right>{l.usage === null ? "—" : f.quantity(l.usage)} {l.usageUnit}</Td>
              <Td right><Money value={l.pretaxGrossAmount} currency={currency} /></Td>
              <Td right><Money value={l.pretaxAmount} currency={currency} /></Td>
              <Td right><Money value={l.outstandingAmount} currency={currency} /></Td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
      {lines.nextToken && <p className="mt-2 text-xs text-muted">{t("linesCapped")}</p>}
    </section>
  );
}
