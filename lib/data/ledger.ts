import "server-only";
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ledgerEntries } from "@/db/schema";
import { dayBounds } from "@/lib/billing/cycle";
import { BOM, csvHeader, csvRow, type CsvColumn } from "@/lib/exports/csv";
import { textStream } from "@/lib/exports/stream";
import { toFixedString } from "@/lib/money";
import { getAccount } from "./account";
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
});
export type LedgerFilters = z.input<typeof ledgerFilters>;

/** The account's ledger, newest first; `from`/`to` are inclusive days in the account's time zone. */
export async function listLedger(caller: Caller, input: unknown = {}, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const f = parseInput(ledgerFilters, input);
  const where: SQL[] = [eq(ledgerEntries.accountId, account.id)];
  if (f.type) where.push(eq(ledgerEntries.entryType, f.type));
  if (f.from) where.push(gte(ledgerEntries.at, dayBounds(f.from, account.timeZone).start));
  if (f.to) where.push(lt(ledgerEntries.at, dayBounds(f.to, account.timeZone).end));
  const db = await getDb();
  const rows = await db
    .select()
    .from(ledgerEntries)
    .where(and(...where))
    .orderBy(desc(ledgerEntries.at), desc(ledgerEntries.id))
    .limit(f.limit);
  return { account, filters: f, rows };
}

type LedgerRow = Awaited<ReturnType<typeof listLedger>>["rows"][number];
const LEDGER_COLUMNS: CsvColumn<LedgerRow>[] = [
  { header: "at", kind: "text", value: (r) => r.at.toISOString() },
  { header: "type", kind: "text", value: (r) => r.entryType },
  { header: "amount", kind: "amount", value: (r) => toFixedString(r.amount) },
  { header: "currency", kind: "text", value: (r) => r.currency },
  { header: "reference_type", kind: "text", value: (r) => r.referenceType },
  { header: "reference_id", kind: "text", value: (r) => r.referenceId },
  { header: "memo", kind: "text", value: (r) => r.memo },
  { header: "id", kind: "text", value: (r) => r.id },
];

/** The filtered ledger (up to 5,000 entries) through the same CSV writer as every other export. */
export async function ledgerExport(caller: Caller, input: unknown = {}, accountId?: string): Promise<CsvExport> {
  const { rows } = await listLedger(caller, { limit: 5000, ...(input as object) }, accountId);
  return {
    filename: "ledger.csv",
    body: textStream(async (write) => write(BOM + csvHeader(LEDGER_COLUMNS) + rows.map((r) => csvRow(LEDGER_COLUMNS, r)).join(""))),
  };
}
