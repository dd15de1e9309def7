import { SummaryChart } from "@/components/charts/summary-chart";
import { ExportLink, FilterForm, Money, Notice, Select, TableFrame, Td, Th, Toolbar, hrefWith } from "@/components/bill-details/parts";
import { BILLING_METHOD_LABELS } from "@/lib/format";
import { sum, toFixedString } from "@/lib/money";
import { getSummary, SUMMARY_AMOUNTS } from "@/lib/data/views/summary";
import { attempt, clean, type TabProps } from "./tab-context";

const DIMENSIONS = [
  ["productId", "Product"], ["productDetail", "Product detail"], ["billingMethod", "Billing method"], ["regionId", "Region"], ["instanceId", "Instance"],
] as const;
const LABELS: Record<(typeof SUMMARY_AMOUNTS)[number], string> = {
  originalAmount: "Original amount", discountAmount: "Discount", pretaxAmount: "Pretax amount payable",
  paidAmount: "Paid", outstandingAmount: "Outstanding", overdueAmount: "Overdue amount",
};

export async function SummaryTab({ caller, params, currency, cycles }: TabProps) {
  const result = await attempt(() => getSummary(caller, clean(params, ["tab"])));
  const dimension = params.dimension ?? "productId";
  return (
    <>
      <FilterForm tab="summary">
        <Select name="billingCycle" label="Billing cycle" value={params.billingCycle} options={cycles.map((c) => [c, c])} />
        <Select name="dimension" label="Summarise by" value={dimension} options={DIMENSIONS} />
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : result.data.data.length === 0 ? (
        <Notice kind="empty">No charges in {params.billingCycle}.</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">{result.data.data.length} groups in {params.billingCycle}</span>
            <ExportLink href={hrefWith("/bill-details/export", clean(params), { dimension })} />
          </Toolbar>
          <div className="mb-4">
            <SummaryChart rows={result.data.data} currency={currency} />
          </div>
          <TableFrame label="Summary by Quantity and Price" testId="summary-table">
            <thead>
              <tr>
                <Th>{DIMENSIONS.find((d) => d[0] === dimension)?.[1]}</Th>
                <Th right>Lines</Th>
                {SUMMARY_AMOUNTS.map((a) => <Th key={a} right>{LABELS[a]}</Th>)}
              </tr>
            </thead>
            <tbody>
              {result.data.data.map((r) => (
                <tr key={r.key} className="hover:bg-surface">
                  <Td>{dimension === "billingMethod" ? (BILLING_METHOD_LABELS[r.key] ?? r.key) : r.label}{dimension === "instanceId" && <span className="text-muted"> · {r.key}</span>}</Td>
                  <Td right>{r.lineCount}</Td>
                  {SUMMARY_AMOUNTS.map((a) => <Td key={a} right><Money value={r[a]} currency={currency} /></Td>)}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="bg-surface font-semibold" data-testid="totals-row">
                <Td>Total</Td>
                <Td right>{result.data.data.reduce((n, r) => n + r.lineCount, 0)}</Td>
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
