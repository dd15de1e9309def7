import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, coupons, ledgerEntries, users, vouchers } from "@/db/schema";
import { dec } from "@/lib/money";
import { NotFoundError } from "@/lib/errors";
import { tenantOf, type Caller } from "./caller";

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
