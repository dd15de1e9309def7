import Link from "next/link";
import { Fragment } from "react";
import { ColumnPicker } from "@/components/bill-details/column-picker";
import { PeriodsTable } from "@/components/bill-details/periods";
import {
  ExportLink, Field, FilterForm, Money, Notice, TokenPager, Select, TableFrame, Td, Th, Toolbar, hrefWith, inputClass,
} from "@/components/bill-details/parts";
import { DETAIL_COLUMNS, resolveColumns } from "@/lib/exports/columns";
import { BILLING_METHOD_LABELS } from "@/lib/format";
import { formatQuantity } from "@/lib/money";
import { listBillLines, SORT_FIELDS, type BillLineRow } from "@/lib/data/bill-lines";
import { getColumnPreference } from "@/lib/data/views/columns";
import { filterChoices } from "@/lib/data/views/facets";
import { saveColumns } from "./actions";
import { attempt, clean, type TabProps } from "./tab-context";

const PAGE = 50;
const GROUP_BY = [
  ["productId", "Product"], ["productDetail", "Product detail"], ["billingMethod", "Billing method"],
  ["regionId", "Region"], ["instanceId", "Instance"], ["billableItemId", "Billable item"],
] as const;

export async function DetailsTab({ caller, params, currency, cycles }: TabProps) {
  const input = clean(params, ["tab", "p", "expand"]);
  const [result, saved, choices] = await Promise.all([
    attempt(() => listBillLines(caller, { ...input, limit: String(PAGE) })),
    getColumnPreference(caller, "bill-details"),
    filterChoices(caller),
  ]);
  const columns = resolveColumns(saved);
  const pageNo = Number(params.p ?? 1) || 1;
  const base = "/bill-details";
  const exportParams = clean(params, ["nextToken", "p", "expand"]);
  const items = choices.items.filter((i) => !params.productId || i.productId === params.productId);
  const [sortField, sortDir] = (params.sort ?? "").split(":");

  const cell = (row: BillLineRow, key: string, kind: string) => {
    const v = row[key as keyof BillLineRow] as string | null;
    if (kind === "amount") return <Money value={v} currency={currency} />;
    if (v === null || v === undefined) return <span className="text-muted">—</span>;
    if (kind === "quantity") return formatQuantity(v);
    if (key === "billingMethod") return BILLING_METHOD_LABELS[v] ?? v;
    return v;
  };

  return (
    <>
      <FilterForm tab="details">
        <Select name="billingCycle" label="Billing cycle" value={params.billingCycle} options={cycles.map((c) => [c, c])} />
        <Select name="statisticItem" label="Statistic item" value={params.statisticItem}
          options={[["line", "Bill line"], ["instance", "Instance"], ["product", "Product"]]} />
        <Select name="granularity" label="Statistic period" value={params.granularity}
          options={[["DAILY", "Day"], ["MONTHLY", "Billing cycle"]]} />
        <Select name="productId" label="Product" allLabel="All products" value={params.productId} options={choices.products.map((p) => [p.id, p.name])} />
        <Field label="Product detail">
          <input name="productDetail" defaultValue={params.productDetail ?? ""} className={inputClass} />
        </Field>
        <Select name="billingMethod" label="Billing method" allLabel="All methods" value={params.billingMethod}
          options={Object.entries(BILLING_METHOD_LABELS)} />
        <Select name="regionId" label="Region" allLabel="All regions" value={params.regionId} options={choices.regions.map((r) => [r.id, r.name])} />
        <Field label="Instance ID">
          <input name="instanceId" defaultValue={params.instanceId ?? ""} className={inputClass} />
        </Field>
        <Select name="billableItemId" label="Billable item" allLabel="All items" value={params.billableItemId} options={items.map((i) => [i.id, i.name])} />
        <Select name="groupBy" label="Group by" allLabel="No grouping" value={params.groupBy} options={GROUP_BY} />
        <label className="flex items-center gap-2 self-center text-sm">
          <input type="checkbox" name="isHideZeroCharge" value="true" defaultChecked={params.isHideZeroCharge === "true"} />
          Hide zero charges
        </label>
        {params.sort && <input type="hidden" name="sort" value={params.sort} />}
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">
              {result.data.totalCount.toLocaleString("en-US")} {params.groupBy || params.statisticItem === "instance" || params.statisticItem === "product" || params.granularity === "MONTHLY" ? "rows" : "bill lines"}
            </span>
            <div className="flex flex-wrap gap-2">
              <ColumnPicker columns={DETAIL_COLUMNS} chosen={columns.map((c) => c.key)} action={saveColumns} />
              <ExportLink href={hrefWith(`${base}/export`, exportParams, { tab: "details" })} />
              <ExportLink href={hrefWith(`${base}/export`, exportParams, { tab: "focus" })}>Export FOCUS 1.2</ExportLink>
            </div>
          </Toolbar>
          {result.data.totalCount === 0 ? (
            <Notice kind="empty">No charges match these filters in {params.billingCycle}.</Notice>
          ) : (
            <TableFrame label="Billing Details" testId="details-table">
              <thead>
                <tr>
                  {columns.map((c) => {
                    const sortable = c.key in SORT_FIELDS;
                    const active = sortField === c.key;
                    const next = active && sortDir !== "desc" ? "desc" : "asc";
                    return (
                      <th key={c.key} scope="col" aria-sort={active ? (sortDir === "desc" ? "descending" : "ascending") : undefined}
                        className={`whitespace-nowrap border-b border-line bg-surface px-3 py-2 font-medium text-muted ${c.kind === "text" ? "text-left" : "text-right"}`}>
                        {sortable ? (
                          <Link href={hrefWith(base, params, { sort: `${c.key}:${next}`, nextToken: undefined, p: undefined })} className="hover:text-ink">
                            {c.label} {active ? (sortDir === "desc" ? "↓" : "↑") : ""}
                          </Link>
                        ) : c.label}
                      </th>
                    );
                  })}
                  {result.data.data.some((r) => r.lineCount > 1) && <Th right>Lines</Th>}
                </tr>
              </thead>
              <tbody>
                {result.data.data.map((row) => {
                  const open = params.expand === row.id;
                  const periods = row.periods ?? [];
                  return (
                    <Fragment key={row.id}>
                      <tr className="hover:bg-surface">
                        {columns.map((c, i) => (
                          <Td key={c.key} right={c.kind !== "text"}>
                            {cell(row, c.key, c.kind)}
                            {i === 0 && periods.length > 0 && (
                              // The expanded line lives in the URL like every other view state.
                              <Link href={hrefWith(base, params, { expand: open ? undefined : row.id })} scroll={false}
                                className="ml-2 text-xs text-brand-dark hover:underline" aria-expanded={open} data-testid="expand-periods">
                                {open ? "Hide" : "Show"} {periods.length} period{periods.length === 1 ? "" : "s"}
                              </Link>
                            )}
                          </Td>
                        ))}
                        {result.data.data.some((r) => r.lineCount > 1) && <Td right>{row.lineCount}</Td>}
                      </tr>
                      {open && periods.length > 0 && (
                        <tr>
                          <td colSpan={columns.length + 1} className="border-b border-line bg-surface">
                            <PeriodsTable periods={periods} currency={currency} total={row.pretaxAmount} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
              <tfoot>
                <tr className="bg-surface font-semibold" data-testid="totals-row">
                  {columns.map((c, i) => (
                    <Td key={c.key} right={c.kind !== "text"}>
                      {c.kind === "amount" ? (
                        <span data-testid={`total-${c.key}`}><Money value={result.data.totals[c.key as keyof typeof result.data.totals]} currency={currency} /></span>
                      ) : i === 0 ? "Total (all pages)" : ""}
                    </Td>
                  ))}
                  {result.data.data.some((r) => r.lineCount > 1) && <Td>{""}</Td>}
                </tr>
              </tfoot>
            </TableFrame>
          )}
          <TokenPager base={base} params={params} pageNo={pageNo} pageSize={PAGE} shown={result.data.data.length}
            total={result.data.totalCount} nextToken={result.data.nextToken} />
        </>
      )}
    </>
  );
}
