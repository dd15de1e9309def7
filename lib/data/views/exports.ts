import "server-only";
// Streamed CSV exports of every Bill Details tab: the query is validated up
// front (a bad parameter is a 400 before any byte is sent), then rows flow
// from a database cursor through the CSV writer into the response in batches.
import { sql } from "drizzle-orm";
import { BILLING_METHOD_LABELS } from "@/lib/format";
import { BOM, csvCellSql, csvHeader, csvLineSql, csvRow, type CsvColumn } from "@/lib/exports/csv";
import { resolveColumns, type DetailColumn } from "@/lib/exports/columns";
import { getDb } from "@/db/client";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { FOCUS_CSV_COLUMNS, focusRecords } from "@/lib/exports/focus";
import { textStream } from "@/lib/exports/stream";
import { getAccount } from "../account";
import { allBillLinesSql, billLinesQuerySchema, focusLinesSql, queryInput } from "../bill-lines";
import { allBillsQuery, type BillRow } from "../bills";
import type { Caller } from "../caller";
import { parseInput } from "../validate";
import { getColumnPreference } from "./columns";
import { focusSkuResolver, focusSource, type FocusLineRow } from "./focus-source";
import { forEachBatch } from "./cursor";
import { allUsageQuery, type UsageRow } from "./usage";
import { summaryQuery, type SummaryRow } from "./summary";

export interface CsvExport {
  filename: string;
  body: ReadableStream<Uint8Array>;
}

function streamRows<R, S>(columns: CsvColumn<R>[], statement: ReturnType<typeof sql>, map: (r: S) => R): ReadableStream<Uint8Array> {
  return textStream(async (write) => {
    await write(BOM + csvHeader(columns));
    await forEachBatch<S>(statement, async (rows) => {
      // One write per batch: few, large chunks keep the stream cheap.
      await write(rows.map((r) => csvRow(columns, map(r))).join(""));
    });
  });
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const METHOD_LABEL_SQL = `CASE x."billingMethod" ${Object.entries(BILLING_METHOD_LABELS)
  .map(([k, v]) => `WHEN ${sqlText(k)} THEN ${sqlText(v)}`)
  .join(" ")} ELSE x."billingMethod" END`;

/** A column's text as shown: quantities without trailing zeros, billing methods by label. */
function detailCellExpr(c: DetailColumn): string {
  if (c.kind === "quantity") return `trim_scale(x."${c.key}"::numeric)::text`;
  if (c.key === "billingMethod") return METHOD_LABEL_SQL;
  return `x."${c.key}"::text`;
}

/** Billing Details as shown: same filters, grouping, order and chosen columns, all pages. */
export async function exportBillLines(caller: Caller, input: unknown, accountId?: string): Promise<CsvExport> {
  const account = await getAccount(caller, accountId);
  const q = parseInput(billLinesQuerySchema, queryInput(input));
  const chosen = resolveColumns(q.columns ?? (await getColumnPreference(caller, "bill-details")));
  // PostgreSQL writes each line (same cell rules as csvCell): JavaScript only joins them.
  const line = csvLineSql(chosen.map((c) => csvCellSql(detailCellExpr(c), c.kind)));
  const scope = [sql`bl.account_id = ${account.id}`, sql`bl.billing_cycle = ${q.billingCycle}`];
  const statement = allBillLinesSql(scope, q, chosen.map((c) => c.key), `${line} AS line`);
  const body = textStream(async (write) => {
    await write(BOM + csvHeader(chosen.map((c) => ({ header: c.label }))));
    await forEachBatch<{ line: string }>(statement, async (rows) => write(rows.map((r) => r.line).join("")));
  });
  return { filename: `billing-details-${q.billingCycle}.csv`, body };
}

/** FOCUS 1.2: the stored charges under the same filters (never aggregated), voucher credits as their own rows. */
export async function exportFocus(caller: Caller, input: unknown, accountId?: string): Promise<CsvExport> {
  const account = await getAccount(caller, accountId);
  const q = parseInput(billLinesQuerySchema, queryInput(input));
  const statement = focusLinesSql([sql`bl.account_id = ${account.id}`, sql`bl.billing_cycle = ${q.billingCycle}`], q);
  const skuOf = focusSkuResolver(await catalogFromDb(await getDb()));
  const body = textStream(async (write) => {
    await write(BOM + csvHeader(FOCUS_CSV_COLUMNS));
    await forEachBatch<FocusLineRow>(statement, async (rows) => {
      const records = rows.flatMap((r) => focusRecords(focusSource(r, account, skuOf(r))));
      await write(records.map((r) => csvRow(FOCUS_CSV_COLUMNS, r)).join(""));
    });
  });
  return { filename: `focus-1.2-${q.billingCycle}.csv`, body };
}

const BILL_COLUMNS: CsvColumn<BillRow>[] = [
  { header: "Bill / order ID", kind: "text", value: (r) => r.id as string },
  { header: "Order number", kind: "text", value: (r) => r.orderNo as string | null },
  { header: "Type", kind: "text", value: (r) => (r.orderType ?? r.billType) as string },
  { header: "Product", kind: "text", value: (r) => (r.productName ?? r.productCode) as string },
  { header: "Instance ID", kind: "text", value: (r) => r.instanceId as string | null },
  { header: "Created", kind: "text", value: (r) => r.createdAt as string | null },
  { header: "Term start", kind: "text", value: (r) => r.termStart as string | null },
  { header: "Term end", kind: "text", value: (r) => r.termEnd as string | null },
  { header: "Original amount", kind: "amount", value: (r) => r.pretaxGrossAmount as string },
  { header: "Discount", kind: "amount", value: (r) => r.invoiceDiscount as string },
  { header: "Payable", kind: "amount", value: (r) => r.pretaxAmount as string },
  { header: "Paid", kind: "amount", value: (r) => r.paymentAmount as string },
  { header: "Outstanding", kind: "amount", value: (r) => r.outstandingAmount as string },
  { header: "Status", kind: "text", value: (r) => r.status as string },
  { header: "Currency", kind: "text", value: (r) => r.currency as string },
];

export async function exportBills(caller: Caller, input: unknown, accountId?: string): Promise<CsvExport> {
  const b = await allBillsQuery(caller, input, accountId);
  return { filename: `consumption-by-bill-${b.query.billingCycle}.csv`, body: streamRows(BILL_COLUMNS, b.sql, b.toRow) };
}

const USAGE_COLUMNS: CsvColumn<UsageRow>[] = [
  { header: "Time", kind: "text", value: (r) => r.bucket },
  { header: "Product", kind: "text", value: (r) => r.productName ?? r.productId },
  { header: "Instance ID", kind: "text", value: (r) => r.instanceId },
  { header: "Instance name", kind: "text", value: (r) => r.instanceName },
  { header: "Billable item", kind: "text", value: (r) => r.itemName ?? r.itemId },
  { header: "Usage", kind: "quantity", value: (r) => r.quantity },
  { header: "Unit", kind: "text", value: (r) => r.unit },
  { header: "Records", kind: "quantity", value: (r) => r.records },
];

export async function exportUsage(caller: Caller, input: unknown, accountId?: string): Promise<CsvExport> {
  const u = await allUsageQuery(caller, input, accountId);
  return { filename: `usage-records-${u.query.unit}-${u.query.billingCycle}.csv`, body: streamRows(USAGE_COLUMNS, u.sql, u.toRow) };
}

const SUMMARY_COLUMNS: CsvColumn<SummaryRow>[] = [
  { header: "Key", kind: "text", value: (r) => r.key },
  { header: "Name", kind: "text", value: (r) => r.label },
  { header: "Lines", kind: "quantity", value: (r) => r.lineCount },
  { header: "Original amount", kind: "amount", value: (r) => r.originalAmount },
  { header: "Discount", kind: "amount", value: (r) => r.discountAmount },
  { header: "Pretax amount payable", kind: "amount", value: (r) => r.pretaxAmount },
  { header: "Paid", kind: "amount", value: (r) => r.paidAmount },
  { header: "Outstanding", kind: "amount", value: (r) => r.outstandingAmount },
  { header: "Overdue amount", kind: "amount", value: (r) => r.overdueAmount },
];

export async function exportSummary(caller: Caller, input: unknown, accountId?: string): Promise<CsvExport> {
  const s = await summaryQuery(caller, input, accountId);
  return { filename: `summary-${s.query.dimension}-${s.query.billingCycle}.csv`, body: streamRows(SUMMARY_COLUMNS, s.sql, s.toRow) };
}
