// Rating against the database: turns an account's usage and lifecycle into
// bill lines up to `now` with the pure rules of ./rules. Usage is aggregated in
// SQL per (instance, item, day); each rule prices its aggregates. Lines carry
// deterministic ids, so rating again over the same inputs upserts identical
// lines, whatever order the records arrived in. Settled lines are final and
// never rewritten; unsettled lines that no longer follow from the inputs go.
import { emitEvent } from "@/lib/webhooks/outbox";
import { and, eq, inArray, isNull, like, not, sql } from "drizzle-orm";
import { query, type Tx } from "@/db/client";
import { billLinePeriods, billLines, bills, instances, type Account, type BillingMethod, type Instance } from "@/db/schema";
import { dec, toFixedString, ZERO } from "@/lib/money";
import type Decimal from "decimal.js";
import { findItem, findPrice, type Catalog, type CatalogItem } from "./catalog";
import { cycleBounds, cycleOf, dayBounds, dayOf, type Day } from "./cycle";
import { rateEgress, type Network, type Tier } from "./rules/egress-tiered";
import { phoneDayLines, phonePeriods } from "./rules/phone-period";
import { scanPrice } from "./rules/per-scan";
import { rateStorage } from "./rules/storage-gb-month";

type LineInsert = typeof billLines.$inferInsert;
type PeriodInsert = typeof billLinePeriods.$inferInsert;
const DAY_MS = 86_400_000;

interface Ctx {
  account: Account;
  catalog: Catalog;
  now: Date;
  tz: string;
  byId: Map<string, Instance>;
  lines: Map<string, LineInsert>;
  /** The Cloud Phone periods behind the day lines, by period id. */
  periods: Map<string, PeriodInsert>;
  /** Scanner days with a price change inside them, priced scan by scan. */
  splitScanDays: { line: LineInsert; inst: Instance; item: CatalogItem; day: Day }[];
}

export async function rateAccount(tx: Tx, account: Account, catalog: Catalog, now: Date): Promise<{ lines: number; removed: number }> {
  const rows = await tx.select().from(instances).where(eq(instances.accountId, account.id));
  const ctx: Ctx = { account, catalog, now, tz: account.timeZone, byId: new Map(rows.map((i) => [i.id, i])), lines: new Map(), periods: new Map(), splitScanDays: [] };

  for (const inst of rows) {
    if (inst.createdAt > now) continue;
    if (inst.productId === "cloud-phone" && hasPaygSpan(inst)) ratePhone(ctx, inst);
    if (inst.billingMethod === "free") rateFree(ctx, inst);
  }
  await rateMetered(tx, ctx);
  await rateStorageLayers(tx, ctx);

  const removed = await writeLines(tx, ctx);
  await writePeriods(tx, ctx);
  await ensureBills(tx, ctx);
  return { lines: ctx.lines.size, removed };
}

// ── Line construction ────────────────────────────────────────────────────────

function baseLine(ctx: Ctx, inst: Instance, item: CatalogItem, day: Day, billingMethod: BillingMethod, key: string): LineInsert {
  const cycle = cycleOf(dayBounds(day, ctx.tz).start, ctx.tz);
  return {
    accountId: ctx.account.id,
    id: key,
    billId: `bill-${cycle}-${inst.productId}-${billingMethod}`,
    billingCycle: cycle,
    billDate: day,
    lineType: "usage",
    productId: inst.productId,
    productDetail: inst.spec ? `${item.name} (${inst.spec})` : item.name,
    instanceId: inst.id,
    instanceName: inst.name,
    regionId: inst.regionId,
    billingMethod,
    billableItemId: item.id,
    usageQuantity: "0",
    usageUnit: item.usageUnit,
    unitPrice: "0",
    priceUnit: `${ctx.account.currency}/${item.usageUnit}`,
    originalAmount: "0",
    discountAmount: "0",
    pretaxAmount: "0",
    currency: ctx.account.currency,
    // A day's line falls due when the day ends (settled as it falls due: docs/billing-rules.md#settlement-order).
    dueAt: dayBounds(day, ctx.tz).end,
    ratedAt: ctx.now,
  };
}

function setAmounts(line: LineInsert, quantity: Decimal, unitPrice: Decimal, amount: Decimal, priceId: string | null, priceUnit?: string) {
  line.usageQuantity = quantity.toFixed(6);
  line.unitPrice = unitPrice.toFixed(6);
  line.priceId = priceId;
  if (priceUnit) line.priceUnit = priceUnit;
  line.originalAmount = toFixedString(amount);
  line.pretaxAmount = toFixedString(amount);
}

// ── Cloud Phone pay-as-you-go: 4-hour periods (docs/billing-rules.md#cloud-phone-periods) ──

function hasPaygSpan(inst: Instance): boolean {
  return inst.billingMethod === "payg" || typeof inst.attributes.paygUntil === "string";
}

function ratePhone(ctx: Ctx, inst: Instance) {
  const item = findItem(ctx.catalog, "cloud-phone.instance")!;
  const price = findPrice(ctx.catalog, {
    itemId: item.id,
    regionId: inst.regionId,
    spec: inst.spec,
    billingMethod: "payg",
    currency: ctx.account.currency,
    at: inst.billingAnchorAt,
  });
  // Billing stops at the overdue instant; a switch to subscription stops it too.
  // (A group released after overdue keeps its stop instant in attributes.billingStoppedAt.)
  const stoppedAt = typeof inst.attributes.billingStoppedAt === "string" ? new Date(inst.attributes.billingStoppedAt) : null;
  const overdueAt = inst.status === "overdue" ? inst.statusSince : stoppedAt;
  const switchedAt = typeof inst.attributes.paygUntil === "string" ? new Date(inst.attributes.paygUntil) : null;
  const periods = phonePeriods({
    anchorAt: inst.billingAnchorAt,
    hourlyPrice: price.unitPrice,
    instances: inst.instanceCount,
    until: ctx.now,
    releasedAt: inst.releasedAt,
    overdueAt,
    switchedAt,
  });
  const anchor = inst.billingAnchorAt.toISOString();
  for (const d of phoneDayLines(periods, ctx.tz)) {
    const line = baseLine(ctx, inst, item, d.day, "payg", `${inst.id}|${item.id}|${d.day}|${anchor}`);
    setAmounts(line, d.instanceHours, price.unitPrice, d.amount, price.id, `${ctx.account.currency}/instance-hour`);
    line.usageUnit = "instance-hour";
    ctx.lines.set(line.id, line);
  }
  // Each period is settled on its own at its due instant (settlement.ts); the day line carries the sums.
  for (const p of periods) {
    const lineId = `${inst.id}|${item.id}|${dayOf(p.dueAt, ctx.tz)}|${anchor}`;
    const id = `${inst.id}|${item.id}|${p.start.toISOString()}`;
    ctx.periods.set(id, {
      accountId: ctx.account.id,
      id,
      lineId,
      instanceId: inst.id,
      productId: inst.productId,
      billableItemId: item.id,
      periodStart: p.start,
      periodEnd: p.end,
      dueAt: p.dueAt,
      reason: p.reason,
      chargedSeconds: p.chargedSeconds,
      instances: p.instances,
      unitPrice: price.unitPrice.toFixed(6),
      amount: toFixedString(p.amount),
      ratedAt: ctx.now,
    });
  }
}

// ── Free products: zero lines, shown and hideable ────────────────────────────

function rateFree(ctx: Ctx, inst: Instance) {
  const item = ctx.catalog.items.find((i) => i.productId === inst.productId && i.rule === "free");
  if (!item) return;
  const end = inst.releasedAt && inst.releasedAt < ctx.now ? inst.releasedAt : ctx.now;
  for (let t = dayBounds(dayOf(inst.createdAt, ctx.tz), ctx.tz).start.getTime(); t < end.getTime(); t += DAY_MS) {
    const day = dayOf(new Date(t + DAY_MS / 2), ctx.tz);
    const line = baseLine(ctx, inst, item, day, "free", `${inst.id}|${item.id}|${day}`);
    setAmounts(line, dec(1), ZERO, ZERO, null, `${ctx.account.currency}/${item.usageUnit}`);
    line.usageUnit = "instance-day";
    ctx.lines.set(line.id, line);
  }
}

// ── Metered usage aggregated per instance, item, day (and network) ───────────

interface Aggregate {
  instance_id: string;
  item_id: string;
  day: string;
  network: string | null;
  quantity: string;
  first_at: Date | string;
  last_at: Date | string;
}

async function rateMetered(tx: Tx, ctx: Ctx) {
  const rows = await query<Aggregate>(
    tx,
    sql`select u.instance_id, u.item_id,
               to_char(u.start_at at time zone ${ctx.tz}, 'YYYY-MM-DD') as day,
               u.attributes->>'network' as network,
               sum(u.quantity)::text as quantity, min(u.start_at) as first_at, max(u.start_at) as last_at
        from usage_records u
        join billable_items b on b.id = u.item_id
        where u.account_id = ${ctx.account.id} and u.start_at <= ${ctx.now.toISOString()}::timestamptz
          and b.rule not in ('storage-gb-month', 'package-quota')
        group by 1, 2, 3, 4`,
  );
  const egress = new Map<string, { inst: Instance; item: CatalogItem; day: Day; network: Network; gb: Decimal }[]>();
  for (const r of rows) {
    const inst = ctx.byId.get(r.instance_id);
    const item = findItem(ctx.catalog, r.item_id);
    if (!inst || !item) continue;
    const qty = dec(r.quantity);
    const at = dayBounds(r.day, ctx.tz).start;
    if (item.rule === "egress-tiered" || item.rule === "traffic-free") {
      // Free traffic items (VPC, replication) are zero whatever the record says.
      const network: Network =
        item.rule === "traffic-free"
          ? r.network === "replication" || item.code.includes("replication") ? "replication" : "vpc"
          : ((r.network ?? "internet") as Network);
      const group = egress.get(item.id) ?? [];
      group.push({ inst, item, day: r.day, network, gb: qty });
      egress.set(item.id, group);
      continue;
    }
    const line = baseLine(ctx, inst, item, r.day, "payg", `${inst.id}|${item.id}|${r.day}`);
    if (item.rule === "per-scan") {
      const priceAt = (t: Date) => priceFor(ctx, inst, item, t).unitPrice;
      const first = scanPrice(new Date(r.first_at), priceAt);
      const last = scanPrice(new Date(r.last_at), priceAt);
      if (!first.equals(last)) {
        // A price change inside the day: price each scan on its own side of it.
        ctx.lines.set(line.id, line);
        ctx.splitScanDays.push({ line, inst, item, day: r.day });
        continue;
      }
      const price = priceFor(ctx, inst, item, new Date(r.first_at));
      setAmounts(line, qty, first, first.times(qty), price.id);
    } else {
      const price = priceFor(ctx, inst, item, at);
      setAmounts(line, qty, price.unitPrice, price.unitPrice.times(qty), price.id);
    }
    ctx.lines.set(line.id, line);
  }
  await ratePendingScanDays(tx, ctx);
  rateEgressGroups(ctx, egress);
}

async function ratePendingScanDays(tx: Tx, ctx: Ctx) {
  for (const p of ctx.splitScanDays) {
    const { start, end } = dayBounds(p.day, ctx.tz);
    const scans = await query<{ start_at: Date | string; quantity: string }>(
      tx,
      sql`select start_at, quantity::text as quantity from usage_records
          where account_id = ${ctx.account.id} and instance_id = ${p.inst.id} and item_id = ${p.item.id}
            and start_at >= ${start.toISOString()}::timestamptz and start_at < ${end.toISOString()}::timestamptz`,
    );
    let qty = ZERO;
    let amount = ZERO;
    for (const s of scans) {
      const q = dec(s.quantity);
      qty = qty.plus(q);
      amount = amount.plus(scanPrice(new Date(s.start_at), (t) => priceFor(ctx, p.inst, p.item, t).unitPrice).times(q));
    }
    setAmounts(p.line, qty, qty.isZero() ? ZERO : amount.div(qty), amount, null);
  }
}

function rateEgressGroups(ctx: Ctx, groups: Map<string, { inst: Instance; item: CatalogItem; day: Day; network: Network; gb: Decimal }[]>) {
  for (const entries of groups.values()) {
    const { inst: first, item } = entries[0];
    const price = priceFor(ctx, first, item, dayBounds(entries[0].day, ctx.tz).start);
    const tiers: Tier[] = price.tiers?.length ? price.tiers : [{ upTo: null, unitPrice: price.unitPrice }];
    const byInstance = new Map(entries.map((e) => [e.inst.id, e.inst]));
    const out = rateEgress({
      records: entries.map((e) => ({ instanceId: e.inst.id, at: dayBounds(e.day, ctx.tz).start, gb: e.gb, network: e.network })),
      tiers,
      tz: ctx.tz,
    });
    for (const l of out) {
      const inst = byInstance.get(l.instanceId)!;
      const line = baseLine(ctx, inst, item, l.day, "payg", `${inst.id}|${item.id}|${l.day}|${l.network}`);
      const unit = l.quantityGb.isZero() ? ZERO : l.amount.div(l.quantityGb).toDecimalPlaces(6);
      setAmounts(line, l.quantityGb, l.network === "internet" ? unit : ZERO, l.amount, price.id);
      line.productDetail = `${item.name} (${l.network})`;
      ctx.lines.set(line.id, line);
    }
  }
}

// ── Storage: united layer intervals, GB-month (docs/billing-rules.md#storage-in-gb-month) ──

async function rateStorageLayers(tx: Tx, ctx: Ctx) {
  const rows = await query<{ instance_id: string; item_id: string; digest: string; bytes: string; start_at: Date | string; end_at: Date | string }>(
    tx,
    sql`select u.instance_id, u.item_id, u.attributes->>'layerDigest' as digest, u.attributes->>'bytes' as bytes, u.start_at, u.end_at
        from usage_records u join billable_items b on b.id = u.item_id
        where u.account_id = ${ctx.account.id} and b.rule = 'storage-gb-month' and u.start_at <= ${ctx.now.toISOString()}::timestamptz`,
  );
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.instance_id}|${r.item_id}`;
    const group = byKey.get(key);
    if (group) group.push(r);
    else byKey.set(key, [r]);
  }
  for (const [key, group] of byKey) {
    const [instanceId, itemId] = key.split("|");
    const inst = ctx.byId.get(instanceId);
    const item = findItem(ctx.catalog, itemId);
    if (!inst || !item) continue;
    const days = rateStorage({
      intervals: group.map((r) => ({ digest: r.digest ?? "", bytes: r.bytes ?? "0", from: new Date(r.start_at), to: new Date(r.end_at) })),
      pricePerGbMonth: (at) => priceFor(ctx, inst, item, at).unitPrice,
      until: ctx.now,
      tz: ctx.tz,
    });
    for (const d of days) {
      const line = baseLine(ctx, inst, item, d.day, "payg", `${inst.id}|${item.id}|${d.day}`);
      setAmounts(line, d.quantityGbMonth, d.unitPrice, d.amount, priceFor(ctx, inst, item, dayBounds(d.day, ctx.tz).start).id);
      ctx.lines.set(line.id, line);
    }
  }
}

function priceFor(ctx: Ctx, inst: Instance, item: CatalogItem, at: Date) {
  return findPrice(ctx.catalog, { itemId: item.id, regionId: inst.regionId, spec: inst.spec, billingMethod: "payg", currency: ctx.account.currency, at });
}

// ── Writing ──────────────────────────────────────────────────────────────────

const AMOUNT_COLUMNS = ["billId", "billingCycle", "billDate", "productDetail", "instanceName", "usageQuantity", "usageUnit", "unitPrice", "priceUnit", "priceId", "originalAmount", "discountAmount", "pretaxAmount", "dueAt", "ratedAt"] as const;

const INSERT_COLUMNS = [
  "accountId", "id", "billId", "billingCycle", "billDate", "lineType", "productId", "productDetail", "instanceId", "instanceName", "regionId",
  "billingMethod", "billableItemId", "usageQuantity", "usageUnit", "unitPrice", "priceUnit", "priceId", "originalAmount", "discountAmount",
  "pretaxAmount", "currency", "dueAt", "ratedAt",
] as const;

/**
 * Upsert lines set-based: each chunk travels as one JSON parameter expanded by
 * json_to_recordset (binding 24 parameters per line costs far more, and caps a
 * statement at ~2,700 lines). Settled lines are final and left as they are.
 */
async function upsertLines(tx: Tx, lines: LineInsert[]) {
  const cols = INSERT_COLUMNS.map((c) => billLines[c]);
  const names = sql.raw(cols.map((c) => `"${c.name}"`).join(", "));
  const defs = sql.raw(cols.map((c) => `"${c.name}" ${c.getSQLType()}`).join(", "));
  const set = sql.raw(AMOUNT_COLUMNS.map((c) => `"${billLines[c].name}" = excluded."${billLines[c].name}"`).join(", "));
  for (let i = 0; i < lines.length; i += 5000) {
    const rows = lines.slice(i, i + 5000).map((l) =>
      Object.fromEntries(INSERT_COLUMNS.map((c, j) => [cols[j].name, l[c] instanceof Date ? l[c].toISOString() : (l[c] ?? null)])),
    );
    await tx.execute(sql`insert into bill_lines (${names})
      select ${names} from json_to_recordset(${JSON.stringify(rows)}::json) as x(${defs})
      on conflict (account_id, id) do update set ${set} where bill_lines.settled_at is null`);
  }
}

async function writeLines(tx: Tx, ctx: Ctx): Promise<number> {
  // A settled line is final (docs/billing-rules.md#finality-and-adjustments): what the inputs now produce beyond it is billed as a late-usage adjustment.
  const { write, adjustments, staleAdjustments } = await lateUsage(tx, ctx);
  await upsertLines(tx, [...write, ...adjustments]);
  // Unsettled usage lines that the inputs no longer produce (e.g. billing stopped at an overdue instant).
  const existing = await tx
    .select({ id: billLines.id })
    .from(billLines)
    .where(and(eq(billLines.accountId, ctx.account.id), isNull(billLines.settledAt), eq(billLines.lineType, "usage"), not(like(billLines.id, "order|%"))));
  const stale = [...existing.map((r) => r.id).filter((id) => !ctx.lines.has(id)), ...staleAdjustments];
  for (let i = 0; i < stale.length; i += 1000) {
    const ids = stale.slice(i, i + 1000);
    await tx.execute(sql`delete from bill_lines where account_id = ${ctx.account.id} and settled_at is null and id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
  }
  return stale.length;
}

/** Upsert the periods; settled ones are final, unsettled ones no longer produced go. */
async function writePeriods(tx: Tx, ctx: Ctx) {
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
async function lateUsage(tx: Tx, ctx: Ctx): Promise<{ write: LineInsert[]; adjustments: LineInsert[]; staleAdjustments: string[] }> {
  const settled = await query<{ id: string; pretax: string; quantity: string; adjustment: boolean; settled: boolean }>(
    tx,
    sql`select id, pretax_amount::text as pretax, usage_quantity::text as quantity, line_type = 'adjustment' as adjustment, settled_at is not null as settled
        from bill_lines
        where account_id = ${ctx.account.id} and id not like 'order|%'
          and ((settled_at is not null and line_type = 'usage') or (line_type = 'adjustment' and id like ${`%${LATE}%`}))`,
  );
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
    billId: `bill-${cycle}-${line.productId}-${line.billingMethod}`,
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

async function ensureBills(tx: Tx, ctx: Ctx) {
  const keys = await query<{ billing_cycle: string; product_id: string; billing_method: BillingMethod }>(
    tx,
    sql`select distinct billing_cycle, product_id, billing_method from bill_lines where account_id = ${ctx.account.id}`,
  );
  if (!keys.length) return;
  const billType = (m: BillingMethod) => (m === "subscription" ? "subscription" : m === "free" ? "free" : "payg");
  await tx
    .insert(bills)
    .values(
      keys.map((k) => ({
        accountId: ctx.account.id,
        id: `bill-${k.billing_cycle}-${k.product_id}-${k.billing_method}`,
        billingCycle: k.billing_cycle,
        productId: k.product_id,
        billingMethod: k.billing_method,
        billType: billType(k.billing_method),
      })),
    )
    .onConflictDoNothing();
  // A cycle closes after its last day: its bills are final from then on.
  for (const cycle of new Set(keys.map((k) => k.billing_cycle))) {
    if (cycleBounds(cycle, ctx.tz).end <= ctx.now) {
      const closed = await tx
        .update(bills)
        .set({ status: "closed", closedAt: cycleBounds(cycle, ctx.tz).end })
        .where(and(eq(bills.accountId, ctx.account.id), eq(bills.billingCycle, cycle), eq(bills.status, "open")))
        .returning();
      for (const b of closed) {
        await emitEvent(tx, ctx.account.id, "bill.closed", { billId: b.id, billingCycle: b.billingCycle, productId: b.productId, billingMethod: b.billingMethod, billType: b.billType, closedAt: b.closedAt?.toISOString() }, b.closedAt ?? ctx.now);
      }
    }
  }
}
