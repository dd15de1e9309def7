import "server-only";
// The API's shapes for orders and ledger entries, and the one envelope every
// list answers with: { data, nextToken, totalCount } (plus totals where the
// rows carry amounts worth summing). Money leaves as a string with exactly 2
// decimals, whatever scale the column stores.
import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { LedgerEntry, Order } from "@/db/schema";
import { BadRequestError } from "@/lib/errors";
import { toFixedString } from "@/lib/money";

export interface ListEnvelope<T> {
  data: T[];
  /** Pass back as nextToken for the next page; null on the last page. */
  nextToken: string | null;
  /** Rows matching the query over all pages. */
  totalCount: number;
}

export function orderView(o: Order) {
  return {
    id: o.id,
    orderNo: o.orderNo,
    instanceId: o.instanceId,
    productId: o.productId,
    orderType: o.orderType,
    spec: o.spec,
    months: o.months,
    instanceCount: o.instanceCount,
    termStart: o.termStart?.toISOString() ?? null,
    termEnd: o.termEnd?.toISOString() ?? null,
    originalAmount: toFixedString(o.originalAmount),
    discountAmount: toFixedString(o.discountAmount),
    payableAmount: toFixedString(o.payableAmount),
    paidAmount: toFixedString(o.paidAmount),
    status: o.status,
    createdAt: o.createdAt.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
  };
}

export function ledgerEntryView(r: LedgerEntry) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    type: r.entryType,
    amount: toFixedString(r.amount),
    currency: r.currency,
    referenceType: r.referenceType,
    referenceId: r.referenceId,
    memo: r.memo,
  };
}

// ── Newest-first keyset pages (orders, ledger) ───────────────────────────────

const cursor = z.object({ t: z.iso.datetime(), i: z.string() });

export const NEXT_TOKEN = z.string().max(500, "is too long").optional();

/** Rows after the token's (instant, id), newest first. */
export function newestAfter(token: string | undefined, at: PgColumn, id: PgColumn): SQL | undefined {
  if (!token) return undefined;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    // falls through to the error below
  }
  const c = cursor.safeParse(parsed);
  if (!c.success) throw new BadRequestError("nextToken: is not a token from this listing; start again without it.");
  const t = new Date(c.data.t);
  return or(lt(at, t), and(eq(at, t), lt(id, c.data.i)));
}

/** A page from limit + 1 rows fetched newest first. */
export function newestPage<R, T>(rows: R[], limit: number, key: (r: R) => { at: Date; id: string }, view: (r: R) => T, totalCount: number): ListEnvelope<T> {
  const more = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  const k = last && key(last);
  return {
    data: data.map(view),
    nextToken: more && k ? Buffer.from(JSON.stringify({ t: k.at.toISOString(), i: k.id })).toString("base64url") : null,
    totalCount,
  };
}

/** A list short enough to answer whole, in the same envelope. */
export function wholeList<T>(data: T[]): ListEnvelope<T> {
  return { data, nextToken: null, totalCount: data.length };
}
