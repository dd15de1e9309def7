import "server-only";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { getDb, query } from "@/db/client";
import { accounts, coupons, instances, ledgerEntries, products, users, vouchers } from "@/db/schema";
import { accountNow } from "@/lib/clock";
import { dec, roundMoney } from "@/lib/money";
import { blockedActions, nextEvent } from "@/lib/overdue/machine";
import { DAY_MS, policyFor } from "@/lib/overdue/policies";
import { QUOTA_FORMULA } from "@/lib/billing/overdue-quota";
import { NotFoundError } from "@/lib/errors";
import { tenantOf, type Caller } from "./caller";
import { keptOutstanding } from "./line-totals";

export async function getAccount(caller: Caller, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  const [account] = await db.select().from(accounts).where(eq(accounts.id, id));
  if (!account) throw new NotFoundError(`Account ${id} not found.`);
  return account;
}

/** The balance is never stored: it is the sum of the account's ledger. */
export async function getBalance(caller: Caller, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.accountId, id));
  return dec(row.balance);
}

export async function getAccountOverview(caller: Caller, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  const [account, balance, voucherRows, couponRows, members] = await Promise.all([
    getAccount(caller, id),
    getBalance(caller, id),
    db.select().from(vouchers).where(eq(vouchers.accountId, id)).orderBy(asc(vouchers.expiresAt)),
    db.select().from(coupons).where(eq(coupons.accountId, id)).orderBy(asc(coupons.expiresAt)),
    db
      .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.accountId, id)))
      .orderBy(asc(users.email)),
  ]);
  return { account, balance, vouchers: voucherRows, coupons: couponRows, members };
}

// ── Overdue status (docs/billing-rules.md#overdue): per resource, its state, what is refused and what comes next ──

/** Every unreleased resource with its state, what is blocked and the next timeline event. */
export async function getOverdueStatus(caller: Caller, accountId?: string) {
  const account = await getAccount(caller, accountId);
  const now = accountNow(account);
  const db = await getDb();
  const [rows, [owed]] = await Promise.all([
    db
      .select({ instance: instances, productName: products.name, overduePolicy: products.overduePolicy })
      .from(instances)
      .innerJoin(products, eq(products.id, instances.productId))
      .where(and(eq(instances.accountId, account.id), ne(instances.status, "released")))
      .orderBy(asc(products.name), asc(instances.id)),
    query<{ total: string }>(db, sql`SELECT ${keptOutstanding(account.id)}::text AS total`),
  ]);
  const overdue = account.overdueSince !== null;
  const resources = rows.map(({ instance, productName, overduePolicy }) => {
    const policy = policyFor(overduePolicy);
    const next = nextEvent(instance, policy);
    return {
      id: instance.id,
      name: instance.name,
      productId: instance.productId,
      productName,
      billingMethod: instance.billingMethod,
      status: instance.status,
      statusSince: instance.statusSince,
      blocked: blockedActions(instance, policy, overdue),
      next: next && (instance.status !== "active" || next.at.getTime() - now.getTime() < 31 * DAY_MS) ? next : null,
    };
  });
  return {
    account,
    now,
    overdue: overdue ? { since: account.overdueSince!, amount: roundMoney(owed.total) } : null,
    outstanding: roundMoney(owed.total),
    suspensionQuota: dec(account.suspensionQuota),
    quotaFormula: QUOTA_FORMULA,
    paygStoppedSince: account.paygStoppedSince,
    resources,
  };
}
export type OverdueStatus = Awaited<ReturnType<typeof getOverdueStatus>>;

/**
 * What the frame of every console page shows, in one round trip: the account,
 * the overdue banner (null unless overdue: the outstanding amount, summed only
 * then) and the caller's unread alert count (alerts after their last read).
 */
export async function getConsoleShell(caller: Caller, accountId?: string) {
  const id = tenantOf(caller, accountId);
  const userId = caller.kind === "user" ? caller.userId : null;
  const db = await getDb();
  const [row] = await db
    .select({
      account: accounts,
      owed: sql<string | null>`case when ${accounts.overdueSince} is not null then
        ${keptOutstanding(id)}::text end`,
      unread: sql<number>`(select count(*)::int from alerts a where a.account_id = ${id} and a.created_at >
        coalesce((select r.read_until from alert_reads r where r.account_id = ${id} and r.user_id = ${userId}), '-infinity'::timestamptz))`,
    })
    .from(accounts)
    .where(eq(accounts.id, id));
  if (!row) throw new NotFoundError(`Account ${id} not found.`);
  const { account, owed } = row;
  const overdue = account.overdueSince && owed !== null
    ? { since: account.overdueSince, amount: roundMoney(owed), currency: account.currency, timeZone: account.timeZone }
    : null;
  return { account, overdue, unread: Number(row.unread) };
}
