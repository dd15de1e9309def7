// Rating against the database: turns an account's usage and lifecycle into
// bill lines up to `now` with the pure rules of ./rules, dispatched by each
// catalog item's rule. The engine reads what each rule selects (instances,
// usage per day, usage per instant, stored intervals united per layer); the rule prices it. Lines carry
// deterministic ids, so rating again over the same inputs upserts identical
// lines, whatever order the records arrived in. Settled lines are final and
// never rewritten; unsettled lines that no longer follow from the inputs go.
import { emitEvent } from "@/lib/webhooks/outbox";
import { and, eq, inArray, isNull, not, sql } from "drizzle-orm";
import { query, type Tx } from "@/db/client";
import { billLinePeriods, billLines, bills, instances, type Account, type BillingMethod, type Instance } from "@/db/schema";
import { keepLineTotals, preloadLineTotals } from "./line-totals";
import { dec, toFixedString, ZERO } from "@/lib/money";
import type Decimal from "decimal.js";
import { findPrice, type Catalog, type CatalogItem, type Rule } from "./catalog";
import { billIdOf, cycleBounds, cycleOf, dayBounds, dayOf, type Day } from "./cycle";
import type { DailyUsage, LineDraft, PeriodDraft, RuleCtx, Selection, UsageEvent, UsageLayer } from "./rules/contract";
import type { Network } from "./rules/egress-tiered";
import { RATING_RULES, ratingRule } from "./rules/index";
import { allocationAt, loadAllocations, type Assignment } from "./tags";

type LineInsert = typeof billLines.$inferInsert;
type PeriodInsert = typeof billLinePeriods.$inferInsert;

interface Ctx {
  account: Account;
  catalog: Catalog;
  now: Date;
  tz: string;
  lines: Map<string, LineInsert>;
  /** The charge periods behind day lines, by period id. */
  periods: Map<string, PeriodInsert>;
  /** Each instance's tag and resource-group history, oldest first. */
  allocations: Map<string, Assignment[]>;
  days: Map<Day, { cycle: string; start: Date; end: Date }>;
}

/**
 * `known.instances`: every instance of the account as the caller has just read
 * it in this transaction (the billing jobs), so it is not read again;
 * `known.periods` false: the account has no bill_line_periods row.
 * `periods` is how many charge periods were written (still open).
 */
export async function rateAccount(
  tx: Tx,
  account: Account,
  catalog: Catalog,
  now: Date,
  known: { instances?: Instance[]; periods?: boolean } = {},
): Promise<{ lines: number; removed: number; periods: number }> {
  // Sent together: statements of one transaction run in order on its connection, so they
  // go out as one batch (pipelined) and cost one round trip, not five.
  const [allocations, rows] = await Promise.all([loadAllocations(tx, account.id), selectRows(tx, account, now, known.instances)]);
  const ctx: Ctx = { account, catalog, now, tz: account.timeZone, lines: new Map(), periods: new Map(), allocations, days: new Map() };
  const ruleCtx: RuleCtx = {
    tz: ctx.tz,
    now,
    currency: account.currency,
    price: (inst, item, at) => findPrice(catalog, { itemId: item.id, regionId: inst.regionId, spec: inst.spec, billingMethod: "payg", currency: account.currency, at }),
  };
  // Every catalog item is rated by the module its rule names, with the rows that rule selects.
  for (const item of catalog.items) {
    const rule = ratingRule(item.rule);
    if (rule.select === "none") continue;
    const input = rule.select === "instances" ? rows.instances.get(item.productId) : rows[rule.select].get(item.id);
    if (!input?.length) continue;
    const out = rule.rate(ruleCtx, item, input as never[]);
    for (const d of out.lines) addLine(ctx, item, d);
    for (const p of out.periods ?? []) addPeriod(ctx, item, p);
  }

  const { removed, keys } = await writeLines(tx, ctx);
  const periods = await writePeriods(tx, ctx, known.periods === false);
  await ensureBills(tx, ctx, keys);
  return { lines: ctx.lines.size, removed, periods };
}

// ── Selecting what the rules rate ────────────────────────────────────────────

export interface Rows {
  /** By product id. */
  instances: Map<string, Instance[]>;
  /** By item id. */
  "daily-usage": Map<string, DailyUsage[]>;
  "usage-instants": Map<string, UsageEvent[]>;
  "usage-layers": Map<string, UsageLayer[]>;
}

const push = <T>(m: Map<string, T[]>, key: string, v: T) => {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
};

/** The rule names that select `s`, as SQL, so each query reads only its rules' usage. */
function rulesSelecting(s: Selection) {
  const names = (Object.keys(RATING_RULES) as Rule[]).filter((r) => RATING_RULES[r].select === s);
  return sql.join(names.map((n) => sql`${n}`), sql`, `);
}

/** What each rule reads, by selection (exported for the tests that hold the SQL to the rules' references). */
export async function selectRows(tx: Tx, account: Account, now: Date, known?: Instance[]): Promise<Rows> {
  const out: Rows = { instances: new Map(), "daily-usage": new Map(), "usage-instants": new Map(), "usage-layers": new Map() };
  const until = now.toISOString();
  const [, insts, daily, events, , layers] = await Promise.all([
    // For this transaction: a large account's aggregations and sorts stay in memory (4 MB by default).
    tx.execute(sql`set local work_mem = '64MB'`),
    known ?? tx.select().from(instances).where(eq(instances.accountId, account.id)),
    query<{ instance_id: string; item_id: string; day: string; network: string | null; quantity: string }>(
      tx,
      // Grouped by the local date (4 bytes, no per-row formatting); written as text once per group.
      sql`select instance_id, item_id, to_char(day, 'YYYY-MM-DD') as day, network, quantity from (
            select u.instance_id, u.item_id, (u.start_at at time zone ${account.timeZone})::date as day,
                   u.attributes->>'network' as network, sum(u.quantity)::text as quantity
            from usage_records u join billable_items b on b.id = u.item_id
            where u.account_id = ${account.id} and u.start_at <= ${until}::timestamptz and b.rule in (${rulesSelecting("daily-usage")})
            group by 1, 2, 3, 4) d`,
    ),
    query<{ id: string; instance_id: string; item_id: string; start_at: Date | string; quantity: string }>(
      tx,
      // Records that share an instance and an instant are priced alike: summed here, so each
      // instant travels once (metering sends scans by the hour or minute).
      sql`select min(u.id collate "C") as id, u.instance_id, u.item_id, u.start_at, sum(u.quantity)::text as quantity
          from usage_records u join billable_items b on b.id = u.item_id
          where u.account_id = ${account.id} and u.start_at <= ${until}::timestamptz and b.rule in (${rulesSelecting("usage-instants")})
          group by u.instance_id, u.item_id, u.start_at`,
    ),
    // Hashed, not sorted: the planner prices range_agg's state at 8 kB a group and would sort
    // every sample by its text keys; the real state is a few hundred bytes a layer.
    tx.execute(sql`set local enable_sort = off`),
    query<{ instance_id: string; item_id: string; digest: string; bytes: string; bad_bytes: boolean; backwards: boolean; open: boolean; spans: string | null }>(
      tx,
      // Each layer's samples united here (range_agg merges overlapping and touching spans):
      // one row a layer, its stretches as epoch ms in one text, instead of a row a sample.
      // Spans are clipped at `until` and cut to whole milliseconds, as the instants the rule
      // sees; date_part's float epoch of a whole millisecond is within a microsecond of it, so
      // round() gives it exactly (cheaper than numeric extract). Sizes are checked whole and
      // ≥ 0 once a layer where they can be (trunc only for a fraction written out); a size that
      // is not a number (never stored by ingest) fails the statement.
      sql`select instance_id, item_id, digest, coalesce(max_bytes::text, '0') as bytes, bad_bytes, backwards, open,
                 (select string_agg(round(date_part('epoch', lower(r)) * 1000)::bigint || ',' || round(date_part('epoch', upper(r)) * 1000)::bigint, ',')
                  from unnest(spans) r) as spans
          from (
            select instance_id, item_id, digest, max(bytes) as max_bytes,
                   coalesce(min(bytes) < 0 or bool_or(case when scale(bytes) > 0 then bytes <> trunc(bytes) else false end), false) as bad_bytes,
                   bool_or(e < s) as backwards,
                   bool_or(e > ${until}::timestamptz and s < ${until}::timestamptz) as open,
                   range_agg(tstzrange(s, greatest(s, least(e, ${until}::timestamptz)))) as spans
            from (
              select u.instance_id, u.item_id, coalesce(u.attributes->>'layerDigest', '') as digest, (u.attributes->>'bytes')::numeric as bytes,
                     date_trunc('milliseconds', u.start_at) as s, date_trunc('milliseconds', u.end_at) as e
              from usage_records u join billable_items b on b.id = u.item_id
              where u.account_id = ${account.id} and u.start_at <= ${until}::timestamptz and b.rule in (${rulesSelecting("usage-layers")})
            ) u
            group by 1, 2, 3
          ) g`,
    ),
    tx.execute(sql`set local enable_sort to default`),
  ]);
  const byId = new Map(insts.map((i) => [i.id, i]));
  for (const inst of insts) if (inst.createdAt <= now) push(out.instances, inst.productId, inst);
  for (const r of daily) {
    const inst = byId.get(r.instance_id);
    if (inst) push(out["daily-usage"], r.item_id, { inst, day: r.day, network: r.network as Network | null, quantity: dec(r.quantity) });
  }

  for (const r of events) {
    const inst = byId.get(r.instance_id);
    if (inst) push(out["usage-instants"], r.item_id, { inst, id: r.id, at: new Date(r.start_at), quantity: dec(r.quantity) });
  }

  for (const r of layers) {
    const inst = byId.get(r.instance_id);
    const spans = r.spans ? r.spans.split(",").map(Number) : [];
    if (inst) push(out["usage-layers"], r.item_id, { inst, digest: r.digest, bytes: r.bytes, badBytes: r.bad_bytes, backwards: r.backwards, spans, open: r.open });
  }
  return out;
}

// ── Line construction ────────────────────────────────────────────────────────

function lineId(inst: Instance, item: CatalogItem, day: Day, keySuffix = "") {
  return `${inst.id}|${item.id}|${day}${keySuffix}`;
}

/** A day's cycle and bounds, worked out once per rating (every instance and item has a line that day). */
function dayInfo(ctx: Ctx, day: Day): { cycle: string; start: Date; end: Date } {
  let info = ctx.days.get(day);
  if (!info) {
    const { start, end } = dayBounds(day, ctx.tz);
    ctx.days.set(day, (info = { cycle: cycleOf(start, ctx.tz), start, end }));
  }
  return info;
}

function addLine(ctx: Ctx, item: CatalogItem, d: LineDraft) {
  const { inst, day, billingMethod } = d;
  const { cycle, start, end } = dayInfo(ctx, day);
  // The tags in force when the line's day starts (docs/tags.md#which-tags-a-line-carries).
  const { tags, resourceGroup } = allocationAt(ctx.allocations.get(inst.id) ?? [], start);
  const line: LineInsert = {
    accountId: ctx.account.id,
    id: lineId(inst, item, day, d.keySuffix),
    billId: billIdOf(cycle, inst.productId, billingMethod),
    billingCycle: cycle,
    billDate: day,
    lineType: "usage",
    productId: inst.productId,
    productDetail: d.productDetail ?? (inst.spec ? `${item.name} (${inst.spec})` : item.name),
    instanceId: inst.id,
    instanceName: inst.name,
    regionId: inst.regionId,
    billingMethod,
    billableItemId: item.id,
    usageQuantity: d.quantity.toFixed(6),
    usageUnit: d.usageUnit ?? item.usageUnit,
    unitPrice: d.unitPrice.toFixed(6),
    priceUnit: `${ctx.account.currency}/${d.priceUnit ?? item.usageUnit}`,
    priceId: d.priceId,
    originalAmount: toFixedString(d.amount),
    discountAmount: "0",
    pretaxAmount: toFixedString(d.amount),
    currency: ctx.account.currency,
    // A day's line falls due when the day ends (settled as it falls due: docs/billing-rules.md#settlement-order).
    dueAt: end,
    ratedAt: ctx.now,
    tags,
    resourceGroup,
  };
  ctx.lines.set(line.id, line);
}

function addPeriod(ctx: Ctx, item: CatalogItem, p: PeriodDraft) {
  const id = `${p.inst.id}|${item.id}|${p.start.toISOString()}`;
  ctx.periods.set(id, {
    accountId: ctx.account.id,
    id,
    lineId: lineId(p.inst, item, p.lineDay, p.keySuffix),
    instanceId: p.inst.id,
    productId: p.inst.productId,
    billableItemId: item.id,
    periodStart: p.start,
    periodEnd: p.end,
    dueAt: p.dueAt,
    reason: p.reason,
    chargedSeconds: p.chargedSeconds,
    instances: p.instances,
    unitPrice: p.unitPrice.toFixed(6),
    amount: toFixedString(p.amount),
    ratedAt: ctx.now,
  });
}

// ── Writing ──────────────────────────────────────────────────────────────────

const AMOUNT_COLUMNS = ["billId", "billingCycle", "billDate", "productDetail", "instanceName", "usageQuantity", "usageUnit", "unitPrice", "priceUnit", "priceId", "originalAmount", "discountAmount", "pretaxAmount", "dueAt", "ratedAt", "tags", "resourceGroup"] as const;

const INSERT_COLUMNS = [
  "accountId", "id", "billId", "billingCycle", "billDate", "lineType", "productId", "productDetail", "instanceId", "instanceName", "regionId",
  "billingMethod", "billableItemId", "usageQuantity", "usageUnit", "unitPrice", "priceUnit", "priceId", "originalAmount", "discountAmount",
  "pretaxAmount", "currency", "dueAt", "ratedAt", "tags", "resourceGroup",
] as const;

/**
 * Upsert lines set-based: each chunk travels as one JSON parameter expanded by
 * json_to_recordset (binding 24 parameters per line costs far more, and caps a
 * statement at ~2,700 lines). Settled lines are final and left as they are.
 */
function upsertLines(tx: Tx, lines: LineInsert[]) {
  const cols = INSERT_COLUMNS.map((c) => billLines[c]);
  const names = sql.raw(cols.map((c) => `"${c.name}"`).join(", "));
  const defs = sql.raw(cols.map((c) => `"${c.name}" ${c.getSQLType()}`).join(", "));
  const set = sql.raw(AMOUNT_COLUMNS.map((c) => `"${billLines[c].name}" = excluded."${billLines[c].name}"`).join(", "));
  const statements = [];
  for (let i = 0; i < lines.length; i += 5000) {
    const rows = lines.slice(i, i + 5000).map((l) =>
      Object.fromEntries(INSERT_COLUMNS.map((c, j) => [cols[j].name, l[c] instanceof Date ? l[c].toISOString() : (l[c] ?? null)])),
    );
    statements.push(
      tx.execute(sql`insert into bill_lines (${names})
        select ${names} from json_to_recordset(${JSON.stringify(rows)}::json) as x(${defs})
        on conflict (account_id, id) do update set ${set} where bill_lines.settled_at is null`),
    );
  }
  return statements;
}

type BillKey = { billing_cycle: string; product_id: string; billing_method: BillingMethod };

/** Writes the lines; returns how many went stale and the bill keys (cycle, product, method) of the lines left. */
async function writeLines(tx: Tx, ctx: Ctx): Promise<{ removed: number; keys: BillKey[] }> {
  // A settled line is final (docs/billing-rules.md#finality-and-adjustments): what the inputs now produce beyond it is billed as a late-usage adjustment.
  // Unsettled usage lines that the inputs no longer produce (e.g. billing stopped at an overdue instant) go.
  // One read of the account's usage lines and late-usage adjustments serves both. Inside the jobs' deferral of
  // the kept totals (lib/billing/line-totals.ts) the groups of the lines rated here are read in the
  // same round trip (the ones added below are read when written).
  const [rows] = await Promise.all([
    query<LineState>(
      tx,
      sql`select id, pretax_amount::text as pretax, usage_quantity::text as quantity, line_type = 'adjustment' as adjustment, settled_at is not null as settled
          from bill_lines
          where account_id = ${ctx.account.id} and id not like 'order|%'
            and (line_type = 'usage' or (line_type = 'adjustment' and id like ${`%${LATE}%`}))`,
    ),
    preloadLineTotals(tx, ctx.account.id, [...ctx.lines.keys()]),
  ]);
  const { write, adjustments, staleAdjustments } = lateUsage(ctx, rows.filter((r) => r.settled || r.adjustment));
  const existing = rows.filter((r) => !r.settled && !r.adjustment);
  const stale = [...existing.map((r) => r.id).filter((id) => !ctx.lines.has(id)), ...staleAdjustments];
  const upserted = [...write, ...adjustments];
  const deletes = () => {
    const out = [];
    for (let i = 0; i < stale.length; i += 1000) {
      const ids = stale.slice(i, i + 1000);
      out.push(tx.execute(sql`delete from bill_lines where account_id = ${ctx.account.id} and settled_at is null and id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`));
    }
    return out;
  };
  // Upserts, deletes, then the bill keys they leave, sent together (one round trip): a
  // transaction's statements run in the order sent, so the keys see the writes. The kept
  // totals follow the upserted lines and the deleted ones (disjoint sets; none deleted: no cost).
  const results = await keepLineTotals(tx, ctx.account.id, upserted.map((l) => l.id), () =>
    keepLineTotals(tx, ctx.account.id, stale, () =>
      Promise.all([
        ...upsertLines(tx, upserted),
        ...deletes(),
        tx.execute(sql`select distinct billing_cycle, product_id, billing_method from bill_lines where account_id = ${ctx.account.id}`),
      ]),
    ),
  );
  const last = results.at(-1) as unknown;
  const keys = (Array.isArray(last) ? last : (last as { rows: BillKey[] }).rows) as BillKey[];
  return { removed: stale.length, keys };
}

/** Upsert the periods; settled ones are final, unsettled ones no longer produced go. Returns how many were written. */
async function writePeriods(tx: Tx, ctx: Ctx, none: boolean): Promise<number> {
  // The caller knows the account has no period rows: with none produced either, there is nothing to write or remove.
  if (none && !ctx.periods.size) return 0;
  // A day line settled as a whole (before its periods were recorded) keeps that
  // settlement: its periods are not written, or settlement would charge them again.
  const lineIds = [...new Set([...ctx.periods.values()].map((p) => p.lineId))];
  const closed = new Set<string>();
  for (let i = 0; i < lineIds.length; i += 1000) {
    const rows = await tx
      .select({ id: billLines.id })
      .from(billLines)
      .where(and(eq(billLines.accountId, ctx.account.id), inArray(billLines.id, lineIds.slice(i, i + 1000)), not(isNull(billLines.settledAt))));
    for (const r of rows) closed.add(r.id);
  }
  const rows = [...ctx.periods.values()].filter((p) => !closed.has(p.lineId));
  for (let i = 0; i < rows.length; i += 1000) {
    await tx
      .insert(billLinePeriods)
      .values(rows.slice(i, i + 1000))
      .onConflictDoUpdate({
        target: [billLinePeriods.accountId, billLinePeriods.id],
        set: Object.fromEntries(
          (["lineId", "periodEnd", "dueAt", "reason", "chargedSeconds", "instances", "unitPrice", "amount", "ratedAt"] as const).map((c) => [
            c,
            sql.raw(`excluded."${billLinePeriods[c].name}"`),
          ]),
        ),
        setWhere: isNull(billLinePeriods.settledAt),
      });
  }
  const existing = await tx
    .select({ id: billLinePeriods.id })
    .from(billLinePeriods)
    .where(and(eq(billLinePeriods.accountId, ctx.account.id), isNull(billLinePeriods.settledAt)));
  const stale = existing.map((r) => r.id).filter((id) => !ctx.periods.has(id));
  for (let i = 0; i < stale.length; i += 1000) {
    await tx
      .delete(billLinePeriods)
      .where(and(eq(billLinePeriods.accountId, ctx.account.id), isNull(billLinePeriods.settledAt), inArray(billLinePeriods.id, stale.slice(i, i + 1000))));
  }
  return rows.length;
}

// ── Late usage: adjustments to settled lines ─────────────────────────────────

const LATE = "|late|";

/**
 * Usage that arrives for a day whose line is already settled must still be
 * billed, without rewriting that line: an adjustment line carries target −
 * (the settled line + its settled adjustments), due when rated. Its id
 * `${baseId}|late|${n}` (n = settled adjustments + 1) is deterministic, so
 * rating again at the same instant rewrites the same line, and once it is
 * settled the difference is zero and nothing more is written. Only a positive
 * difference is billed: a smaller target (a tier shifted by earlier late
 * traffic) would be a credit, which settlement does not take on a line.
 */
/** A usage line or late-usage adjustment as writeLines reads it. */
interface LineState {
  id: string;
  pretax: string;
  quantity: string;
  adjustment: boolean;
  settled: boolean;
}

/** `settled`: the account's settled usage lines and all its late-usage adjustments. */
function lateUsage(ctx: Ctx, settled: LineState[]): { write: LineInsert[]; adjustments: LineInsert[]; staleAdjustments: string[] } {
  if (!settled.length) return { write: [...ctx.lines.values()], adjustments: [], staleAdjustments: [] };
  const done = new Map<string, { pretax: Decimal; quantity: Decimal; n: number }>();
  const pending: string[] = [];
  for (const r of settled.filter((r) => !r.adjustment)) done.set(r.id, { pretax: dec(r.pretax), quantity: dec(r.quantity), n: 0 });
  for (const r of settled.filter((r) => r.adjustment)) {
    if (!r.settled) {
      pending.push(r.id);
      continue;
    }
    const base = done.get(r.id.slice(0, r.id.lastIndexOf(LATE)));
    if (!base) continue;
    base.pretax = base.pretax.plus(r.pretax);
    base.quantity = base.quantity.plus(r.quantity);
    base.n++;
  }

  const write: LineInsert[] = [];
  const adjustments: LineInsert[] = [];
  for (const line of ctx.lines.values()) {
    const base = done.get(line.id);
    if (!base) {
      write.push(line);
      continue;
    }
    const diff = dec(line.pretaxAmount!).minus(base.pretax);
    // Negative when late usage moved a tier: the adjustment is a credit (settled into the balance).
    if (diff.isZero()) continue;
    const quantity = dec(line.usageQuantity!).minus(base.quantity);
    adjustments.push(adjustmentLine(ctx, line, diff, quantity.lt(0) ? ZERO : quantity, base.n + 1));
  }
  const written = new Set(adjustments.map((a) => a.id));
  return { write, adjustments, staleAdjustments: pending.filter((id) => !written.has(id)) };
}

function adjustmentLine(ctx: Ctx, line: LineInsert, amount: Decimal, quantity: Decimal, n: number): LineInsert {
  // A closed cycle's bills are final: the correction goes into the cycle it is rated in.
  const closed = cycleBounds(line.billingCycle, ctx.tz).end <= ctx.now;
  const billDate = closed ? dayOf(ctx.now, ctx.tz) : line.billDate;
  const cycle = closed ? cycleOf(ctx.now, ctx.tz) : line.billingCycle;
  return {
    ...line,
    id: `${line.id}${LATE}${n}`,
    lineType: "adjustment",
    billId: billIdOf(cycle, line.productId, line.billingMethod),
    billingCycle: cycle,
    billDate,
    productDetail: `${line.productDetail} — late usage for ${line.billDate}`,
    usageQuantity: quantity.toFixed(6),
    originalAmount: toFixedString(amount),
    discountAmount: "0",
    pretaxAmount: toFixedString(amount),
    dueAt: ctx.now,
    ratedAt: ctx.now,
  };
}

/** A bill for every (cycle, product, method) the account's lines have; finished cycles' bills close. */
async function ensureBills(tx: Tx, ctx: Ctx, keys: BillKey[]) {
  if (!keys.length) return;
  const billType = (m: BillingMethod) => (m === "subscription" ? "subscription" : m === "free" ? "free" : "payg");
  // The insert and the closing updates go out together (one round trip), the insert first:
  // a transaction's statements run in the order sent, so new bills of a finished cycle close too.
  const [, ...closing] = await Promise.all([
    tx
      .insert(bills)
      .values(
        keys.map((k) => ({
          accountId: ctx.account.id,
          id: billIdOf(k.billing_cycle, k.product_id, k.billing_method),
          billingCycle: k.billing_cycle,
          productId: k.product_id,
          billingMethod: k.billing_method,
          billType: billType(k.billing_method),
        })),
      )
      .onConflictDoNothing(),
    // A cycle closes after its last day: its bills are final from then on.
    ...[...new Set(keys.map((k) => k.billing_cycle))]
      .filter((cycle) => cycleBounds(cycle, ctx.tz).end <= ctx.now)
      .map((cycle) =>
        tx
          .update(bills)
          .set({ status: "closed", closedAt: cycleBounds(cycle, ctx.tz).end })
          .where(and(eq(bills.accountId, ctx.account.id), eq(bills.billingCycle, cycle), eq(bills.status, "open")))
          .returning(),
      ),
  ]);
  for (const b of closing.flat()) {
    await emitEvent(tx, ctx.account.id, "bill.closed", { billId: b.id, billingCycle: b.billingCycle, productId: b.productId, billingMethod: b.billingMethod, billType: b.billType, closedAt: b.closedAt?.toISOString() }, b.closedAt ?? ctx.now);
  }
}
