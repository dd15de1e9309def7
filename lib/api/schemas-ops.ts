// Response shapes of /api/ops/v1 in zod (see schemas.ts): the operator API's
// document is generated from these, and the contract test checks real answers.
import { z } from "zod";
import { BILLING_METHODS, CURRENCIES } from "@/db/schema";
import { Amount, amount, Decimal, instant, int, ninstant, nstr, str } from "./schemas";

const scope = z.array(z.string()).describe("Product scope; empty = every product");
const issued = { issuedBy: nstr("The operator who issued it (key name, or the CLI's --by)"), reason: nstr("Why it was issued") };
const revoked = {
  revokedAt: ninstant("When its unused part was taken back"),
  revokedAmount: Amount.nullable().describe("What revoking took back; what was used stays on the lines it paid"),
};

export const OpsVoucher = z
  .object({
    id: str("Voucher id"),
    code: str("Code, unique in the account"),
    faceValue: amount("Value when issued"),
    remaining: amount("What settlement can still use"),
    used: amount("What settlement has used: faceValue − remaining − revokedAmount"),
    productIds: scope,
    validFrom: instant("Valid from"),
    expiresAt: instant("Expires (exclusive)"),
    ...issued,
    ...revoked,
  })
  .meta({ id: "OpsVoucher", description: "Cash-like credit: pays lines after resource plans and coupons, soonest-expiring first" });

export const OpsCoupon = z
  .object({
    id: str("Coupon id"),
    code: str("Code, unique in the account"),
    percentOff: Decimal.nullable().describe("Percent off each line or order; null for an amount-off coupon"),
    amountOff: Amount.nullable().describe("Fixed amount off each line or order; null for a percent coupon"),
    maxValue: Amount.nullable().describe("The most it can take off in total (null: not recorded)"),
    remaining: amount("What it can still take off"),
    usageLimit: z.number().int().nullable().describe("Lines or orders it may apply to; null: no limit"),
    timesUsed: int("Lines or orders it has applied to"),
    productIds: scope,
    validFrom: instant("Valid from"),
    expiresAt: instant("Expires (exclusive)"),
    ...issued,
    ...revoked,
  })
  .meta({ id: "OpsCoupon", description: "A discount: applies after resource plans and before vouchers" });

export const OpsAdjustment = z
  .object({
    id: str("Adjustment id"),
    kind: z.enum(["credit", "debit"]),
    amount: amount("Positive; the kind says which way"),
    billingCycle: str("The closed cycle it corrects"),
    productId: str("The product whose bill it corrects"),
    billingMethod: z.enum(BILLING_METHODS),
    lineId: str("Its adjustment line (in the cycle open when it was made)"),
    inCycle: nstr("The cycle that line is in"),
    reason: str("Why"),
    issuedBy: str("The operator"),
    at: instant("When (the account's clock)"),
  })
  .meta({ id: "OpsAdjustment" });

export const OpsAccount = z
  .object({
    accountId: str("Account id"),
    name: str("Account name"),
    currency: z.enum(CURRENCIES),
    timeZone: str("IANA zone of the billing cycles"),
    asOf: instant("The account's clock"),
    balance: amount("Σ ledger entries"),
    creditLimit: amount("Credit (overdraft) limit"),
    outstandingAmount: amount("What is owed"),
    availableCredit: amount("balance + usable vouchers and coupons + creditLimit − outstandingAmount"),
    overdueSince: ninstant("Overdue since; null when not overdue"),
    vouchers: z.array(OpsVoucher),
    coupons: z.array(OpsCoupon),
    adjustments: z.array(OpsAdjustment),
  })
  .meta({ id: "OpsAccount" });

export const OpsAccountTerms = z
  .object({ accountId: str("Account id"), currency: z.enum(CURRENCIES), creditLimit: amount("Credit (overdraft) limit") })
  .meta({ id: "OpsAccountTerms" });
