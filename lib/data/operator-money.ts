import "server-only";
// What the provider's operators do to an account's money: issue and revoke
// vouchers and coupons, change the credit limit or (while nothing is billed)
// the currency, and adjust a closed cycle. Each runs in one transaction with
// the account locked, writes its audit entry (who, what, why) in it, and
// moves money only through lib/billing's settlement (the one writer).
import { and, count, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Tx } from "@/db/client";
import { accounts, billLines, coupons, CURRENCIES, ledgerEntries, orders, products, vouchers, type Account } from "@/db/schema";
import { accountNow } from "@/lib/clock";
import { BadRequestError, ConflictError, NotFoundError } from "@/lib/errors";
import { newId, randomSecret } from "@/lib/ids";
import { dec, toFixedString } from "@/lib/money";
import { lockAccount } from "@/lib/billing/settlement";
import { writeAudit } from "@/lib/lifecycle/audit";
import { clearOverdueIfPaidDown } from "@/lib/overdue/transitions";
import { actorOf, tenantOf, type Caller } from "./caller";
import { requireOperator } from "./operator-keys";
import { parseInput } from "./validate";

export const amount = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, "must be a positive amount with at most 2 decimals, e.g. 25.00")
  // zod runs refinements even after the regex failed: test the text, never parse it here.
  .refine((s) => !/^0*(\.0*)?$/.test(s), "must be more than zero");
export const reason = z.string().trim().min(3, "say why (at least 3 characters)").max(500);
const instant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 instant, e.g. 2026-12-31T00:00:00Z" });
const code = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$/, "use 3–40 letters, digits, _ or -");
const productIds = z.array(z.string().min(1).max(100)).max(50).default([]);

const validity = { validFrom: instant.optional(), expiresAt: instant };

// Fields share the checks above; each describes itself (a new schema), so the documents do not mix them up.
export const voucherInput = z.strictObject({ code: code.optional(), amount: amount.describe("Face value: a positive amount with at most 2 decimals"), productIds, ...validity, reason });

export const couponInput = z
  .strictObject({
    code: code.optional(),
    percentOff: z
      .string()
      .trim()
      .regex(/^\d{1,3}(\.\d{1,2})?$/, "must be a percentage with at most 2 decimals, e.g. 15")
      .refine((s) => /^\d{1,3}(\.\d{1,2})?$/.test(s) && dec(s).gt(0) && dec(s).lte(100), "must be more than 0 and at most 100")
      .optional(),
    amountOff: amount.describe("A fixed amount off each line or order instead (never more than the line)").optional(),
    maxValue: amount.describe("The most the coupon takes off in total"),
    usageLimit: z.number().int().min(1).max(1_000_000).optional(),
    productIds,
    ...validity,
    reason,
  })
  .refine((c) => (c.percentOff === undefined) !== (c.amountOff === undefined), { message: "give exactly one of percentOff and amountOff", path: ["percentOff"] });

export const accountTermsInput = z
  .strictObject({ creditLimit: z.string().trim().regex(/^\d{1,12}(\.\d{1,2})?$/, "must be a non-negative amount with at most 2 decimals").optional(), currency: z.enum(CURRENCIES).optional(), reason })
  .refine((t) => t.creditLimit !== undefined || t.currency !== undefined, { message: "give creditLimit, currency or both", path: ["creditLimit"] });

export const revokeInput = z.strictObject({ reason });

const issuer = (caller: Extract<Caller, { kind: "operator" }>) => caller.operatorName ?? caller.operatorId ?? "operator";

/** Run `fn` with the account locked, as the operator, at the account's now. */
export async function asOperator<T>(caller: Caller, accountId: string | undefined, fn: (tx: Tx, account: Account, now: Date, by: string) => Promise<T>): Promise<T> {
  requireOperator(caller);
  const id = tenantOf(caller, accountId);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, id);
    return fn(tx, account, accountNow(account), issuer(caller));
  });
}

async function checkScope(tx: Tx, ids: string[]) {
  if (!ids.length) return;
  const known = new Set((await tx.select({ id: products.id }).from(products).where(inArray(products.id, ids))).map((p) => p.id));
  const i = ids.findIndex((p) => !known.has(p));
  if (i >= 0) throw new BadRequestError(`productIds[${i}]: no product ${ids[i]} in the catalog`);
}

function checkValidity(v: { validFrom?: string; expiresAt: string }, now: Date) {
  const from = v.validFrom ? new Date(v.validFrom) : now;
  const to = new Date(v.expiresAt);
  if (to <= from) throw new BadRequestError("expiresAt: must be after validFrom");
  if (to <= now) throw new BadRequestError("expiresAt: must be in the future");
  return { validFrom: from, expiresAt: to };
}

async function codeFree(tx: Tx, table: typeof vouchers | typeof coupons, accountId: string, value: string) {
  const [taken] = await tx.select({ id: table.id }).from(table).where(and(eq(table.accountId, accountId), eq(table.code, value)));
  if (taken) throw new ConflictError(`Code ${value} is already used in account ${accountId} (${taken.id}); a retried request is not issued twice.`);
}

const newCode = (prefix: string) => `${prefix}-${randomSecret(6).replace(/[^A-Za-z0-9]/g, "X").toUpperCase()}`;

export async function issueVoucher(caller: Caller, accountId: string, input: unknown) {
  const data = parseInput(voucherInput, input);
  return asOperator(caller, accountId, async (tx, account, now, by) => {
    await checkScope(tx, data.productIds);
    const valid = checkValidity(data, now);
    const voucherCode = data.code ?? newCode("V");
    await codeFree(tx, vouchers, account.id, voucherCode);
    const value = toFixedString(data.amount);
    const [row] = await tx
      .insert(vouchers)
      .values({ accountId: account.id, id: newId("vch"), code: voucherCode, faceValue: value, remaining: value, productIds: data.productIds, ...valid, issuedBy: by, reason: data.reason })
      .returning();
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: "operator.voucher.issue",
      targetType: "voucher",
      targetId: row.id,
      amounts: { amount: value },
      details: { reason: data.reason, code: voucherCode, productIds: data.productIds, validFrom: valid.validFrom.toISOString(), expiresAt: valid.expiresAt.toISOString() },
    });
    return row;
  });
}

export async function issueCoupon(caller: Caller, accountId: string, input: unknown) {
  const data = parseInput(couponInput, input);
  return asOperator(caller, accountId, async (tx, account, now, by) => {
    await checkScope(tx, data.productIds);
    const valid = checkValidity(data, now);
    const couponCode = data.code ?? newCode("C");
    await codeFree(tx, coupons, account.id, couponCode);
    const max = toFixedString(data.maxValue);
    const [row] = await tx
      .insert(coupons)
      .values({
        accountId: account.id,
        id: newId("cpn"),
        code: couponCode,
        discountPercent: data.percentOff ?? "0",
        amountOff: data.amountOff === undefined ? null : toFixedString(data.amountOff),
        remaining: max,
        faceValue: max,
        usageLimit: data.usageLimit ?? null,
        productIds: data.productIds,
        ...valid,
        issuedBy: by,
        reason: data.reason,
      })
      .returning();
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: "operator.coupon.issue",
      targetType: "coupon",
      targetId: row.id,
      amounts: { maxValue: max, ...(row.amountOff ? { amountOff: toFixedString(row.amountOff) } : {}) },
      details: { reason: data.reason, code: couponCode, percentOff: data.percentOff ?? null, usageLimit: row.usageLimit, productIds: data.productIds, validFrom: valid.validFrom.toISOString(), expiresAt: valid.expiresAt.toISOString() },
    });
    return row;
  });
}

/** Take back what is left; what settlement already used stays on the lines it paid. */
export async function revokeVoucher(caller: Caller, accountId: string, voucherId: string, input: unknown) {
  const data = parseInput(revokeInput, input);
  return asOperator(caller, accountId, async (tx, account, now) => {
    const [v] = await tx.select().from(vouchers).where(and(eq(vouchers.accountId, account.id), eq(vouchers.id, voucherId))).for("update");
    if (!v) throw new NotFoundError(`No voucher ${voucherId} in account ${account.id}.`);
    if (v.revokedAt) throw new ConflictError(`Voucher ${v.code} was already revoked at ${v.revokedAt.toISOString()}.`);
    const [row] = await tx
      .update(vouchers)
      .set({ remaining: "0", revokedAt: now, revokedAmount: v.remaining })
      .where(and(eq(vouchers.accountId, account.id), eq(vouchers.id, v.id)))
      .returning();
    const used = toFixedString(dec(v.faceValue).minus(v.remaining));
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: "operator.voucher.revoke",
      targetType: "voucher",
      targetId: v.id,
      amounts: { revoked: toFixedString(v.remaining), used },
      details: { reason: data.reason, code: v.code },
    });
    return row;
  });
}

export async function revokeCoupon(caller: Caller, accountId: string, couponId: string, input: unknown) {
  const data = parseInput(revokeInput, input);
  return asOperator(caller, accountId, async (tx, account, now) => {
    const [c] = await tx.select().from(coupons).where(and(eq(coupons.accountId, account.id), eq(coupons.id, couponId))).for("update");
    if (!c) throw new NotFoundError(`No coupon ${couponId} in account ${account.id}.`);
    if (c.revokedAt) throw new ConflictError(`Coupon ${c.code} was already revoked at ${c.revokedAt.toISOString()}.`);
    const [row] = await tx
      .update(coupons)
      .set({ remaining: "0", revokedAt: now, revokedAmount: c.remaining })
      .where(and(eq(coupons.accountId, account.id), eq(coupons.id, c.id)))
      .returning();
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: "operator.coupon.revoke",
      targetType: "coupon",
      targetId: c.id,
      amounts: { revoked: toFixedString(c.remaining) },
      details: { reason: data.reason, code: c.code, timesUsed: c.timesUsed },
    });
    return row;
  });
}

/** Why an account's currency cannot change: money already recorded in the old one. */
async function currencyLocked(tx: Tx, account: Account): Promise<string | null> {
  const checks = [
    ["bill lines", billLines],
    ["ledger entries", ledgerEntries],
    ["orders", orders],
    ["vouchers", vouchers],
    ["coupons", coupons],
  ] as const;
  for (const [what, table] of checks) {
    const [{ n }] = await tx.select({ n: count() }).from(table).where(eq(table.accountId, account.id));
    if (n > 0) return `it has ${n} ${what} in ${account.currency}`;
  }
  return null;
}

/** The credit (overdraft) limit, and the currency while nothing is billed in it yet. */
export async function updateAccountTerms(caller: Caller, accountId: string, input: unknown) {
  const data = parseInput(accountTermsInput, input);
  return asOperator(caller, accountId, async (tx, account, now) => {
    const set: Partial<Account> = {};
    if (data.currency !== undefined && data.currency !== account.currency) {
      const why = await currencyLocked(tx, account);
      if (why) throw new ConflictError(`The currency of account ${account.id} cannot change from ${account.currency} to ${data.currency}: ${why}. It can change only while the account has no bill lines or money recorded.`);
      set.currency = data.currency;
    }
    if (data.creditLimit !== undefined) set.creditLimit = toFixedString(data.creditLimit);
    const from = { creditLimit: toFixedString(account.creditLimit), currency: account.currency };
    const to = { creditLimit: set.creditLimit ?? from.creditLimit, currency: set.currency ?? from.currency };
    const [row] = Object.keys(set).length ? await tx.update(accounts).set(set).where(eq(accounts.id, account.id)).returning() : [account];
    await writeAudit(tx, {
      accountId: account.id,
      at: now,
      actor: actorOf(caller),
      action: "operator.account.terms",
      targetType: "account",
      targetId: account.id,
      fromState: `credit limit ${from.creditLimit} · ${from.currency}`,
      toState: `credit limit ${to.creditLimit} · ${to.currency}`,
      amounts: { creditLimitBefore: from.creditLimit, creditLimitAfter: to.creditLimit },
      details: { reason: data.reason },
    });
    // A higher limit may cover what is owed: overdue ends as it would after a top-up.
    await clearOverdueIfPaidDown(tx, account.id, now);
    return row;
  });
}
