import "server-only";
// Alert rules (low balance, budgets, overdue warnings), the alerts they fired,
// unread counts, and the cycle forecast. Anyone in the account reads; admins
// and finance change rules. The jobs evaluate the rules (lib/alerts).
import { and, count, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ALERT_KINDS, alertReads, alertRules, alerts, alertStates, products, type AlertRule } from "@/db/schema";
import { cycleForecast } from "@/lib/alerts/spend";
import { accountNow } from "@/lib/clock";
import { NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { toFixedString } from "@/lib/money";
import { BadRequestError } from "@/lib/errors";
import { getAccount } from "./account";
import { requireRole, tenantOf, type Caller } from "./caller";
import { newestAfter, newestPage, NEXT_TOKEN } from "./api-views";
import { parseInput } from "./validate";

const amount = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, "must be a positive amount with at most 2 decimals, e.g. \"100.00\"");
const percents = z.array(z.number().int().min(1).max(1000)).max(10);
const name = z.string().trim().min(1).max(120);

export const ruleInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("low_balance"), name: name.optional(), amount }),
  z.object({
    kind: z.literal("budget"),
    name: name.optional(),
    amount: amount.refine((a) => !/^0+(\.0+)?$/.test(a), "must be more than zero"),
    productId: z.string().trim().min(1).max(100).nullish(),
    actualThresholds: percents.default([50, 80, 100]),
    forecastThresholds: percents.default([100]),
  }),
  z.object({ kind: z.literal("overdue"), name: name.optional() }),
]);

export function ruleOut(r: AlertRule) {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    amount: r.amount === null ? null : toFixedString(r.amount),
    productId: r.productId,
    actualThresholds: r.actualThresholds,
    forecastThresholds: r.forecastThresholds,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function listAlertRules(caller: Caller, filter: { kind?: string } = {}, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const kind = filter.kind ? parseInput(z.enum(ALERT_KINDS), filter.kind) : null;
  const db = await getDb();
  const rows = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.accountId, id), ...(kind ? [eq(alertRules.kind, kind)] : [])))
    .orderBy(alertRules.createdAt, alertRules.id);
  return rows.map(ruleOut);
}

export async function getAlertRule(caller: Caller, ruleId: string, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  const [row] = await db.select().from(alertRules).where(and(eq(alertRules.accountId, id), eq(alertRules.id, ruleId)));
  if (!row) throw new NotFoundError(`Alert rule ${ruleId} not found.`);
  return ruleOut(row);
}

export async function createAlertRule(caller: Caller, input: unknown, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin", "finance");
  const data = parseInput(ruleInput, input);
  const db = await getDb();
  const account = await getAccount(caller, id);
  let productId: string | null = null;
  if (data.kind === "budget" && data.productId) {
    const [p] = await db.select({ id: products.id }).from(products).where(eq(products.id, data.productId));
    if (!p) throw new BadRequestError(`productId: no product ${data.productId}.`);
    productId = p.id;
  }
  const defaults = {
    low_balance: `Available credit below ${"amount" in data ? data.amount : ""} ${account.currency}`,
    budget: `Monthly budget ${"amount" in data ? data.amount : ""} ${account.currency}${productId ? ` (${productId})` : ""}`,
    overdue: "Overdue warnings",
  };
  const [row] = await db
    .insert(alertRules)
    .values({
      accountId: id,
      id: newId(data.kind === "budget" ? "bud" : "alrule"),
      kind: data.kind,
      name: data.name ?? defaults[data.kind],
      amount: "amount" in data ? data.amount : null,
      productId,
      actualThresholds: data.kind === "budget" ? [...new Set(data.actualThresholds)].sort((a, b) => a - b) : [],
      forecastThresholds: data.kind === "budget" ? [...new Set(data.forecastThresholds)].sort((a, b) => a - b) : [],
    })
    .returning();
  return ruleOut(row);
}

export async function deleteAlertRule(caller: Caller, ruleId: string, accountId?: string) {
  const id = tenantOf(caller, accountId);
  requireRole(caller, "admin", "finance");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [gone] = await tx.delete(alertRules).where(and(eq(alertRules.accountId, id), eq(alertRules.id, ruleId))).returning();
    if (!gone) throw new NotFoundError(`Alert rule ${ruleId} not found.`);
    await tx.delete(alertStates).where(and(eq(alertStates.accountId, id), eq(alertStates.ruleId, ruleId)));
    return { deleted: ruleId };
  });
}

export const listQuery = z.object({
  nextToken: NEXT_TOKEN,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

async function readUntil(caller: Caller, accountId: string): Promise<Date | null> {
  if (caller.kind !== "user") return null;
  const db = await getDb();
  const [r] = await db.select().from(alertReads).where(and(eq(alertReads.accountId, accountId), eq(alertReads.userId, caller.userId)));
  return r?.readUntil ?? null;
}

/** Fired alerts, newest first, in the API's list envelope; `unread` is per signed-in user. */
export async function listAlerts(caller: Caller, input: unknown = {}, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const q = parseInput(listQuery, input);
  const after = newestAfter(q.nextToken, alerts.createdAt, alerts.id);
  const db = await getDb();
  const [rows, [{ n }], read] = await Promise.all([
    db.select().from(alerts).where(and(eq(alerts.accountId, id), after)).orderBy(desc(alerts.createdAt), desc(alerts.id)).limit(q.limit + 1),
    db.select({ n: count() }).from(alerts).where(eq(alerts.accountId, id)),
    readUntil(caller, id),
  ]);
  return newestPage(
    rows,
    q.limit,
    (a) => ({ at: a.createdAt, id: a.id }),
    (a) => ({
      id: a.id,
      ruleId: a.ruleId,
      kind: a.kind,
      key: a.key,
      title: a.title,
      message: a.message,
      at: a.at.toISOString(),
      createdAt: a.createdAt.toISOString(),
      data: a.data,
      unread: read === null ? caller.kind === "user" : a.createdAt > read,
    }),
    n,
  );
}

/** The signed-in user has seen everything up to now (the database's clock, as alerts' created_at). */
export async function markAlertsRead(caller: Caller) {
  if (caller.kind !== "user") throw new BadRequestError("Only signed-in users have unread alerts.");
  const db = await getDb();
  const [r] = await db
    .insert(alertReads)
    .values({ accountId: caller.accountId, userId: caller.userId, readUntil: sql`now()` })
    .onConflictDoUpdate({ target: [alertReads.accountId, alertReads.userId], set: { readUntil: sql`excluded.read_until` } })
    .returning();
  return { readUntil: r.readUntil.toISOString() };
}

/** The cycle-end forecast for the Overview and the API, with its method. */
export async function getForecast(caller: Caller, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const now = accountNow(account);
  const db = await getDb();
  const f = await cycleForecast(db, account, now);
  return { asOf: now.toISOString(), currency: account.currency, ...f };
}

/** Budgets with where this cycle stands: spend to date and the forecast, in the budget's scope. */
export async function listBudgets(caller: Caller, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const now = accountNow(account);
  const db = await getDb();
  const rules = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.accountId, account.id), eq(alertRules.kind, "budget")))
    .orderBy(alertRules.createdAt, alertRules.id);
  return Promise.all(
    rules.map(async (r) => {
      const f = await cycleForecast(db, account, now, r.productId);
      return { ...ruleOut(r), cycle: f.cycle, spendToDate: f.spendToDate, forecast: f.amount, forecastMethod: f.method };
    }),
  );
}

/** Products a budget can be scoped to (the catalog is global). */
export async function budgetProducts() {
  const db = await getDb();
  return db.select({ id: products.id, name: products.name }).from(products).orderBy(products.name);
}
