// Shared set-up of the overdue and top-up time-travel tests: accounts,
// resources, the test clock (BILLING_TEST_CLOCK=1) and what to read back.
import { and, asc, eq, sql } from "drizzle-orm";
import { accounts, billLines, instances, instanceStateChanges, ledgerEntries, type Instance } from "@/db/schema";
import type { TenantCaller } from "@/lib/data/caller";
import { advanceTestClock } from "@/lib/data/test-clock";
import { dec } from "@/lib/money";
import { uniq, type useTestDatabase } from "./db";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function fixtures(t: ReturnType<typeof useTestDatabase>) {
  const db = () => t.handle().db;

  async function account(opts: { balance?: string; creditLimit?: string; prefix?: string } = {}) {
    const id = uniq(opts.prefix ?? "od");
    await db().insert(accounts).values({ id, name: id, currency: "USD", creditLimit: opts.creditLimit ?? "0" });
    if (opts.balance) {
      await db().insert(ledgerEntries).values({ accountId: id, id: `led_${id}_seed`, entryType: "top_up", amount: opts.balance, currency: "USD", at: new Date("2020-01-01T00:00:00Z") });
    }
    const caller: TenantCaller = { kind: "user", accountId: id, userId: "u-admin", role: "admin", email: "a@x.test", name: "Admin" };
    return { id, caller };
  }

  async function instance(accountId: string, v: Partial<typeof instances.$inferInsert> & Pick<Instance, "id" | "productId" | "regionId"> & { createdAt: Date }) {
    await db().insert(instances).values({ accountId, name: v.id, billingMethod: "payg", billingAnchorAt: v.createdAt, statusSince: v.createdAt, ...v });
  }

  /** A 5-instance acp.std.large group in cn-hangzhou: 1.62 per 4-hour period. */
  const phone = (accountId: string, createdAt: Date, id = "cp") =>
    instance(accountId, { id, productId: "cloud-phone", spec: "acp.std.large", regionId: "cn-hangzhou", instanceCount: 5, createdAt });

  async function get(accountId: string, id: string) {
    const [row] = await db().select().from(instances).where(and(eq(instances.accountId, accountId), eq(instances.id, id)));
    return row;
  }
  async function acc(accountId: string) {
    const [row] = await db().select().from(accounts).where(eq(accounts.id, accountId));
    return row;
  }
  async function history(accountId: string, id: string) {
    const rows = await db()
      .select()
      .from(instanceStateChanges)
      .where(and(eq(instanceStateChanges.accountId, accountId), eq(instanceStateChanges.instanceId, id)))
      .orderBy(asc(instanceStateChanges.at));
    return rows.map((r) => [r.fromStatus, r.toStatus, r.at.toISOString()]);
  }
  async function lines(accountId: string, instanceId?: string) {
    return db()
      .select()
      .from(billLines)
      .where(and(eq(billLines.accountId, accountId), ...(instanceId ? [eq(billLines.instanceId, instanceId)] : [])))
      .orderBy(asc(billLines.dueAt), asc(billLines.id));
  }
  async function ledger(accountId: string) {
    return db().select().from(ledgerEntries).where(eq(ledgerEntries.accountId, accountId)).orderBy(asc(ledgerEntries.at), asc(ledgerEntries.id));
  }
  async function balance(accountId: string) {
    const [r] = await db().select({ s: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` }).from(ledgerEntries).where(eq(ledgerEntries.accountId, accountId));
    return dec(r.s);
  }
  const clock = (caller: TenantCaller, at: Date) => advanceTestClock(caller, { now: at.toISOString() });

  return { db, account, instance, phone, get, acc, history, lines, ledger, balance, clock };
}
