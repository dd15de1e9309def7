import "server-only";
import { and, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ledgerEntries } from "@/db/schema";
import { dayBounds } from "@/lib/billing/cycle";
import { toFixedString } from "@/lib/money";
import { getAccount } from "./account";
import { ledgerEntryView, newestAfter, newestPage, NEXT_TOKEN } from "./api-views";
import { type Caller } from "./caller";
import { parseInput } from "./validate";

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

/** The account's ledger, newest first; `from`/`to` are inclusive days in the account's time zone. */
export async function listLedger(caller: Caller, input: unknown = {}, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const f = parseInput(ledgerFilters, input);
  const where: SQL[] = [eq(ledgerEntries.accountId, account.id)];
  if (f.type) where.push(eq(ledgerEntries.entryType, f.type));
  if (f.from) where.push(gte(ledgerEntries.at, dayBounds(f.from, account.timeZone).start));
  if (f.to) where.push(lt(ledgerEntries.at, dayBounds(f.to, account.timeZone).end));
  const after = newestAfter(f.nextToken, ledgerEntries.at, ledgerEntries.id);
  if (after) where.push(after);
  const db = await getDb();
  const rows = await db
    .select()
    .from(ledgerEntries)
    .where(and(...where))
    .orderBy(desc(ledgerEntries.at), desc(ledgerEntries.id))
    .limit(f.limit);
  return { account, filters: f, rows };
}

/** GET /api/v1/account/ledger: a page of entries, newest first, in the list envelope. */
export async function ledgerPage(caller: Caller, input: unknown = {}, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const f = parseInput(ledgerFilters, input);
  const { rows } = await listLedger(caller, { ...f, limit: f.limit + 1 }, account.id);
  const where: SQL[] = [eq(ledgerEntries.accountId, account.id)];
  if (f.type) where.push(eq(ledgerEntries.entryType, f.type));
  if (f.from) where.push(gte(ledgerEntries.at, dayBounds(f.from, account.timeZone).start));
  if (f.to) where.push(lt(ledgerEntries.at, dayBounds(f.to, account.timeZone).end));
  const [{ n }] = await (await getDb()).select({ n: count() }).from(ledgerEntries).where(and(...where));
  return newestPage(rows, f.limit, (r) => ({ at: r.at, id: r.id }), ledgerEntryView, n);
}

export async function ledgerCsv(caller: Caller, input: unknown = {}, accountId?: string): Promise<string> {
  const { rows } = await listLedger(caller, { limit: 5000, ...(input as object) }, accountId);
  return stringify(
    rows.map((r) => [r.at.toISOString(), r.entryType, toFixedString(r.amount), r.currency, r.referenceType ?? "", r.referenceId ?? "", r.memo, r.id]),
    { header: true, columns: ["at", "type", "amount", "currency", "reference_type", "reference_id", "memo", "id"] },
  );
}
