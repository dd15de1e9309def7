import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ColumnPicker } from "@/components/bill-details/column-picker";
import { PeriodsTable } from "@/components/bill-details/periods";
import { LinesTable, type LineColumn, type LineCell, type LineRow } from "@/components/bill-details/lines-table";
import {
  ExportLink, Field, FilterForm, Money, MultiSelect, Notice, TokenPager, Select, Td, Th, Toolbar, hrefWith, inputClass, many,
} from "@/components/bill-details/parts";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { DETAIL_COLUMNS, resolveColumns } from "@/lib/exports/columns";
import { csvHeaderWords } from "@/lib/exports/headers";
import { listBillLines, SORT_FIELDS, type BillLineRow } from "@/lib/data/bill-lines";
import { instanceChoices } from "@/lib/data/instances";
import { getColumnPreference } from "@/lib/data/views/columns";
import { filterChoices } from "@/lib/data/views/facets";
import { tagChoices } from "@/lib/data/tags";
import { AllocationFilters } from "@/components/bill-details/allocation-filters";
import { BILLING_METHODS } from "@/db/schema";
import { saveColumns } from "./actions";
import { attempt, clean, param, type TabProps } from "./tab-context";

const PAGE = 50;
const GROUP_BY = ["productId", "productDetail", "billingMethod", "regionId", "instanceId", "billableItemId", "resourceGroup", "tag"] as const;

export async function DetailsTab({ caller, params, currency, timeZone, cycles, locale }: TabProps) {
  const input = clean(params, ["tab", "p", "expand"]);
  const [result, saved, choices, instances, tagChoicesOfCycle, t, tm, tt, f, n] = await Promise.all([
    attempt(() => listBillLines(caller, { ...input, limit: String(PAGE) })),
    getColumnPreference(caller, "bill-details"),
    filterChoices(caller),
    instanceChoices(caller),
    tagChoices(caller, param(params, "billingCycle")!),
    getTranslations("details"),
    getTranslations("billingMethod"),
    getTranslations("tags"),
    getFormat(),
    getNames(),
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
  const groupColumn = groupBy === "tag" || groupBy === "resourceGroup";
  // Every cell formatted here, to a string: the rows go to the table as data.
  const cell = (row: BillLineRow, key: string, kind: string): LineCell => {
    if (key === "tags") {
      if (grouped && row.tags === null) return null;
      const tags = Object.entries(row.tags ?? {});
      return tags.length ? tags.map(([k, v]) => (v ? `${k}=${v}` : k)) : { muted: tt("untagged") };
    }
    if (key === "resourceGroup" && row.resourceGroup === null && !grouped) return { muted: tt("noGroup") };
    const v = row[key as keyof BillLineRow] as string | null;
    if (v === null || v === undefined) return null;
    if (kind === "amount") return f.money(v, currency);
    if (kind === "quantity") return f.quantity(v);
    if (key === "billingMethod") return (BILLING_METHODS as readonly string[]).includes(v) ? tm(v as (typeof BILLING_METHODS)[number]) : v;
    if (key === "billingDate") return f.day(v);
    // Catalog names in the console's language (the CSV keeps the catalog's English names).
    if (key === "productName" && row.productCode) return n.product(row.productCode, v);
    if (key === "regionName" && row.region) return n.region(row.region, v);
    if (key === "billableItem" && row.billableItemId) return n.item(row.billableItemId, v);
    return v;
  };
  // Grouped by a tag or the resource group: the group is the row's first cell, untagged / no group said as such.
  const groupCell = (row: BillLineRow): LineCell =>
    groupBy === "tag" ? (row.tagValue ?? { muted: tt("untagged") }) : (row.resourceGroup ?? { muted: tt("noGroup") });
  const multiLine = result.data?.data.some((r) => r.lineCount > 1);
  const lineColumns: LineColumn[] = [
    ...(groupColumn ? [{ right: false }] : []),
    // The instance's page is where an admin sees and edits its tags.
    ...columns.map((c) => (c.key === "instanceId" ? { right: false, linkPrefix: "/resources/" } : { right: c.kind !== "text" })),
    ...(multiLine ? [{ right: true }] : []),
  ];
  const expandedId = param(params, "expand");
  const openRow = result.data?.data.find((r) => r.id === expandedId);
  const lineRows: LineRow[] = (result.data?.data ?? []).map((row) => {
    const periods = row.periods ?? [];
    const open = expandedId === row.id;
    const offset = groupColumn ? 1 : 0;
    // Only the keys a row needs: every key is sent to the browser 50 times.
    const out: LineRow = {
      cells: [...(groupColumn ? [groupCell(row)] : []), ...columns.map((c) => cell(row, c.key, c.kind)), ...(multiLine ? [f.count(row.lineCount)] : [])],
    };
    const negative = columns.flatMap((c, i) => (c.kind === "amount" && (row[c.key as keyof BillLineRow] as string | null)?.startsWith("-") ? [i + offset] : []));
    if (negative.length) out.negative = negative;
    if (periods.length) out.expand = { id: row.id, label: t(open ? "hidePeriods" : "showPeriods", { count: periods.length }), open };
    return out;
  });

  return (
    <>
      <FilterForm tab="details">
        <Select name="billingCycle" label={t("cycle")} value={params.billingCycle} options={cycles.map((c) => [c, c])} />
        <Select name="statisticItem" label={t("statisticItem")} value={params.statisticItem}
          options={[["line", t("statisticLine")], ["instance", t("statisticInstance")], ["product", t("statisticProduct")]]} />
        <Select name="granularity" label={t("period")} value={params.granularity}
          options={[["DAILY", t("periodDay")], ["MONTHLY", t("periodCycle")]]} />
        <MultiSelect name="productId" label={t("product")} allLabel={t("allProducts")} value={params.productId} options={choices.products.map((p) => [p.id, n.product(p.id, p.name)])} />
        <Field label={t("productDetail")}>
          <input name="productDetail" defaultValue={param(params, "productDetail") ?? ""} className={inputClass} />
        </Field>
        <MultiSelect name="billingMethod" label={t("billingMethod")} allLabel={t("allMethods")} value={params.billingMethod}
          options={BILLING_METHODS.map((m) => [m, tm(m)])} />
        <MultiSelect name="regionId" label={t("region")} allLabel={t("allRegions")} value={params.regionId} options={choices.regions.map((r) => [r.id, n.region(r.id, r.name)])} />
        {instances.complete ? (
          <MultiSelect name="instanceId" label={t("instance")} allLabel={t("allInstances")} value={params.instanceId}
            options={instances.options.map((i) => [i.id, `${i.name} · ${i.id}`])} />
        ) : (
          <Field label={t("instanceIds")}>
            <input name="instanceId" defaultValue={many(params.instanceId).join(", ")} placeholder={t("instanceIdsHint")} className={inputClass} />
          </Field>
        )}
        <Select name="billableItemId" label={t("item")} allLabel={t("allItems")} value={params.billableItemId} options={items.map((i) => [i.id, n.item(i.id, i.name)])} />
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
            <LinesTable label={t("tableLabel")} testId="details-table" columns={lineColumns} rows={lineRows}
              expandAt={groupColumn ? 1 : 0} expandBase={hrefWith(base, params, { expand: undefined })}
              expanded={openRow?.periods?.length ? <PeriodsTable periods={openRow.periods} currency={currency} total={openRow.pretaxAmount} timeZone={timeZone} /> : undefined}
              head={
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
              }
              foot={
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
              } />
          )}
          <TokenPager base={base} params={params} pageNo={pageNo} pageSize={PAGE} shown={result.data.data.length}
            total={result.data.totalCount} nextToken={result.data.nextToken} />
        </>
      )}
    </>
  );
}

