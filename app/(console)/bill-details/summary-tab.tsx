import { getTranslations } from "next-intl/server";
import { SummaryChart } from "@/components/charts/summary-chart";
import { ExportLink, FilterForm, Money, Notice, Select, TableFrame, Td, Th, Toolbar, hrefWith } from "@/components/bill-details/parts";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { sum, toFixedString } from "@/lib/money";
import { getSummary, SUMMARY_AMOUNTS } from "@/lib/data/views/summary";
import { BILLING_METHODS } from "@/db/schema";
import { tagChoices } from "@/lib/data/tags";
import { AllocationFilters } from "@/components/bill-details/allocation-filters";
import { attempt, clean, param, type TabProps } from "./tab-context";

const DIMENSIONS = ["productId", "productDetail", "billingMethod", "regionId", "instanceId", "resourceGroup", "tag"] as const;

export async function SummaryTab({ caller, params, currency, cycles, locale }: TabProps) {
  const [result, t, td, tm, tt, choices, f, n] = await Promise.all([
    attempt(() => getSummary(caller, clean(params, ["tab"]))), getTranslations("summary"), getTranslations("details"), getTranslations("billingMethod"),
    getTranslations("tags"), tagChoices(caller, param(params, "billingCycle")!), getFormat(), getNames(),
  ]);
  const dimension = DIMENSIONS.find((d) => d === param(params, "dimension")) ?? "productId";
  const cycle = param(params, "billingCycle")!;
  // The row of lines without the tag or group: said as such, in the console's language.
  const labelOf = (r: { key: string | null; label: string }) =>
    r.key === null ? <span className="text-muted">{dimension === "tag" ? tt("untagged") : tt("noGroup")}</span> : dimension === "billingMethod" ? method(r.key) : nameOf(r);
  // Products and regions by their catalog name in the console's language.
  const nameOf = (r: { key: string | null; label: string }) =>
    r.key === null ? r.label : dimension === "productId" ? n.product(r.key, r.label) : dimension === "regionId" ? n.region(r.key, r.label) : r.label;
  const method = (k: string) => ((BILLING_METHODS as readonly string[]).includes(k) ? tm(k as (typeof BILLING_METHODS)[number]) : k);
  return (
    <>
      <FilterForm tab="summary">
        <Select name="billingCycle" label={t("cycle")} value={cycle} options={cycles.map((c) => [c, c])} />
        <Select name="dimension" label={t("dimension")} value={dimension} options={DIMENSIONS.map((d) => [d, td(`dimension.${d}`)])} />
        <AllocationFilters params={params} choices={choices} />
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : result.data.data.length === 0 ? (
        <Notice kind="empty">{t("empty", { cycle })}</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">{t("count", { count: result.data.data.length, cycle })}</span>
            <ExportLink href={hrefWith("/bill-details/export", clean(params), { dimension, headers: locale })} />
          </Toolbar>
          <div className="mb-4">
            <SummaryChart rows={result.data.data.map((r) => ({ ...r, label: nameOf(r) }))} currency={currency} />
          </div>
          <TableFrame label={t("tableLabel")} testId="summary-table">
            <thead>
              <tr>
                <Th>{dimension === "tag" ? `${tt("tagKey")}: ${param(params, "tagKey") ?? ""}` : td(`dimension.${dimension}`)}</Th>
                <Th right>{t("lines")}</Th>
                {SUMMARY_AMOUNTS.map((a) => <Th key={a} right>{t(`amount.${a}`)}</Th>)}
              </tr>
            </thead>
            <tbody>
              {result.data.data.map((r) => (
                <tr key={r.key ?? ""} className="hover:bg-surface">
                  <Td>{labelOf(r)}{dimension === "instanceId" && <span className="text-muted"> · {r.key}</span>}</Td>
                  <Td right>{f.count(r.lineCount)}</Td>
                  {SUMMARY_AMOUNTS.map((a) => <Td key={a} right><Money value={r[a]} currency={currency} /></Td>)}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="bg-surface font-semibold" data-testid="totals-row">
                <Td>{t("total")}</Td>
                <Td right>{f.count(result.data.data.reduce((n, r) => n + r.lineCount, 0))}</Td>
                {SUMMARY_AMOUNTS.map((a) => (
                  <Td key={a} right><span data-testid={`summary-total-${a}`}><Money value={toFixedString(sum(result.data.data.map((r) => r[a])))} currency={currency} /></span></Td>
                ))}
              </tr>
            </tfoot>
          </TableFrame>
        </>
      )}
    </>
  );
}
