// Settlement against the database (docs/billing-rules.md#settlement-order): pay-as-you-go lines as they
// fall due, subscription orders when placed, top-ups oldest first. Every
// function runs inside the caller's transaction; the balance moves only
// through ledger entries, so it always equals the ledger sum.
import { emitEvent, orderEventData } from "@/lib/webhooks/outbox";
import { and, eq, gt, isNull, lte, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { accounts, billLinePeriods, billLines, instances, ledgerEntries, orders, products, type Account } from "@/db/schema";
import { keepLineTotals } from "./line-totals";
import { dec, sum, toFixedString, ZERO } from "@/lib/money";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { billIdOf, cycleOf, dayOf } from "./cycle";
import { loadInstruments, saveInstruments } from "./instruments";
import { settleLine, settleOutstandingOldestFirst } from "./settle";
import { paygStops, suspensionQuota } from "./overdue-quota";
import { allocationAt, loadAllocations } from "./tags";

type LedgerRow = typeof ledgerEntries.$inferInsert;

function ledgerDeduction(account: Account, amount: string, ref: { type: string; id: string }, at: Date, memo: string): LedgerRow {
  return {
    accountId: account.id,
    id: `led_${ref.type}_${ref.id}`.slice(0, 200),
    entryType: "deduction",
    amount: toFixedString(dec(amount).negated()),
    currency: account.currency,
    referenceType: ref.type,
    referenceId: ref.id,
    memo,
    at,
  };
}

/** Lock the account row for the transaction: every writer of its money goes through here. */
export async function lockAccount(tx: Tx, accountId: string): Promise<Account> {
  const [account] = await tx.select().from(accounts).where(eq(accounts.id, accountId)).for("update");
  if (!account) throw new NotFoundError(`Account ${accountId} not found.`);
  return account;
}

export async function outstandingTotal(tx: Tx, accountId: string) {
  const [row] = await tx
    .select({ total: sql<string>`coalesce(sum(${billLines.outstandingAmount}), 0)` })
    .from(billLines)
    .where(and(eq(billLines.accountId, accountId), gt(billLines.outstandingAmount, "0")));
  return dec(row.total);
}

/** Σ pretax of the cycle's pay-as-you-go lines: what the extended suspension quota is a share of. */
async function lastCyclePaygSpend(tx: Tx, accountId: string, cycle: string): Promise<string> {
  const [row] = await tx
    .select({ spent: sql<string>`coalesce(sum(${billLines.pretaxAmount}), 0)` })
    .from(billLines)
    .where(and(eq(billLines.accountId, accountId), eq(billLines.billingCycle, cycle), eq(billLines.billingMethod, "payg")));
  return row.spent;
}

/** A unit that settles on its own: a bill line, or one period behind a day line. */
interface Unit {
  table: "bill_lines" | "bill_line_periods";
  id: string;
  pretax: string;
  quantity: string;
  productId: string;
  itemId: string;
  dueAt: Date;
  memo: string;
  /** The day line a period belongs to. */
  lineId?: string;
}

/** Unsettled day lines that are sums of periods: they settle through their periods. */
async function periodLineIds(tx: Tx, accountId: string): Promise<Set<string>> {
  const rows = await tx
    .selectDistinct({ id: billLinePeriods.lineId })
    .from(billLinePeriods)
    .innerJoin(billLines, and(eq(billLines.accountId, billLinePeriods.accountId), eq(billLines.id, billLinePeriods.lineId)))
    .where(and(eq(billLinePeriods.accountId, accountId), isNull(billLines.settledAt)));
  return new Set(rows.map((r) => r.id));
}

/**
 * A day line of periods carries the sums of its periods' settlements; `close`
 * marks the lines whose day has ended as settled (at their due instant). Unsent statements.
 */
function syncPeriodLines(tx: Tx, accountId: string, lineIds: string[], close: Set<string> = new Set()) {
  const statements = [];
  for (let i = 0; i < lineIds.length; i += 500) {
    const ids = lineIds.slice(i, i + 500);
    const closing = ids.filter((id) => close.has(id));
    statements.push(tx.execute(sql`
      update bill_lines as l set
        deducted_by_resource_plan = s.plan, deducted_by_coupons = s.coupons, deducted_by_vouchers = s.vouchers,
        paid_from_balance = s.balance, outstanding_amount = s.outstanding,
        settled_at = case when l.id in (${sql.join([...closing, ""].map((id) => sql`${id}`), sql`, `)}) then l.due_at else l.settled_at end
      from (select line_id, sum(deducted_by_resource_plan) as plan, sum(deducted_by_coupons) as coupons, sum(deducted_by_vouchers) as vouchers,
                   sum(paid_from_balance) as balance, sum(outstanding_amount) as outstanding
            from bill_line_periods
            where account_id = ${accountId} and settled_at is not null and line_id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})
            group by line_id) as s
      where l.account_id = ${accountId} and l.id = s.line_id`));
  }
  return statements;
}

/**
 * What the caller (the billing jobs) already knows the account lacks, so its
 * reads are skipped: `periods` false — no bill_line_periods row at all;
 * `instruments` false — no resource plan, coupon or voucher.
 */
export interface SettleHints {
  periods: boolean;
  instruments: boolean;
  /**
   * The previous billing cycle: the extended suspension quota is recomputed from its pay-as-you-go
   * lines first (formula in ./overdue-quota.ts), read with settlement's reads and written with its
   * writes. The jobs pass it once per run, after rating (on a first run last cycle's lines exist only then).
   */
  quotaCycle?: string;
}

/**
 * Settle everything that has fallen due by `now`, oldest first: bill lines,
 * and each Cloud Phone period at its own due instant (a day line of periods
 * only closes when its day ends, carrying their sums). Stops at the unit that
 * makes the account overdue and returns its instant, so the caller can stop
 * billing what overdue stops and rate again.
 */
export async function settleDueLines(
  tx: Tx,
  accountId: string,
  now: Date,
  known: SettleHints = { periods: true, instruments: true },
): Promise<{ settled: number; overdueAt: Date | null; paygStopAt: Date | null }> {
  // One round trip: a transaction's statements run one after another in the order sent, the lock first.
  // The jobs' probe already holds the lock, so it never waits here (statements pipelined behind a lock
  // wait can read from before the holder committed: lib/jobs/probe.ts).
  const [locked, spent, dueLines, duePeriods, periodLines, before, outstanding] = await Promise.all([
    lockAccount(tx, accountId),
    known.quotaCycle === undefined ? null : lastCyclePaygSpend(tx, accountId, known.quotaCycle),
    tx
      .select()
      .from(billLines)
      .where(and(eq(billLines.accountId, accountId), isNull(billLines.settledAt), lte(billLines.dueAt, now))),
    known.periods
      ? tx
          .select({ p: billLinePeriods, detail: billLines.productDetail })
          .from(billLinePeriods)
          .innerJoin(billLines, and(eq(billLines.accountId, billLinePeriods.accountId), eq(billLines.id, billLinePeriods.lineId)))
          .where(and(eq(billLinePeriods.accountId, accountId), isNull(billLinePeriods.settledAt), lte(billLinePeriods.dueAt, now)))
      : [],
    known.periods ? periodLineIds(tx, accountId) : new Set<string>(),
    loadInstruments(tx, accountId, known.instruments),
    outstandingTotal(tx, accountId),
  ]);
  // Same cycle, same quota: most runs have nothing to write.
  const quota = spent === null ? null : toFixedString(suspensionQuota([spent]));
  const quotaWrite = quota !== null && !dec(locked.suspensionQuota).equals(quota) ? [tx.update(accounts).set({ suspensionQuota: quota }).where(eq(accounts.id, accountId))] : [];
  const account = quotaWrite.length ? { ...locked, suspensionQuota: quota! } : locked;
  if (!dueLines.length && !duePeriods.length) {
    await Promise.all(quotaWrite);
    return { settled: 0, overdueAt: null, paygStopAt: null };
  }
  const units: (Unit & { close?: boolean })[] = [
    ...dueLines.map((l) => ({
      table: "bill_lines" as const,
      id: l.id,
      pretax: l.pretaxAmount,
      quantity: l.usageQuantity,
      productId: l.productId,
      itemId: l.billableItemId,
      dueAt: l.dueAt,
      memo: `${l.productDetail} ${l.billDate}`,
      close: periodLines.has(l.id),
    })),
    ...duePeriods.map(({ p, detail }) => ({
      table: "bill_line_periods" as const,
      id: p.id,
      pretax: p.amount,
      quantity: dec(p.chargedSeconds).times(p.instances).div(3600).toFixed(6),
      productId: p.productId,
      itemId: p.billableItemId,
      dueAt: p.dueAt,
      memo: `${detail} ${p.periodStart.toISOString()}–${p.periodEnd.toISOString()}`,
      lineId: p.lineId,
    })),
  ];
  // Periods before the day line they add up to: it closes after the last of them.
  units.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || (a.close ? 1 : 0) - (b.close ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  let state = before;
  let outstandingBefore = outstanding;
  const updates: { unit: Unit; set: Settlement }[] = [];
  const ledger: LedgerRow[] = [];
  const close = new Set<string>();
  const touched = new Set<string>();
  let overdueAt: Date | null = null;
  let paygStopAt: Date | null = null;

  for (const unit of units) {
    if (unit.close) {
      close.add(unit.id);
      touched.add(unit.id);
      continue;
    }
    if (unit.lineId) touched.add(unit.lineId);
    const ref = { type: unit.table === "bill_lines" ? "bill_line" : "bill_line_period", id: unit.id };
    const pretax = dec(unit.pretax);
    if (pretax.lt(0)) {
      // A credit (late usage that lowered a tier price): straight back to the balance.
      state = { ...state, balance: state.balance.minus(pretax) };
      updates.push({ unit, set: { plan: "0", coupons: "0", vouchers: "0", balance: toFixedString(pretax), outstanding: "0", settledAt: unit.dueAt } });
      ledger.push({ ...ledgerDeduction(account, pretax.toFixed(2), ref, unit.dueAt, unit.memo), entryType: "adjustment" });
      continue;
    }
    const r = settleLine({
      pretax: unit.pretax,
      quantity: unit.quantity,
      product: unit.productId,
      item: unit.itemId,
      at: unit.dueAt,
      ...state,
      creditLimit: account.creditLimit,
      outstandingBefore,
    });
    state = { plans: r.plans, coupons: r.coupons, vouchers: r.vouchers, balance: r.balance };
    outstandingBefore = outstandingBefore.plus(r.outstanding);
    updates.push({
      unit,
      set: {
        plan: toFixedString(r.deductedByResourcePlan),
        coupons: toFixedString(r.deductedByCoupons),
        vouchers: toFixedString(r.deductedByVouchers),
        balance: toFixedString(r.paidFromBalance),
        outstanding: toFixedString(r.outstanding),
        settledAt: unit.dueAt,
      },
    });
    if (r.paidFromBalance.gt(0)) ledger.push(ledgerDeduction(account, r.paidFromBalance.toFixed(2), ref, unit.dueAt, unit.memo));
    if (r.overdue && !account.overdueSince) overdueAt = unit.dueAt;
    // Overdue beyond the suspension quota stops pay-as-you-go (lib/billing/overdue-quota.ts).
    if (!account.paygStoppedSince && paygStops(outstandingBefore, account.creditLimit, account.suspensionQuota)) paygStopAt = unit.dueAt;
    if (overdueAt || paygStopAt) break;
  }

  // Sent together, in this order (a transaction runs its statements in the order sent): the day
  // lines of periods sum their periods after those are written.
  // The kept totals follow the lines settled here and the day lines of periods summed here.
  const lineUpdates = updates.filter((u) => u.unit.table === "bill_lines");
  // The quota's small update goes first: postgres.js writes a statement of 1 kB or more to the socket
  // at once, with what it holds, so small statements behind the last large one cost a write of their own.
  await keepLineTotals(tx, accountId, [...lineUpdates.map((u) => u.unit.id), ...touched], () =>
    Promise.all([
      ...quotaWrite,
      ...writeSettlements(tx, accountId, "bill_lines", lineUpdates),
      ...writeSettlements(tx, accountId, "bill_line_periods", updates.filter((u) => u.unit.table === "bill_line_periods")),
      ...syncPeriodLines(tx, accountId, [...touched], close),
      ...insertLedger(tx, ledger),
    ]),
  );
  await saveInstruments(tx, accountId, before, state);
  if (overdueAt || paygStopAt) {
    await tx
      .update(accounts)
      .set({ ...(overdueAt ? { overdueSince: overdueAt } : {}), ...(paygStopAt ? { paygStoppedSince: paygStopAt } : {}) })
      .where(eq(accounts.id, accountId));
    if (overdueAt) await emitEvent(tx, accountId, "account.overdue", { overdueSince: overdueAt.toISOString() }, overdueAt);
  }
  return { settled: updates.length, overdueAt, paygStopAt };
}

interface Settlement {
  plan: string;
  coupons: string;
  vouchers: string;
  balance: string;
  outstanding: string;
  settledAt: Date;
}

/**
 * One UPDATE … FROM json_to_recordset per chunk instead of one statement per
 * row: the chunk travels as one JSON parameter (binding 7 per row cost more
 * than the update). The statements are returned unsent (drizzle sends on await) for the caller to
 * send with others in one round trip.
 */
function writeSettlements(tx: Tx, accountId: string, table: Unit["table"], updates: { unit: Unit; set: Settlement }[]) {
  const statements = [];
  for (let i = 0; i < updates.length; i += 5000) {
    const rows = updates.slice(i, i + 5000).map(({ unit, set }) => ({
      id: unit.id,
      plan: set.plan,
      coupons: set.coupons,
      vouchers: set.vouchers,
      balance: set.balance,
      outstanding: set.outstanding,
      settled_at: set.settledAt.toISOString(),
    }));
    statements.push(tx.execute(sql`
      update ${sql.identifier(table)} as l set
        deducted_by_resource_plan = v.plan, deducted_by_coupons = v.coupons, deducted_by_vouchers = v.vouchers,
        paid_from_balance = v.balance, outstanding_amount = v.outstanding, settled_at = v.settled_at
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as v(id text, plan numeric, coupons numeric, vouchers numeric, balance numeric, outstanding numeric, settled_at timestamptz)
      where l.account_id = ${accountId} and l.id = v.id`));
  }
  return statements;
}

/** The ledger entries of a settlement run, as one JSON parameter per chunk (unsent, like writeSettlements'); an entry already written stays as it is. */
function insertLedger(tx: Tx, entries: LedgerRow[]) {
  const statements = [];
  for (let i = 0; i < entries.length; i += 5000) {
    const rows = entries.slice(i, i + 5000).map((e) => ({
      account_id: e.accountId,
      id: e.id,
      entry_type: e.entryType,
      amount: e.amount,
      currency: e.currency,
      reference_type: e.referenceType ?? null,
      reference_id: e.referenceId ?? null,
      memo: e.memo ?? "",
      at: e.at.toISOString(),
    }));
    statements.push(tx.execute(sql`
      insert into ledger_entries (account_id, id, entry_type, amount, currency, reference_type, reference_id, memo, at)
      select account_id, id, entry_type, amount, currency, reference_type, reference_id, memo, at
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as x(account_id text, id text, entry_type text, amount numeric, currency text, reference_type text, reference_id text, memo text, at timestamptz)
      on conflict do nothing`));
  }
  return statements;
}

/**
 * Pay an order from coupons, vouchers and the balance (in that order) when
 * they cover it in full; otherwise it stays unpaid and nothing is deducted.
 * The order's bill line records the split.
 */
export async function payOrder(tx: Tx, accountId: string, orderId: string, at: Date): Promise<{ status: "paid" | "unpaid"; paidAmount: string }> {
  const account = await lockAccount(tx, accountId);
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.accountId, accountId), eq(orders.id, orderId)))
    .for("update");
  if (!order) throw new NotFoundError(`Order ${orderId} not found.`);
  if (order.status === "paid") return { status: "paid", paidAmount: order.paidAmount };
  if (order.status === "cancelled") throw new ConflictError(`Order ${order.orderNo} was cancelled.`);

  const before = await loadInstruments(tx, accountId);
  const r = settleLine({
    pretax: order.payableAmount,
    quantity: "0",
    product: order.productId,
    item: "",
    at,
    ...before,
  });
  if (r.outstanding.gt(0)) return { status: "unpaid", paidAmount: "0.00" };

  await saveInstruments(tx, accountId, before, { plans: r.plans, coupons: r.coupons, vouchers: r.vouchers, balance: r.balance });
  if (r.paidFromBalance.gt(0)) {
    await tx.insert(ledgerEntries).values(ledgerDeduction(account, r.paidFromBalance.toFixed(2), { type: "order", id: order.id }, at, `Order ${order.orderNo}`));
  }
  await tx.update(orders).set({ status: "paid", paidAmount: order.payableAmount, paidAt: at }).where(and(eq(orders.accountId, accountId), eq(orders.id, orderId)));
  await emitEvent(tx, accountId, "order.paid", orderEventData({ ...order, paidAt: at }), at);
  await upsertOrderLine(tx, account, { ...order, status: "paid", paidAt: at }, {
    coupons: r.deductedByCoupons.toFixed(2),
    vouchers: r.deductedByVouchers.toFixed(2),
    balance: r.paidFromBalance.toFixed(2),
  });
  return { status: "paid", paidAmount: order.payableAmount };
}

/**
 * The subscription bill line of a paid order: one line per order (docs/billing-rules.md#subscriptions). A
 * refund order (negative payable) makes a refund line whose cash goes back to
 * the balance (negative `balance`), so refunds net out in totals.
 */
export async function upsertOrderLine(
  tx: Tx,
  account: Account,
  order: typeof orders.$inferSelect,
  paid: { coupons: string; vouchers: string; balance: string },
  at: Date = order.paidAt ?? order.createdAt,
) {
  const refund = dec(order.payableAmount).lt(0);
  const [instance] = await tx
    .select({ name: instances.name, regionId: instances.regionId })
    .from(instances)
    .where(and(eq(instances.accountId, account.id), eq(instances.id, order.instanceId)));
  // The catalog names the item a subscription order bills.
  const [product] = await tx.select({ attributes: products.attributes }).from(products).where(eq(products.id, order.productId));
  const cycle = cycleOf(at, account.timeZone);
  // The instance's tags when the order was placed (docs/tags.md#which-tags-a-line-carries).
  const { tags, resourceGroup } = allocationAt((await loadAllocations(tx, account.id, order.instanceId)).get(order.instanceId) ?? [], order.createdAt);
  const line: typeof billLines.$inferInsert = {
    accountId: account.id,
    id: `order|${order.id}`,
    billId: billIdOf(cycle, order.productId, "subscription"),
    billingCycle: cycle,
    billDate: dayOf(at, account.timeZone),
    lineType: refund ? "refund" : "subscription",
    productId: order.productId,
    productDetail: order.spec ?? order.productId,
    instanceId: order.instanceId,
    instanceName: instance?.name ?? order.instanceId,
    regionId: instance?.regionId ?? "",
    billingMethod: "subscription",
    billableItemId: `${order.productId}.${typeof product?.attributes.subscriptionItem === "string" ? product.attributes.subscriptionItem : "instance"}`,
    usageQuantity: refund ? "0" : String(order.months ?? 0),
    usageUnit: "month",
    unitPrice: !refund && order.months ? dec(order.originalAmount).div(order.months * order.instanceCount).toFixed(6) : "0",
    priceUnit: `${account.currency}/month`,
    originalAmount: order.originalAmount,
    discountAmount: order.discountAmount,
    pretaxAmount: order.payableAmount,
    deductedByCoupons: paid.coupons,
    deductedByVouchers: paid.vouchers,
    paidFromBalance: paid.balance,
    outstandingAmount: "0",
    currency: account.currency,
    orderId: order.id,
    dueAt: at,
    settledAt: at,
    ratedAt: at,
    tags,
    resourceGroup,
  };
  await keepLineTotals(tx, account.id, [line.id], () => tx.insert(billLines).values(line).onConflictDoNothing());
}

/**
 * Credit the ledger, then pay outstanding lines oldest first. Idempotent by
 * key: the same key again returns the first result; with another amount → 409.
 */
export async function applyTopUp(
  tx: Tx,
  accountId: string,
  input: { amount: string; at: Date; idempotencyKey: string; memo?: string },
): Promise<{ ledgerEntryId: string; settledLines: number; settledAmount: string; replayed: boolean }> {
  const account = await lockAccount(tx, accountId);
  const entryId = `led_topup_${input.idempotencyKey}`.slice(0, 200);
  const [existing] = await tx
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.accountId, accountId), eq(ledgerEntries.idempotencyKey, input.idempotencyKey)));
  if (existing) {
    if (!dec(existing.amount).equals(dec(input.amount))) {
      throw new ConflictError(`Idempotency key ${input.idempotencyKey} was used for a top-up of ${existing.amount}.`);
    }
    return { ledgerEntryId: existing.id, settledLines: 0, settledAmount: "0.00", replayed: true };
  }
  const r = await creditAndPayOutstanding(tx, account, {
    id: entryId,
    entryType: "top_up",
    amount: input.amount,
    referenceType: "top_up",
    referenceId: null,
    idempotencyKey: input.idempotencyKey,
    memo: input.memo ?? "Top-up",
    at: input.at,
  });
  return { ledgerEntryId: entryId, ...r, replayed: false };
}

/**
 * An operator's credit (a manual adjustment): the ledger gains an
 * "adjustment" entry and, as with a top-up, outstanding lines are paid from
 * the balance oldest first.
 */
export async function applyCredit(
  tx: Tx,
  accountId: string,
  input: { amount: string; at: Date; reference: { type: string; id: string }; memo: string },
): Promise<{ ledgerEntryId: string; settledLines: number; settledAmount: string }> {
  const account = await lockAccount(tx, accountId);
  const id = `led_${input.reference.type}_${input.reference.id}`.slice(0, 200);
  const r = await creditAndPayOutstanding(tx, account, {
    id,
    entryType: "adjustment",
    amount: input.amount,
    referenceType: input.reference.type,
    referenceId: input.reference.id,
    idempotencyKey: null,
    memo: input.memo,
    at: input.at,
  });
  return { ledgerEntryId: id, ...r };
}

async function creditAndPayOutstanding(
  tx: Tx,
  account: Account,
  entry: { id: string; entryType: string; amount: string; referenceType: string; referenceId: string | null; idempotencyKey: string | null; memo: string; at: Date },
): Promise<{ settledLines: number; settledAmount: string }> {
  const accountId = account.id;
  await tx.insert(ledgerEntries).values({ ...entry, accountId, amount: toFixedString(entry.amount), currency: account.currency });

  // What is owed, as settled: bill lines, and the periods behind Cloud Phone day lines (which carry their sums).
  const [owedLines, owedPeriods] = await Promise.all([
    tx.select().from(billLines).where(and(eq(billLines.accountId, accountId), gt(billLines.outstandingAmount, "0"))),
    tx.select().from(billLinePeriods).where(and(eq(billLinePeriods.accountId, accountId), gt(billLinePeriods.outstandingAmount, "0"))),
  ]);
  const periodLines = new Set(owedPeriods.map((p) => p.lineId));
  const owed = [
    ...owedLines.filter((l) => !periodLines.has(l.id)).map((l) => ({ table: billLines, id: l.id, dueAt: l.dueAt, paid: l.paidFromBalance, outstanding: dec(l.outstandingAmount) })),
    ...owedPeriods.map((p) => ({ table: billLinePeriods, id: p.id, dueAt: p.dueAt, paid: p.paidFromBalance, outstanding: dec(p.outstandingAmount) })),
  ];
  const { balance } = await loadInstruments(tx, accountId);
  const available = balance.gt(0) ? balance : ZERO;
  const { payments } = settleOutstandingOldestFirst(owed, available);
  const byId = new Map(owed.map((l) => [l.id, l]));
  // The lines paid here and the day lines of periods paid here are disjoint: each keeps its own totals.
  const paidLines = payments.filter((p) => byId.get(p.id)!.table === billLines).map((p) => p.id);
  await keepLineTotals(tx, accountId, paidLines, () =>
    keepLineTotals(tx, accountId, [...periodLines], async () => {
      for (const p of payments) {
        const unit = byId.get(p.id)!;
        await tx
          .update(unit.table)
          .set({ paidFromBalance: toFixedString(dec(unit.paid).plus(p.amount)), outstandingAmount: toFixedString(unit.outstanding.minus(p.amount)) })
          .where(and(eq(unit.table.accountId, accountId), eq(unit.table.id, p.id)));
      }
      await Promise.all(syncPeriodLines(tx, accountId, [...periodLines]));
    }),
  );
  if (payments.length) {
    const key = entry.idempotencyKey ?? entry.id;
    const memo = entry.entryType === "top_up" ? "Outstanding paid by top-up" : "Outstanding paid by credit";
    const tag = entry.entryType === "top_up" ? "topup" : "credit";
    await tx.insert(ledgerEntries).values(
      payments.map((p) => ({
        ...ledgerDeduction(account, p.amount.toFixed(2), { type: "bill_line", id: `${p.id}|${tag}|${key}` }, entry.at, memo),
        referenceId: p.id,
      })),
    );
  }
  return { settledLines: payments.length, settledAmount: sum(payments.map((p) => p.amount)).toFixed(2) };
}
