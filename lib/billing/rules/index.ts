// The registry of rating rules, keyed by the catalog's rule name. The engine
// rates each catalog item with the module its `rule` names.
import type { Rule } from "../catalog";
import { defineRule, type RatingRule } from "./contract";
import { egressTieredRule, trafficFreeRule } from "./egress-tiered";
import { freeRule, hourlyRule } from "./flat";
import { perScanRule } from "./per-scan";
import { phonePeriodRule } from "./phone-period";
import { storageGbMonthRule } from "./storage-gb-month";

/** Subscriptions are rated per order (settlement), never from usage. */
const subscriptionRule = defineRule({ rule: "subscription", select: "none", rate: () => ({ lines: [] }) });
/** Counted against the subscribed package's quota (lib/billing/quota.ts): prepaid, never charged. */
const packageQuotaRule = defineRule({ rule: "package-quota", select: "none", rate: () => ({ lines: [] }) });

export const RATING_RULES: { readonly [R in Rule]: RatingRule } = {
  "phone-period": phonePeriodRule as RatingRule,
  "storage-gb-month": storageGbMonthRule as RatingRule,
  "egress-tiered": egressTieredRule as RatingRule,
  "traffic-free": trafficFreeRule as RatingRule,
  "per-scan": perScanRule as RatingRule,
  subscription: subscriptionRule as RatingRule,
  free: freeRule as RatingRule,
  hourly: hourlyRule as RatingRule,
  "package-quota": packageQuotaRule as RatingRule,
};

export function ratingRule(rule: Rule): RatingRule {
  return RATING_RULES[rule];
}
