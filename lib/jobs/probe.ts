// What one account's billing jobs have to do, learnt up front: most accounts at
// a month close have pay-as-you-go resources and usage and nothing else — no
// unpaid order, no plan, coupon or voucher, no charge period, no alert rule, no
// webhook — and every step that finds nothing still costs a statement. The
// account is locked for the run, then one statement reads those facts and one its
// instances (sent together); the jobs skip the steps with nothing to act on.
import { eq, sql } from "drizzle-orm";
import { query, type Tx } from "@/db/client";
import { accounts, instances, products, type Account } from "@/db/schema";
import type { PolicyInstance } from "@/lib/overdue/transitions";

export interface AccountProbe {
  account: Account;
  /** Every instance of the account, released ones too, with its product's overdue policy. */
  instances: PolicyInstance[];
  unpaidOrders: boolean;
  /** Any resource plan, coupon or voucher (settlement's instruments besides the balance). */
  instruments: boolean;
  /** Any bill_line_periods row. */
  periods: boolean;
  alertRules: boolean;
  /** The enabled webhook endpoints. */
  endpoints: { id: string; events: string[] }[];
}

export async function probeAccount(tx: Tx, accountId: string): Promise<AccountProbe | null> {
  // The lock first, awaited; then the facts and instances (sent together). A statement that waited for
  // the lock reads other tables as they were when it began, and so did statements pipelined behind it
  // (measured on PostgreSQL 15 with postgres.js): either could miss what the lock's holder committed.
  const [locked] = await tx.select().from(accounts).where(eq(accounts.id, accountId)).for("update");
  const [[row], insts] = await Promise.all([
    query<Omit<AccountProbe, "account" | "instances" | "endpoints"> & { endpoints: string | AccountProbe["endpoints"] }>(
      tx,
      sql`select exists (select 1 from orders where account_id = ${accountId} and status = 'unpaid') as "unpaidOrders",
        (exists (select 1 from resource_plans where account_id = ${accountId})
          or exists (select 1 from coupons where account_id = ${accountId})
          or exists (select 1 from vouchers where account_id = ${accountId})) as instruments,
        exists (select 1 from bill_line_periods where account_id = ${accountId}) as periods,
        exists (select 1 from alert_rules where account_id = ${accountId}) as "alertRules",
        (select coalesce(json_agg(json_build_object('id', e.id, 'events', e.events)), '[]'::json)
          from webhook_endpoints e where e.account_id = ${accountId} and e.enabled) as endpoints`,
    ),
    tx
      .select({ instance: instances, overduePolicy: products.overduePolicy })
      .from(instances)
      .innerJoin(products, eq(products.id, instances.productId))
      .where(eq(instances.accountId, accountId)),
  ]);
  if (!locked) return null;
  return {
    account: locked,
    instances: insts.map((r) => ({ ...r.instance, overduePolicy: r.overduePolicy })),
    unpaidOrders: row.unpaidOrders,
    instruments: row.instruments,
    periods: row.periods,
    alertRules: row.alertRules,
    endpoints: typeof row.endpoints === "string" ? JSON.parse(row.endpoints) : row.endpoints,
  };
}
