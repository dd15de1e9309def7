// The extended suspension quota (docs/billing-rules.md#extended-suspension-quota), recomputed by the jobs each
// billing cycle:
//
//   quota = round₂( QUOTA_SHARE × Σ pretax of last cycle's pay-as-you-go lines )
//
// i.e. a quarter of what the account spent pay-as-you-go in the previous
// calendar cycle (its own time zone). While the account is overdue,
// pay-as-you-go resources whose policy has trigger "quota" keep running as long
// as outstanding − credit limit ≤ quota; a new account (no last cycle) has 0.
import type Decimal from "decimal.js";
import { dec, roundMoney, sum, type DecimalInput } from "@/lib/money";

export const QUOTA_SHARE = dec("0.25");

export function suspensionQuota(lastCyclePaygPretax: Iterable<DecimalInput>): Decimal {
  const spent = sum(lastCyclePaygPretax);
  return spent.gt(0) ? roundMoney(spent.times(QUOTA_SHARE)) : dec(0);
}

/** Pay-as-you-go keeps running while the overdue amount (beyond the credit limit) stays within the quota. */
export function paygStops(outstanding: DecimalInput, creditLimit: DecimalInput, quota: DecimalInput): boolean {
  return dec(outstanding).minus(dec(creditLimit)).gt(dec(quota));
}

export const QUOTA_FORMULA = "25 % of last billing cycle's pay-as-you-go spend (pretax), rounded to cents";
