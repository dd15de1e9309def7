// An account's money instruments as settlement sees them, loaded once per
// settlement run and written back in bulk.
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { coupons, ledgerEntries, resourcePlans, vouchers } from "@/db/schema";
import { dec, toFixedString } from "@/lib/money";
import type Decimal from "decimal.js";
import type { Coupon, ResourcePlan, Voucher } from "./settle";

export interface Instruments {
  plans: ResourcePlan[];
  coupons: Coupon[];
  vouchers: Voucher[];
  balance: Decimal;
}

/** `held: false`: the caller knows the account holds no plan, coupon or voucher; only the balance is read. */
export async function loadInstruments(tx: Tx, accountId: string, held = true): Promise<Instruments> {
  // Row locks: concurrent settlements of one account queue behind each other.
  const [planRows, couponRows, voucherRows, [bal]] = await Promise.all([
    held ? tx.select().from(resourcePlans).where(eq(resourcePlans.accountId, accountId)).for("update") : [],
    held ? tx.select().from(coupons).where(eq(coupons.accountId, accountId)).for("update") : [],
    held ? tx.select().from(vouchers).where(eq(vouchers.accountId, accountId)).for("update") : [],
    tx
      .select({ balance: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.accountId, accountId)),
  ]);
  return {
    plans: planRows.map((p) => ({
      id: p.id,
      product: p.billableItemId.split(".")[0],
      item: p.billableItemId,
      remaining: dec(p.remainingQuantity),
      validFrom: p.validFrom,
      validTo: p.expiresAt,
    })),
    coupons: couponRows.map((c) => ({
      id: c.id,
      products: c.productIds.length ? c.productIds : null,
      percentOff: dec(c.discountPercent),
      amountOff: c.amountOff === null ? null : dec(c.amountOff),
      remaining: dec(c.remaining),
      usageLimit: c.usageLimit,
      timesUsed: c.timesUsed,
      validFrom: c.validFrom,
      validTo: c.expiresAt,
    })),
    vouchers: voucherRows.map((v) => ({
      id: v.id,
      products: v.productIds.length ? v.productIds : null,
      remaining: dec(v.remaining),
      validFrom: v.validFrom,
      validTo: v.expiresAt,
    })),
    balance: dec(bal.balance),
  };
}

/** Write back what changed (only instruments whose remaining moved). */
export async function saveInstruments(tx: Tx, accountId: string, before: Instruments, after: Instruments): Promise<void> {
  const changed = <T extends { id: string; remaining: Decimal }>(a: T[], b: T[]) => {
    const old = new Map(a.map((x) => [x.id, x.remaining]));
    return b.filter((x) => !old.get(x.id)?.equals(x.remaining));
  };
  for (const p of changed(before.plans, after.plans)) {
    await tx
      .update(resourcePlans)
      .set({ remainingQuantity: p.remaining.toFixed(6) })
      .where(and(eq(resourcePlans.accountId, accountId), eq(resourcePlans.id, p.id)));
  }
  // Every use takes something off, so a coupon whose remaining moved is also one whose uses moved.
  for (const c of changed(before.coupons, after.coupons)) {
    await tx
      .update(coupons)
      .set({ remaining: toFixedString(c.remaining), timesUsed: c.timesUsed ?? 0 })
      .where(and(eq(coupons.accountId, accountId), eq(coupons.id, c.id)));
  }
  for (const v of changed(before.vouchers, after.vouchers)) {
    await tx.update(vouchers).set({ remaining: toFixedString(v.remaining) }).where(and(eq(vouchers.accountId, accountId), eq(vouchers.id, v.id)));
  }
}

