import "server-only";
import { and, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ledgerEntries } from "@/db/schema";
import { dayBounds } from "@/lib/billing/cycle";
import { BOM, csvHeader, csvRow, type CsvColumn } from "@/lib/exports/csv";
import type { CsvHeaderWords } from "@/lib/exports/headers";
import { textStream } from "@/lib/exports/stream";
import { toFixedString } from "@/lib/money";
import { getAccount } from "./account";
import { ledgerEntryView, newestAfter, newestPage, NEXT_TOKEN } from "./api-views";
import { type Caller } from "./caller";
import { parseInput } from "./validate";
import type { CsvExport } from "./views/exports";

export const LEDGER_TYPES = ["top_up", "deduction", "refund", "adjustment"] as const;

/** Filters come from URL search params: a bad value is a 400, an empty one means "any". */
export const ledgerFilters = z.object({
  type: z.enum(LEDGER_TYPES).optional(),
  from: z.iso.date({ message: "must be a date YYYY-MM-DD" }).optional(),
  to: z.iso.date({ message: "must be a date YYYY-MM-DD" }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
  nextToken: NEXT_TOKEN,
});
export type LedgerFilters = z.input<typeof ledgerFilters>;

type Filters = z.output<typeof ledgerFilters>;

/** The entries matching the filters (not the page token): shared by the page and its count. */
function ledgerWhere(accountId: string, timeZone: string, f: Filters): SQL[] {
  const where: SQL[] = [eq(ledgerEntries.accountId, accountId)];
  if (f.type) where.push(eq(ledgerEntries.entryType, f.type));
  if (f.from) where.push(gte(ledgerEntries.at, dayBounds(f.from, timeZone).start));
  if (f.to) where.push(lt(ledgerEntries.at, dayBounds(f.to, timeZone).end));
  return where;
}

async function ledgerRows(accountId: string, timeZone: string, f: Filters, limit: number) {
  const where = ledgerWhere(accountId, timeZone, f);
  const after = newestAfter(f.nextToken, ledgerEntries.at, ledgerEntries.id);
  if (after) where.push(after);
  return (await getDb())
    .select()
    .from(ledgerEntries)
    .where(and(...where))
    .orderBy(desc(ledgerEntries.at), desc(ledgerEntries.id))
    .limit(limit);
}

/** The account's ledger, newest first; `from`/`to` are inclusive days in the account's time zone. */
export async function listLedger(caller: Caller, input: unknown = {}, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const f = parseInput(ledgerFilters, input);
  return { account, filters: f, rows: await ledgerRows(account.id, account.timeZone, f, f.limit) };
}

/** GET /api/v1/account/ledger: a page of entries, newest first, in the list envelope. */
export async function ledgerPage(caller: Caller, input: unknown = {}, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const f = parseInput(ledgerFilters, input);
  // One row beyond the page says whether there is a next one (the limit itself may be the largest allowed).
  const rows = await ledgerRows(account.id, account.timeZone, f, f.limit + 1);
  const [{ n }] = await (await getDb()).select({ n: count() }).from(ledgerEntries).where(and(...ledgerWhere(account.id, account.timeZone, f)));
  return newestPage(rows, f.limit, (r) => ({ at: r.at, id: r.id }), ledgerEntryView, n);
}

type LedgerRow = Awaited<ReturnType<typeof ledgerRows>>[number];
type LedgerField = keyof CsvHeaderWords["ledger"];
const LEDGER_COLUMNS: (Omit<CsvColumn<LedgerRow>, "header"> & { field: LedgerField })[] = [
  { field: "at", kind: "text", value: (r) => r.at.toISOString() },
  { field: "type", kind: "text", value: (r) => r.entryType },
  { field: "amount", kind: "amount", value: (r) => toFixedString(r.amount) },
  { field: "currency", kind: "text", value: (r) => r.currency },
  { field: "referenceType", kind: "text", value: (r) => r.referenceType },
  { field: "referenceId", kind: "text", value: (r) => r.referenceId },
  { field: "memo", kind: "text", value: (r) => r.memo },
  { field: "id", kind: "text", value: (r) => r.id },
];
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The filtered ledger (up to 5,000 entries) through the same CSV writer as
 * every other export. The header row is the field names (at, type, amount, …)
 * unless `words` gives it in a language (the console's export); cells are the
 * same either way: ISO instants, dot-decimal amounts.
 */
export async function ledgerExport(caller: Caller, input: unknown = {}, accountId?: string, words?: CsvHeaderWords): Promise<CsvExport> {
  const { rows } = await listLedger(caller, { limit: 5000, ...(input as object) }, accountId);
  const columns = LEDGER_COLUMNS.map((c) => ({ ...c, header: words ? words.ledger[c.field] : snake(c.field) }));
  return {
    filename: "ledger.csv",
    body: textStream(async (write) => write(BOM + csvHeader(columns) + rows.map((r) => csvRow(columns, r)).join(""))),
  };
}
