import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Fragment } from "react";
import { ColumnPicker } from "@/components/bill-details/column-picker";
import { PeriodsTable } from "@/components/bill-details/periods";
import {
  ExportLink, Field, FilterForm, Money, MultiSelect, Notice, TokenPager, Select, TableFrame, Td, Th, Toolbar, hrefWith, inputClass, many,
} from "@/components/bill-details/parts";
import { getFormat } from "@/i18n/server";
import { DETAIL_COLUMNS, resolveColumns } from "@/lib/exports/columns";
import { csvHeaderWords } from "@/lib/exports/headers";
import { listBillLines, SORT_FIELDS, type BillLineRow } from "@/lib/data/bill-lines";
import { listInstances } from "@/lib/data/instances";
import { getColumnPreference } from "@/lib/data/views/columns";
import { filterChoices } from "@/lib/data/views/facets";
import { tagChoices } from "@/lib/data/tags";
import { AllocationFilters, TagList } from "@/components/bill-details/allocation-filters";
import { BILLING_METHODS } from "@/db/schema";
import { saveColumns } from "./actions";
import { attempt, clean, param, type TabProps } from "./tab-context";

const PAGE = 50;
const GROUP_BY = ["productId", "productDetail", "billingMethod", "regionId", "instanceId", "billableItemId", "resourceGroup", "tag"] as const;

export async function DetailsTab({ caller, params, currency, cycles, locale }: TabProps) {
  const input = clean(params, ["tab", "p", "expand"]);
  const [result, saved, choices, instances, tagChoicesOfCycle, t, tm, tt, f] = await Promise.all([
    attempt(() => listBillLines(caller, { ...input, limit: String(PAGE) })),
    getColumnPreference(caller, "bill-details"),
    filterChoices(caller),
    listInstances(caller),
    tagChoices(caller, param(params, "billingCycle")!),
    getTranslations("details"),
    getTranslations("billingMethod"),
    getTranslations("tags"),
    getFormat(),
  ]);
  // Column words: the same as the CSV's header row in this language.
  const words = csvHeaderWords(locale).details;
  const label = (key: string) => words[key as keyof typeof words] ?? key;
  const columns = resolveColumns(saved);
  const pageNo = Number(param(params, "p") ?? 1) || 1;
  const base = "/bill-details";
  const exportParams = clean(params, ["nextToken", "p", "expand"]);
  const products = many(params.productId);
  const items = choices.items.filter((i) => products.length === 0 || products.includes(i.productId));
  const [sortField, sortDir] = (param(params, "sort") ?? "").split(":");
  const grouped = param(params, "groupBy") || param(params, "statisticItem") === "instance" || param(params, "statisticItem") === "product" || param(params, "granularity") === "MONTHLY";

  const groupBy = param(params, "groupBy");
  // Grouped by a tag or the resource group: the group is the row's first cell, untagged / no group said as such.
  const groupCell = (row: BillLineRow) =>
    groupBy === "tag"
      ? (row.tagValue ?? <span className="text-muted">{tt("untagged")}</span>)
      : (row.resourceGroup ?? <span className="text-muted">{tt("noGroup")}</span>);
  const groupColumn = groupBy === "tag" || groupBy === "resourceGroup";
  const cell = (row: BillLineRow, key: string, kind: string) => {
    if (key === "tags") return grouped && row.tags === null ? <span className="text-muted">—</span> : <TagList tags={row.tags} />;
    if (key === "resourceGroup" && row.resourceGroup === null && !grouped) return <span className="text-muted">{tt("noGroup")}</span>;
    const v = row[key as keyof BillLineRow] as string | null;
    if (kind === "amount") return <Money value={v} currency={currency} />;
    if (v === null || v === undefined) return <span className="text-muted">—</span>;
    if (kind === "quantity") return f.quantity(v);
    if (key === "billingMethod") return (BILLING_METHODS as readonly string[]).includes(v) ? tm(v as (typeof BILLING_METHODS)[number]) : v;
    if (key === "billingDate") return f.day(v);
    // The instance's page is where an admin sees and edits its tags.
    if (key === "instanceId") return <Link href={`/resources/${encodeURIComponent(v)}`} className="underline">{v}</Link>;
    return v;
  };
  const multiLine = result.data?.data.some((r) => r.lineCount > 1);

  return (
    <>
      <FilterForm tab="details">
        <Select name="billingCycle" label={t("cycle")} value={params.billingCycle} options={cycles.map((c) => [c, c])} />
        <Select name="statisticItem" label={t("statisticItem")} value={params.statisticItem}
          options={[["line", t("statisticLine")], ["instance", t("statisticInstance")], ["product", t("statisticProduct")]]} />
        <Select name="granularity" label={t("period")} value={params.granularity}
          options={[["DAILY", t("periodDay")], ["MONTHLY", t("periodCycle")]]} />
        <MultiSelect name="productId" label={t("product")} allLabel={t("allProducts")} value={params.productId} options={choices.products.map((p) => [p.id, p.name])} />
        <Field label={t("productDetail")}>
          <input name="productDetail" defaultValue={param(params, "productDetail") ?? ""} className={inputClass} />
        </Field>
        <MultiSelect name="billingMethod" label={t("billingMethod")} allLabel={t("allMethods")} value={params.billingMethod}
          options={BILLING_METHODS.map((m) => [m, tm(m)])} />
        <MultiSelect name="regionId" label={t("region")} allLabel={t("allRegions")} value={params.regionId} options={choices.regions.map((r) => [r.id, r.name])} />
        <MultiSelect name="instanceId" label={t("instance")} allLabel={t("allInstances")} value={params.instanceId}
          options={instances.map(({ instance: i }) => [i.id, `${i.name} · ${i.id}`])} />
        <Select name="billableItemId" label={t("item")} allLabel={t("allItems")} value={params.billableItemId} options={items.map((i) => [i.id, i.name])} />
        <AllocationFilters params={params} choices={tagChoicesOfCycle} />
        <Select name="groupBy" label={t("groupBy")} allLabel={t("noGrouping")} value={params.groupBy} options={GROUP_BY.map((g) => [g, t(`dimension.${g}`)])} />
        <label className="flex items-center gap-2 self-center text-sm">
          <input type="checkbox" name="isHideZeroCharge" value="true" defaultChecked={param(params, "isHideZeroCharge") === "true"} />
          {t("hideZero")}
        </label>
        {param(params, "sort") && <input type="hidden" name="sort" value={param(params, "sort")} />}
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">
              {grouped ? t("rows", { count: result.data.totalCount }) : t("lines", { count: result.data.totalCount })}
            </span>
            <div className="flex flex-wrap gap-2">
              <ColumnPicker columns={DETAIL_COLUMNS.map((c) => ({ key: c.key, label: label(c.key) }))} chosen={columns.map((c) => c.key)} action={saveColumns} />
              <ExportLink href={hrefWith(`${base}/export`, exportParams, { tab: "details", headers: locale })} />
              <ExportLink href={hrefWith(`${base}/export`, exportParams, { tab: "focus" })}>{t("exportFocus")}</ExportLink>
            </div>
          </Toolbar>
          {result.data.totalCount === 0 ? (
            <Notice kind="empty">{t("empty", { cycle: param(params, "billingCycle")! })}</Notice>
          ) : (
            <TableFrame label={t("tableLabel")} testId="details-table">
              <thead>
                <tr>
                  {groupColumn && <Th>{groupBy === "tag" ? `${tt("tagKey")}: ${param(params, "tagKey") ?? ""}` : tt("resourceGroup")}</Th>}
                  {columns.map((c) => {
                    const sortable = c.key in SORT_FIELDS;
                    const active = sortField === c.key;
                    const next = active && sortDir !== "desc" ? "desc" : "asc";
                    return (
                      <Th key={c.key} right={c.kind !== "text"} aria-sort={active ? (sortDir === "desc" ? "descending" : "ascending") : undefined}>
                        {sortable ? (
                          <Link href={hrefWith(base, params, { sort: `${c.key}:${next}`, nextToken: undefined, p: undefined })} className="hover:text-ink">
                            {label(c.key)} {active ? <span aria-hidden="true">{sortDir === "desc" ? "↓" : "↑"}</span> : ""}
                          </Link>
                        ) : label(c.key)}
                      </Th>
                    );
                  })}
                  {multiLine && <Th right>{t("lineCount")}</Th>}
                </tr>
              </thead>
              <tbody>
                {result.data.data.map((row) => {
                  const open = param(params, "expand") === row.id;
                  const periods = row.periods ?? [];
                  return (
                    <Fragment key={row.id}>
                      <tr className="hover:bg-surface">
                        {groupColumn && <Td>{groupCell(row)}</Td>}
                        {columns.map((c, i) => (
                          <Td key={c.key} right={c.kind !== "text"}>
                            {cell(row, c.key, c.kind)}
                            {i === 0 && periods.length > 0 && (
                              // The expanded line lives in the URL like every other view state.
                              <Link href={hrefWith(base, params, { expand: open ? undefined : row.id })} scroll={false}
                                className="ml-2 text-xs text-brand-dark hover:underline" aria-expanded={open} data-testid="expand-periods">
                                {t(open ? "hidePeriods" : "showPeriods", { count: periods.length })}
                              </Link>
                            )}
                          </Td>
                        ))}
                        {multiLine && <Td right>{f.count(row.lineCount)}</Td>}
                      </tr>
                      {open && periods.length > 0 && (
                        <tr>
                          <td colSpan={columns.length + (multiLine ? 1 : 0) + (groupColumn ? 1 : 0)} className="border-b border-line bg-surface">
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
                  {groupColumn && <Td>{t("totalAllPages")}</Td>}
                  {columns.map((c, i) => (
                    <Td key={c.key} right={c.kind !== "text"}>
                      {c.kind === "amount" ? (
                        <span data-testid={`total-${c.key}`}><Money value={result.data.totals[c.key as keyof typeof result.data.totals]} currency={currency} /></span>
                      ) : i === 0 && !groupColumn ? t("totalAllPages") : ""}
                    </Td>
                  ))}
                  {multiLine && <Td>{""}</Td>}
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
