import {
  ExportLink, Field, FilterForm, Notice, Pager, Select, TableFrame, Td, Th, Toolbar, hrefWith, inputClass,
} from "@/components/bill-details/parts";
import { formatQuantity } from "@/lib/money";
import { filterChoices } from "@/lib/data/views/facets";
import { listUsage } from "@/lib/data/views/usage";
import { attempt, clean, type TabProps } from "./tab-context";

const PAGE = 50;

export async function UsageTab({ caller, params, cycles }: TabProps) {
  const input = clean(params, ["tab"]);
  const [result, choices] = await Promise.all([attempt(() => listUsage(caller, { ...input, limit: String(PAGE) })), filterChoices(caller)]);
  const items = choices.items.filter((i) => !params.productId || i.productId === params.productId);
  const pageNo = Number(params.page ?? 1) || 1;
  const base = "/bill-details";
  return (
    <>
      <FilterForm tab="usage">
        <Select name="billingCycle" label="Billing cycle" value={params.billingCycle} options={cycles.map((c) => [c, c])} />
        <Select name="productId" label="Product" allLabel="All products" value={params.productId} options={choices.products.map((p) => [p.id, p.name])} />
        <Select name="itemId" label="Billable item" allLabel="All items" value={params.itemId} options={items.map((i) => [i.id, `${i.name} (${i.unit})`])} />
        <Field label="From (day)">
          <input type="date" name="from" defaultValue={params.from ?? ""} className={inputClass} />
        </Field>
        <Field label="To (day)">
          <input type="date" name="to" defaultValue={params.to ?? ""} className={inputClass} />
        </Field>
        <Select name="unit" label="Time unit" value={params.unit ?? "day"} options={[["hour", "Hour"], ["day", "Day"], ["month", "Month"]]} />
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">Usage per instance per {result.data.query.unit}, in {result.data.timeZone}</span>
            <ExportLink href={hrefWith(`${base}/export`, clean(params, ["page"]), {})} />
          </Toolbar>
          {result.data.totalCount === 0 ? (
            <Notice kind="empty">No usage recorded for these filters.</Notice>
          ) : (
            <TableFrame label="Usage Records" testId="usage-table">
              <thead>
                <tr><Th>Time</Th><Th>Product</Th><Th>Instance</Th><Th>Billable item</Th><Th right>Usage</Th><Th>Unit</Th><Th right>Records</Th></tr>
              </thead>
              <tbody>
                {result.data.data.map((r) => (
                  <tr key={`${r.bucket}|${r.instanceId}|${r.itemId}`} className="hover:bg-surface">
                    <Td>{r.bucket}</Td>
                    <Td>{r.productName ?? r.productId ?? "—"}</Td>
                    <Td>{r.instanceId}{r.instanceName ? <span className="text-muted"> · {r.instanceName}</span> : null}</Td>
                    <Td>{r.itemName ?? r.itemId}</Td>
                    <Td right>{formatQuantity(r.quantity)}</Td>
                    <Td>{r.unit ?? "—"}</Td>
                    <Td right>{r.records}</Td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          )}
          <Pager shown={result.data.data.length} total={result.data.totalCount} from={(pageNo - 1) * PAGE + 1}
            first={pageNo > 1 ? hrefWith(base, params, { page: undefined }) : undefined}
            next={pageNo * PAGE < result.data.totalCount ? hrefWith(base, params, { page: String(pageNo + 1) }) : null} />
        </>
      )}
    </>
  );
}
