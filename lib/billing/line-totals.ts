// The kept totals of bill_lines (bill_line_totals, bill_line_instance_totals, bill_line_tag_totals;
// docs/scaling.md#kept-bill-line-totals): the one place that writes them.
//
// Every statement that writes bill_lines runs through keepLineTotals with the
// ids of the lines it may touch. The lines' groups are summed before and after
// the write (primary-key look-ups, never a scan of the cycle) and the difference
// is added to the kept rows, in the same transaction — so the totals always equal
// a GROUP BY over bill_lines, whatever the write changed (amounts, day, detail,
// name, or the line itself). Sums are of amounts rounded to cents, as the views
// total them. A group whose count reaches 0 is deleted.
//
// Concurrent writers of one account's lines are serialised by the account's
// lock (lib/db-lock); the kept rows themselves are updated with row locks, so
// even unserialised writers of different lines add up correctly.
import { sql, type SQL } from "drizzle-orm";
import { query, type DbOrTx } from "@/db/client";

/** The bill_lines money columns the views total. */
export const LINE_AMOUNT_COLUMNS = [
  "original_amount",
  "discount_amount",
  "pretax_amount",
  "deducted_by_resource_plan",
  "deducted_by_coupons",
  "deducted_by_vouchers",
  "paid_from_balance",
  "outstanding_amount",
] as const;

/** Each kept table and the bill_lines columns it groups by (after account_id). */
export const KEPT_TABLES = {
  bill_line_totals: ["billing_cycle", "bill_date", "product_id", "billing_method", "line_type", "region_id", "billable_item_id", "product_detail"],
  bill_line_instance_totals: ["billing_cycle", "instance_id", "product_id", "region_id", "billing_method", "instance_name"],
  bill_line_tag_totals: ["billing_cycle", "resource_group", "tags_hash", "tags"],
} as const;
type KeptTable = keyof typeof KEPT_TABLES;

const SUM_EXPRS = LINE_AMOUNT_COLUMNS.map((c) => `sum(round(bl.${c}, 2))`);
const VALUE_COLS = ["line_count", ...LINE_AMOUNT_COLUMNS];
/**
 * A key column as text from bill_lines: a day as YYYY-MM-DD (whatever the driver
 * makes of dates), no resource group as '', the tag set and its md5.
 */
const DERIVED: Record<string, (alias: string) => string> = {
  bill_date: (a) => `to_char(${a}.bill_date, 'YYYY-MM-DD')`,
  resource_group: (a) => `coalesce(${a}.resource_group, '')`,
  tags_hash: (a) => `md5(${a}.tags::text)`,
  tags: (a) => `${a}.tags::text`,
};
const asText = (c: string, alias: string) => DERIVED[c]?.(alias) ?? `${alias}.${c}`;
/** A kept key column's value computed from a bill_lines row aliased `alias`, as text. */
export const keyFromLine = asText;
const fromText = (c: string) => (c === "bill_date" ? `d.${c}::date` : c === "tags" ? `d.${c}::jsonb` : `d.${c}`);
/** Carried along with its group, not part of the key: the tag set (its md5 is the key). */
const CARRIED = new Set<string>(["tags"]);
const conflictKeys = (table: KeptTable) => KEPT_TABLES[table].filter((c) => !CARRIED.has(c));

type GroupRow = Record<string, string>;

const TABLES = Object.keys(KEPT_TABLES) as KeptTable[];
const ALL_KEYS = [...new Set(TABLES.flatMap((t) => KEPT_TABLES[t]))];
/** A column only that table groups by (one per table): grouping() of them tells the sets apart. */
const OWN_KEY: Record<KeptTable, string> = { bill_line_totals: "bill_date", bill_line_instance_totals: "instance_id", bill_line_tag_totals: "tags_hash" };

/**
 * The groups of the lines with these ids, for both kept tables in one pass
 * (GROUPING SETS): key columns, line_count and sums, all as text.
 */
async function groupsOf(tx: DbOrTx, accountId: string, ids: string[]): Promise<Map<KeptTable, GroupRow[]>> {
  // grouping(a, b, c) sets bit (2 - i) when the i-th is not grouped: each set leaves exactly its own key grouped.
  const cols = [
    `grouping(${TABLES.map((t) => asText(OWN_KEY[t], "bl")).join(", ")}) AS set`,
    ...ALL_KEYS.map((c) => `${asText(c, "bl")} AS ${c}`),
    "count(*)::text AS line_count",
    ...SUM_EXPRS.map((e, i) => `${e}::text AS ${LINE_AMOUNT_COLUMNS[i]}`),
  ];
  const sets = TABLES.map((t) => `(${KEPT_TABLES[t].map((c) => asText(c, "bl")).join(", ")})`).join(", ");
  const rows = await query<GroupRow & { set: number }>(
    tx,
    sql`SELECT ${sql.raw(cols.join(", "))}
      FROM bill_lines bl WHERE bl.account_id = ${accountId} AND bl.id IN (SELECT json_array_elements_text(${JSON.stringify(ids)}::json))
      GROUP BY GROUPING SETS (${sql.raw(sets)})`,
  );
  const out = new Map<KeptTable, GroupRow[]>(TABLES.map((t) => [t, []]));
  const bitsOf = (t: KeptTable) => TABLES.reduce((bits, other, i) => (other === t ? bits : bits | (1 << (TABLES.length - 1 - i))), 0);
  const bySet = new Map(TABLES.map((t) => [bitsOf(t), t]));
  for (const r of rows) {
    const table = bySet.get(Number(r.set))!;
    out.get(table)!.push(Object.fromEntries(["line_count", ...LINE_AMOUNT_COLUMNS, ...KEPT_TABLES[table]].map((c) => [c, r[c]])));
  }
  return out;
}

/** Adds `after − before` of each group to the kept table; deletes the groups left empty. */
async function applyDelta(tx: DbOrTx, table: KeptTable, accountId: string, before: GroupRow[], after: GroupRow[]) {
  if (!before.length && !after.length) return;
  const keys = KEPT_TABLES[table];
  const delta = JSON.stringify([...after.map((r) => ({ ...r, sign: 1 })), ...before.map((r) => ({ ...r, sign: -1 }))]);
  const rows = sql`json_to_recordset(${delta}::json) AS d(${sql.raw([...keys.map((c) => `${c} text`), ...VALUE_COLS.map((c) => `${c} numeric`), "sign int"].join(", "))})`;
  const keyList = keys.join(", ");
  const conflictList = conflictKeys(table).join(", ");
  const sums = VALUE_COLS.map((c) => `sum(d.sign * d.${c})${c === "line_count" ? "::bigint" : ""}`).join(", ");
  const set = VALUE_COLS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(", ");
  await tx.execute(sql`INSERT INTO ${sql.raw(table)} (account_id, ${sql.raw(keyList)}, ${sql.raw(VALUE_COLS.join(", "))})
    SELECT ${accountId}, ${sql.raw(keys.map(fromText).join(", "))}, ${sql.raw(sums)} FROM ${rows}
    GROUP BY ${sql.raw(keys.map((c) => `d.${c}`).join(", "))}
    HAVING ${sql.raw(VALUE_COLS.map((c) => `sum(d.sign * d.${c}) <> 0`).join(" OR "))}
    ON CONFLICT (account_id, ${sql.raw(conflictList)}) DO UPDATE SET ${sql.raw(set)}`);
  // Only a group that lost lines can be left empty.
  const net = new Map<string, number>();
  for (const [rows, sign] of [[after, 1], [before, -1]] as const) {
    for (const r of rows) {
      const k = JSON.stringify(conflictKeys(table).map((c) => r[c]));
      net.set(k, (net.get(k) ?? 0) + sign * Number(r.line_count));
    }
  }
  if (![...net.values()].some((n) => n < 0)) return;
  const match = conflictKeys(table);
  await tx.execute(sql`DELETE FROM ${sql.raw(table)} t USING (SELECT DISTINCT ${sql.raw(match.map((c) => `${fromText(c)} AS ${c}`).join(", "))} FROM ${rows}) k
    WHERE t.account_id = ${accountId} AND t.line_count = 0 AND ${sql.raw(match.map((c) => `t.${c} = k.${c}`).join(" AND "))}`);
}

const emptyGroups = () => new Map<KeptTable, GroupRow[]>(TABLES.map((t) => [t, []]));

/** The groups of `ids` (chunked), added to `into`. */
async function collectGroups(tx: DbOrTx, accountId: string, ids: string[], into = emptyGroups()) {
  for (let i = 0; i < ids.length; i += 5000) for (const [t, rows] of await groupsOf(tx, accountId, ids.slice(i, i + 5000))) into.get(t)!.push(...rows);
  return into;
}

/** The three tables are independent: their writes go out together (pipelined on the transaction's connection). */
async function applyAll(tx: DbOrTx, accountId: string, before: Map<KeptTable, GroupRow[]>, after: Map<KeptTable, GroupRow[]>) {
  await Promise.all(TABLES.map((table) => applyDelta(tx, table, accountId, before.get(table)!, after.get(table)!)));
}

/**
 * An open deferral (deferLineTotals): the ids of the lines written inside it, each with its groups
 * as they were before the first write that could touch it.
 */
interface Deferral {
  accountId: string;
  ids: Set<string>;
  before: Map<KeptTable, GroupRow[]>;
}
const deferrals = new WeakMap<object, Deferral>();

/** Joins `ids` to the deferral: the ones new to it have their groups read now, before any write touches them. */
function join(tx: DbOrTx, d: Deferral, ids: readonly string[]): Promise<unknown> {
  const fresh = [...new Set(ids)].filter((id) => !d.ids.has(id));
  if (!fresh.length) return Promise.resolve();
  // Marked at once: a later call in the same turn must not read them again (the read is sent first,
  // and a transaction's statements run in the order sent).
  for (const id of fresh) d.ids.add(id);
  return collectGroups(tx, d.accountId, fresh, d.before);
}

/**
 * Runs `work` with the kept totals of the account's bill_lines writes deferred to its end: every
 * keepLineTotals call inside (same transaction, same account) reads the groups of the lines it may
 * touch that the deferral has not seen yet, and when `work` is done the groups of all of them are
 * read once more and the difference is added once. Exact for the same reason keepLineTotals is —
 * each line's groups are read before any write in the deferral touched it and after the last —
 * and one pass instead of one per write (the billing jobs rate and then settle the same lines).
 * Inside, the kept totals lag bill_lines: nothing in `work` may read them. An error from `work`
 * leaves them unkept: the transaction must roll back (as a failed statement forces anyway).
 */
export async function deferLineTotals<T>(tx: DbOrTx, accountId: string, work: () => Promise<T>): Promise<T> {
  // Nested: the outer deferral keeps them.
  if (deferrals.has(tx)) return work();
  const d: Deferral = { accountId, ids: new Set(), before: emptyGroups() };
  deferrals.set(tx, d);
  let result: T;
  try {
    result = await work();
  } finally {
    deferrals.delete(tx);
  }
  if (d.ids.size) await applyAll(tx, accountId, d.before, await collectGroups(tx, accountId, [...d.ids]));
  return result;
}

/**
 * Inside deferLineTotals: reads the groups of lines that writes will touch, returning the read
 * unawaited so the caller can send it with its own reads (one round trip). Elsewhere: nothing to do.
 */
export function preloadLineTotals(tx: DbOrTx, accountId: string, ids: readonly string[]): Promise<unknown> {
  const d = deferrals.get(tx);
  return d && d.accountId === accountId ? join(tx, d, ids) : Promise.resolve();
}

/**
 * Runs `write` (statements on bill_lines that touch at most the lines `ids`) and
 * keeps the totals of those lines' groups, in the caller's transaction (inside
 * deferLineTotals: when it ends).
 */
export async function keepLineTotals<T>(tx: DbOrTx, accountId: string, ids: readonly string[], write: () => Promise<T>): Promise<T> {
  const d = deferrals.get(tx);
  if (d && d.accountId === accountId) {
    await join(tx, d, ids);
    return write();
  }
  const unique = [...new Set(ids)];
  if (!unique.length) return write();
  const before = await collectGroups(tx, accountId, unique);
  const result = await write();
  await applyAll(tx, accountId, before, await collectGroups(tx, accountId, unique));
  return result;
}

/**
 * What the account's bill lines still owe, Σ outstanding_amount over lines with
 * outstanding_amount > 0, from the kept totals. Equal, not approximate: every
 * writer of outstanding_amount stores a 2-dp amount (settlement rounds it once)
 * that is never negative (a payment never exceeds what a line owes, a credit
 * line owes 0), so the kept sums of round(x, 2) over all lines are the same sum.
 */
export function keptOutstanding(accountId: string): SQL {
  return sql`(SELECT coalesce(sum(t.outstanding_amount), 0) FROM bill_line_totals t WHERE t.account_id = ${accountId})`;
}
