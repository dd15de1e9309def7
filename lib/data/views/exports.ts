import "server-only";
// Streamed CSV exports of every Bill Details tab: the query is validated up
// front (a bad parameter is a 400 before any byte is sent), then rows flow
// from a database cursor through the CSV writer into the response in batches.
import { sql, type SQL } from "drizzle-orm";
import { BOM, csvCellSql, csvHeader, csvLineSql, csvRow, type CsvColumn } from "@/lib/exports/csv";
import { resolveColumns, type DetailColumn } from "@/lib/exports/columns";
import { getHandle } from "@/db/client";
import { csvHeaderWords, type CsvHeaderWords } from "@/lib/exports/headers";
import { FOCUS_COLUMNS } from "@/lib/exports/focus";
import { textStream } from "@/lib/exports/stream";
import { getAccount } from "../account";
import { allBillLinesSql, billLinesQuerySchema, queryInput } from "../bill-lines";
import { allBillsQuery, type BillRow } from "../bills";
import type { Caller } from "../caller";
import { parseInput } from "../validate";
import { getColumnPreference } from "./columns";
import { focusCsvSql } from "./focus-lines";
import { forEachBatch } from "./cursor";
import { allUsageQuery, type UsageRow } from "./usage";
import { summaryQuery, type SummaryRow } from "./summary";

export interface CsvExport {
  filename: string;
  body: ReadableStream<Uint8Array>;
}

const EN = csvHeaderWords("en");

/** Columns whose header is a key of one namespace of the header words. */
type KeyedColumn<R, K extends string> = Omit<CsvColumn<R>, "header"> & { key: K };
function worded<R, K extends string>(columns: KeyedColumn<R, K>[], words: Record<K, string>): CsvColumn<R>[] {
  return columns.map((c) => ({ ...c, header: words[c.key] }));
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
const methodLabelSql = (labels: Record<string, string>) =>
  `CASE x."billingMethod" ${Object.entries(labels)
    .map(([k, v]) => `WHEN ${sqlText(k)} THEN ${sqlText(v)}`)
    .join(" ")} ELSE x."billingMethod" END`;

/** A column's text as shown: quantities without trailing zeros, billing methods by label. */
function detailCellExpr(c: DetailColumn, words: CsvHeaderWords): string {
  if (c.kind === "quantity") return `trim_scale(x."${c.key}"::numeric)::text`;
  if (c.key === "billingMethod") return methodLabelSql(words.billingMethod);
  return `x."${c.key}"::text`;
}

/** The Billing Details export's statement (one ready CSV line per row) and header; the benchmark COPYs the same statement. */
export async function billLinesExportSql(caller: Caller, input: unknown, accountId?: string, words = EN) {
  // The account and the saved column choice in one round trip's time; an unknown account still fails first.
  const accountRead = getAccount(caller, accountId);
  let q;
  try {
    q = parseInput(billLinesQuerySchema, queryInput(input));
  } catch (e) {
    await accountRead;
    throw e;
  }
  const [account, saved] = await Promise.all([accountRead, q.columns ?? getColumnPreference(caller, "bill-details")]);
  const chosen = resolveColumns(saved);
  // PostgreSQL writes each line (same cell rules as csvCell): JavaScript only joins them.
  const line = csvLineSql(chosen.map((c) => csvCellSql(detailCellExpr(c, words), c.kind)));
  const statement = allBillLinesSql(account.id, [sql`bl.billing_cycle = ${q.billingCycle}`], q, chosen.map((c) => c.key), `${line} AS line`);
  const header = BOM + csvHeader(chosen.map((c) => ({ header: words.details[c.key as keyof CsvHeaderWords["details"]] })));
  return { filename: `billing-details-${q.billingCycle}.csv`, header, statement };
}

/** Billing Details as shown: same filters, grouping, order and chosen columns, all pages. */
export async function exportBillLines(caller: Caller, input: unknown, accountId?: string, words = EN): Promise<CsvExport> {
  const { filename, header, statement } = await billLinesExportSql(caller, input, accountId, words);
  return { filename, body: await streamLines(header, statement) };
}

/** The header, then the statement's `line` column as PostgreSQL wrote it. */
async function streamLines(header: string, statement: SQL): Promise<ReadableStream<Uint8Array>> {
  const handle = await getHandle();
  return textStream(async (write) => {
    await write(header);
    // PostgreSQL: COPY … TO STDOUT (one statement, one snapshot, no per-batch round trips).
    const copied = handle.copyOut?.(statement);
    if (copied) for await (const chunk of copied) await write(chunk);
    else await forEachBatch<{ line: string }>(statement, async (rows) => write(rows.map((r) => r.line).join("")));
  });
}

/** The FOCUS export's statement (one or two ready CSV lines per row) and header; the benchmark COPYs the same statement. */
export async function focusExportSql(caller: Caller, input: unknown, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const q = parseInput(billLinesQuerySchema, queryInput(input));
  const statement = focusCsvSql(account, [sql`bl.billing_cycle = ${q.billingCycle}`], q);
  return { filename: `focus-1.2-${q.billingCycle}.csv`, header: BOM + csvHeader(FOCUS_COLUMNS.map((header) => ({ header }))), statement };
}

/** FOCUS 1.2: the stored charges under the same filters (never aggregated), voucher credits as their own rows. */
export async function exportFocus(caller: Caller, input: unknown, accountId?: string): Promise<CsvExport> {
  const { filename, header, statement } = await focusExportSql(caller, input, accountId);
  return { filename, body: await streamLines(header, statement) };
}

const BILL_COLUMNS: KeyedColumn<BillRow, keyof CsvHeaderWords["bills"]>[] = [
  { key: "id", kind: "text", value: (r) => r.id as string },
  { key: "orderNo", kind: "text", value: (r) => r.orderNo as string | null },
  { key: "type", kind: "text", value: (r) => (r.orderType ?? r.billType) as string },
  { key: "product", kind: "text", value: (r) => (r.productName ?? r.productCode) as string },
  { key: "instanceId", kind: "text", value: (r) => r.instanceId as string | null },
  { key: "created", kind: "text", value: (r) => r.createdAt as string | null },
  { key: "termStart", kind: "text", value: (r) => r.termStart as string | null },
  { key: "termEnd", kind: "text", value: (r) => r.termEnd as string | null },
  { key: "original", kind: "amount", value: (r) => r.pretaxGrossAmount as string },
  { key: "discount", kind: "amount", value: (r) => r.invoiceDiscount as string },
  { key: "payable", kind: "amount", value: (r) => r.pretaxAmount as string },
  { key: "paid", kind: "amount", value: (r) => r.paymentAmount as string },
  { key: "outstanding", kind: "amount", value: (r) => r.outstandingAmount as string },
  { key: "status", kind: "text", value: (r) => r.status as string },
  { key: "currency", kind: "text", value: (r) => r.currency as string },
];

export async function exportBills(caller: Caller, input: unknown, accountId?: string, words = EN): Promise<CsvExport> {
  const b = await allBillsQuery(caller, input, accountId);
  return { filename: `consumption-by-bill-${b.query.billingCycle}.csv`, body: streamRows(worded(BILL_COLUMNS, words.bills), b.sql, b.toRow) };
}

const USAGE_COLUMNS: KeyedColumn<UsageRow, keyof CsvHeaderWords["usage"]>[] = [
  { key: "time", kind: "text", value: (r) => r.bucket },
  { key: "product", kind: "text", value: (r) => r.productName ?? r.productId },
  { key: "instanceId", kind: "text", value: (r) => r.instanceId },
  { key: "instanceName", kind: "text", value: (r) => r.instanceName },
  { key: "item", kind: "text", value: (r) => r.itemName ?? r.itemId },
  { key: "usage", kind: "quantity", value: (r) => r.quantity },
  { key: "unit", kind: "text", value: (r) => r.unit },
  { key: "records", kind: "quantity", value: (r) => r.records },
];

export async function exportUsage(caller: Caller, input: unknown, accountId?: string, words = EN): Promise<CsvExport> {
  const u = await allUsageQuery(caller, input, accountId);
  return { filename: `usage-records-${u.query.unit}-${u.query.billingCycle}.csv`, body: streamRows(worded(USAGE_COLUMNS, words.usage), u.sql, u.toRow) };
}

const SUMMARY_COLUMNS: KeyedColumn<SummaryRow, keyof CsvHeaderWords["summary"]>[] = [
  { key: "key", kind: "text", value: (r) => r.key },
  { key: "name", kind: "text", value: (r) => r.label },
  { key: "lines", kind: "quantity", value: (r) => r.lineCount },
  { key: "originalAmount", kind: "amount", value: (r) => r.originalAmount },
  { key: "discountAmount", kind: "amount", value: (r) => r.discountAmount },
  { key: "pretaxAmount", kind: "amount", value: (r) => r.pretaxAmount },
  { key: "paidAmount", kind: "amount", value: (r) => r.paidAmount },
  { key: "outstandingAmount", kind: "amount", value: (r) => r.outstandingAmount },
  { key: "overdueAmount", kind: "amount", value: (r) => r.overdueAmount },
];

export async function exportSummary(caller: Caller, input: unknown, accountId?: string, words = EN): Promise<CsvExport> {
  const s = await summaryQuery(caller, input, accountId);
  return { filename: `summary-${s.query.dimension}-${s.query.billingCycle}.csv`, body: streamRows(worded(SUMMARY_COLUMNS, words.summary), s.sql, s.toRow) };
}
