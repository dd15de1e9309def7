// Lifecycle quotes (docs/billing-rules.md#lifecycle-actions): what an action will charge or refund,
// and why it is refused. Pure: the data layer gathers the context, this decides.
// The same functions price the quote the admin sees and the order that charges.
import { addMonths } from "@/lib/billing/cycle";
import { findItem, findPrice, findProduct, isTrialSpec, subscriptionItemOf, termDiscountOf, type Catalog } from "@/lib/billing/catalog";
import { ratingRule } from "@/lib/billing/rules/index";
import { changeDifference, DURATIONS, orderAmount, unsubscribeRefund } from "@/lib/billing/rules/subscription";
import type { BillingMethod, InstanceStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { dec, roundMoney, sum, toFixedString, ZERO } from "@/lib/money";
import type { LifecycleInput } from "./input";

/** A lifecycle action that its prerequisites do not allow: 409 with the reason. */
export class ActionRefusedError extends AppError {
  constructor(message: string) {
    super(message, 409, "action_refused");
  }
}

export const ORDER_TYPES = ["new", "renewal", "upgrade", "downgrade", "conversion", "refund"] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export interface ResourceState {
  id: string;
  productId: string;
  spec: string | null;
  regionId: string;
  instanceCount: number;
  billingMethod: BillingMethod;
  status: InstanceStatus;
  billingAnchorAt: Date;
  expiresAt: Date | null;
}

/** A paid order of the resource whose term has not ended: what unsubscribing refunds from. */
export interface TermOrder {
  orderType: OrderType;
  termStart: Date;
  termEnd: Date;
  months: number | null;
  /** Cash moved by the order: paid from balance (> 0) or refunded to it (< 0). */
  cash: string;
}

export interface QuoteContext {
  catalog: Catalog;
  account: { currency: "USD" | "RUB" | "KZT"; timeZone: string; overdueSince: Date | null };
  resource: ResourceState;
  now: Date;
  /** An unpaid order of the account, other than the one being paid. */
  unpaidOrderNo: string | null;
  termOrders: TermOrder[];
}

export interface Quote {
  action: LifecycleInput["action"];
  orderType: OrderType;
  instanceId: string;
  spec: string | null;
  months: number | null;
  instanceCount: number;
  termStart: Date;
  termEnd: Date;
  currency: string;
  originalAmount: string;
  discountAmount: string;
  /** Signed: > 0 is charged, < 0 is refunded to the balance. */
  payableAmount: string;
  /** Switch: the running pay-as-you-go period, charged up to the switch instant. */
  paygFinalCharge: string | null;
  /** The formula, worked, for the admin to read before confirming. */
  explanation: string[];
  /** The same lines as keys and values, for the console to word in the user's language. */
  steps: QuoteStep[];
}

/**
 * One line of a quote's worked formula. Amounts are 2-decimal strings, prices
 * and hours exact decimal strings, `rate` a fraction ("0.15"), the rest counts
 * or ids. The API's English `explanation` is made from the same steps.
 */
export type QuoteStep =
  | { key: "monthly"; values: { price: string; currency: string; months: number; instances: number; amount: string } }
  | { key: "discount"; values: { months: number; rate: string; amount: string } }
  | { key: "paygStop"; values: { hours: string; price: string; instances: number; amount: string } }
  | { key: "specTerm"; values: { from: string; fromValue: string; to: string; toValue: string; months: number } }
  | { key: "specDiff"; values: { fromValue: string; toValue: string; remainingSeconds: number; termSeconds: number; amount: string } }
  | { key: "orderRefund"; values: { orderType: string; cash: string; unused: number; termDays: number; amount: string } }
  | { key: "refund"; values: { amount: string } };
export const QUOTE_STEPS = ["monthly", "discount", "paygStop", "specTerm", "specDiff", "orderRefund", "refund"] as const satisfies readonly QuoteStep["key"][];

/** A step in English, as the API's `explanation` carries it. */
export function stepInEnglish(step: QuoteStep): string {
  switch (step.key) {
    case "monthly": {
      const v = step.values;
      return `${v.price} ${v.currency}/month × ${v.months} month(s) × ${v.instances} instance(s) = ${v.amount}`;
    }
    case "discount":
      return `${step.values.months}-month discount ${dec(step.values.rate).times(100).toString()}%: −${step.values.amount}`;
    case "paygStop": {
      const v = step.values;
      return `Pay-as-you-go stops now: the running period is charged for ${v.hours} h × ${v.price} × ${v.instances} = ${v.amount}`;
    }
    case "specTerm": {
      const v = step.values;
      return `Term value ${v.from} ${v.fromValue} → ${v.to} ${v.toValue} over ${v.months} month(s)`;
    }
    case "specDiff": {
      const v = step.values;
      return `(${v.toValue} − ${v.fromValue}) × ${v.remainingSeconds} s remaining / ${v.termSeconds} s term = ${v.amount}`;
    }
    case "orderRefund": {
      const v = step.values;
      return `${v.orderType}: cash ${v.cash} × ${v.unused} unused day(s) / ${v.termDays} = ${v.amount}`;
    }
    case "refund":
      return `Refund to balance ${step.values.amount} (vouchers and coupons are not refunded); the resource is released.`;
  }
}

/** The quote's formula both ways: steps for the console, English lines for the API. */
const worked = (steps: QuoteStep[]) => ({ steps, explanation: steps.map(stepInEnglish) });

const fmt = (v: { toFixed(n: number): string }) => v.toFixed(2);

export function monthlyPrice(ctx: QuoteContext, spec: string | null) {
  const r = ctx.resource;
  return findPrice(ctx.catalog, { itemId: subscriptionItemOf(ctx.catalog, r.productId), regionId: r.regionId, spec, billingMethod: "subscription", currency: ctx.account.currency, at: ctx.now }).unitPrice;
}

const productName = (ctx: QuoteContext) => findProduct(ctx.catalog, ctx.resource.productId)?.name ?? ctx.resource.productId;

function refuseWhenOverdue(ctx: QuoteContext, what: string) {
  if (ctx.account.overdueSince) {
    throw new ActionRefusedError(
      `The account is overdue since ${ctx.account.overdueSince.toISOString()}: ${what} refused until what is due is paid (top up first).`,
    ).keyed("overdueRefused", { since: ctx.account.overdueSince.toISOString(), what: what.split(" ")[0] });
  }
}

function refuseWhenUnpaidOrder(ctx: QuoteContext) {
  if (ctx.unpaidOrderNo) {
    throw new ActionRefusedError(`The account has an unpaid order ${ctx.unpaidOrderNo}: pay or cancel it first.`).keyed("unpaidOrder", { orderNo: ctx.unpaidOrderNo });
  }
}

function refuseUnlessSubscription(ctx: QuoteContext, verb: string) {
  if (ctx.resource.billingMethod !== "subscription") {
    throw new ActionRefusedError(`Only a subscription can be ${verb}; ${ctx.resource.id} is billed ${ctx.resource.billingMethod === "payg" ? "pay-as-you-go" : "free"}.`);
  }
}

function refuseReleased(ctx: QuoteContext) {
  if (ctx.resource.status === "released") throw new ActionRefusedError(`${ctx.resource.id} has been released.`);
}

function base(ctx: QuoteContext, action: Quote["action"], orderType: OrderType) {
  return { action, orderType, instanceId: ctx.resource.id, instanceCount: ctx.resource.instanceCount, currency: ctx.account.currency, paygFinalCharge: null };
}

/** Pay-as-you-go → subscription, or the refused way back. */
export function quoteSwitch(ctx: QuoteContext, input: { months: number; billingMethod: "subscription" | "payg" }): Quote {
  const r = ctx.resource;
  const product = findProduct(ctx.catalog, r.productId);
  if (input.billingMethod === "payg") {
    if (product?.billingMethods.includes("payg") && r.billingMethod === "subscription")
      throw new ActionRefusedError(`${product.name} cannot switch from subscription back to pay-as-you-go.`);
    throw new ActionRefusedError(`Switching ${r.id} to pay-as-you-go is not offered.`);
  }
  if (r.billingMethod === "subscription") throw new ActionRefusedError(`${r.id} is already a subscription.`);
  if (!product?.billingMethods.includes("subscription")) throw new ActionRefusedError(`${product?.name ?? r.productId} is not sold by subscription.`);
  // The account's overdue is the cause of a resource's overdue state: name it first.
  refuseWhenOverdue(ctx, "purchases are");
  if (r.status !== "active") throw new ActionRefusedError(`${r.id} is ${r.status}: only an active resource can be switched to subscription.`);
  refuseWhenUnpaidOrder(ctx);

  const monthly = monthlyPrice(ctx, r.spec);
  const rate = termDiscountOf(ctx.catalog, r.productId, input.months);
  const amount = orderAmount({ monthlyPrice: monthly, months: input.months, instances: r.instanceCount, discountRate: rate });
  const termEnd = addMonths(ctx.now, input.months, ctx.account.timeZone);
  let paygFinalCharge: string | null = null;
  const steps: QuoteStep[] = [
    { key: "monthly", values: { price: monthly.toString(), currency: ctx.account.currency, months: input.months, instances: r.instanceCount, amount: fmt(amount.original) } },
  ];
  if (amount.discount.gt(0)) steps.push({ key: "discount", values: { months: input.months, rate: rate.toString(), amount: fmt(amount.discount) } });
  // A rule that bills pay-as-you-go in periods charges the running one up to the switch instant (the jobs bill it).
  const itemId = subscriptionItemOf(ctx.catalog, r.productId);
  const switchCharge = ratingRule(findItem(ctx.catalog, itemId)!.rule).switchCharge;
  if (switchCharge) {
    const hourly = findPrice(ctx.catalog, { itemId, regionId: r.regionId, spec: r.spec, billingMethod: "payg", currency: ctx.account.currency, at: r.billingAnchorAt }).unitPrice;
    const last = switchCharge({ anchorAt: r.billingAnchorAt, unitPrice: hourly, instances: r.instanceCount, at: ctx.now });
    if (last) {
      paygFinalCharge = fmt(last.amount);
      steps.push({ key: "paygStop", values: { hours: last.quantity.toString(), price: hourly.toString(), instances: r.instanceCount, amount: paygFinalCharge } });
    }
  }
  return {
    ...base(ctx, "switch", "conversion"),
    spec: r.spec,
    months: input.months,
    termStart: ctx.now,
    termEnd,
    originalAmount: fmt(amount.original),
    discountAmount: fmt(amount.discount),
    payableAmount: fmt(amount.payable),
    paygFinalCharge,
    ...worked(steps),
  };
}

/** Manual renewal (also what auto-renewal orders at expiry). */
export function quoteRenew(ctx: QuoteContext, input: { months: number }): Quote {
  const r = ctx.resource;
  refuseUnlessSubscription(ctx, "renewed");
  refuseReleased(ctx);
  if (isTrialSpec(ctx.catalog, r.productId, r.spec)) throw new ActionRefusedError(`The ${productName(ctx)} free trial package cannot be renewed.`);
  refuseWhenOverdue(ctx, "renewals are");
  refuseWhenUnpaidOrder(ctx);
  // A renewal extends a package; it is not a new purchase, so the monthly purchase limit does not apply.
  const monthly = monthlyPrice(ctx, r.spec);
  const rate = termDiscountOf(ctx.catalog, r.productId, input.months);
  const amount = orderAmount({ monthlyPrice: monthly, months: input.months, instances: r.instanceCount, discountRate: rate });
  // Renewal extends the current end; an expired resource starts a new term now.
  const termStart = r.expiresAt && r.expiresAt > ctx.now ? r.expiresAt : ctx.now;
  const steps: QuoteStep[] = [
    { key: "monthly", values: { price: monthly.toString(), currency: ctx.account.currency, months: input.months, instances: r.instanceCount, amount: fmt(amount.original) } },
  ];
  if (amount.discount.gt(0)) steps.push({ key: "discount", values: { months: input.months, rate: rate.toString(), amount: fmt(amount.discount) } });
  return {
    ...base(ctx, "renew", "renewal"),
    spec: r.spec,
    months: input.months,
    termStart,
    termEnd: addMonths(termStart, input.months, ctx.account.timeZone),
    originalAmount: fmt(amount.original),
    discountAmount: fmt(amount.discount),
    payableAmount: fmt(amount.payable),
    ...worked(steps),
  };
}

/** The current term: from the earliest unexpired purchase to the end date. */
function currentTerm(ctx: QuoteContext): { start: Date; end: Date; months: number } {
  const purchases = ctx.termOrders.filter((o) => ["new", "conversion", "renewal"].includes(o.orderType) && o.months);
  const end = ctx.resource.expiresAt;
  if (!purchases.length || !end || end <= ctx.now) throw new ActionRefusedError(`${ctx.resource.id} has no running subscription term.`);
  const start = new Date(Math.min(...purchases.map((o) => o.termStart.getTime())));
  return { start, end, months: purchases.reduce((m, o) => m + (o.months ?? 0), 0) };
}

/** What a package/spec is worth over the whole current term (0 for the free trial). */
function termValue(ctx: QuoteContext, spec: string, months: number) {
  if (isTrialSpec(ctx.catalog, ctx.resource.productId, spec)) return ZERO;
  const rate = DURATIONS.includes(months) ? termDiscountOf(ctx.catalog, ctx.resource.productId, months) : ZERO;
  return roundMoney(monthlyPrice(ctx, spec).times(months).times(ctx.resource.instanceCount).times(dec(1).minus(rate)));
}

/** Upgrade / downgrade: end date unchanged, the difference over the remaining time. */
export function quoteChangeSpec(ctx: QuoteContext, input: { spec: string }): Quote {
  const r = ctx.resource;
  const product = findProduct(ctx.catalog, r.productId);
  if (!product?.attributes.specChanges) throw new ActionRefusedError(`${product?.name ?? r.productId} has no packages, editions or specs to change.`);
  refuseUnlessSubscription(ctx, "upgraded or downgraded");
  if (r.status !== "active") throw new ActionRefusedError(`${r.id} is ${r.status}: only an active resource can change spec.`);
  if (!product?.specs.some((s) => s.id === input.spec)) throw new ActionRefusedError(`${product?.name ?? r.productId} has no spec "${input.spec}".`);
  if (input.spec === r.spec) throw new ActionRefusedError(`${r.id} already has spec ${input.spec}.`);
  if (isTrialSpec(ctx.catalog, r.productId, input.spec)) throw new ActionRefusedError(`The ${product.name} free trial package cannot be bought by a package change.`);
  refuseWhenOverdue(ctx, "upgrades and downgrades are");
  refuseWhenUnpaidOrder(ctx);
  const term = currentTerm(ctx);
  const oldValue = termValue(ctx, r.spec ?? "", term.months);
  const newValue = termValue(ctx, input.spec, term.months);
  const diff = changeDifference({ oldValue, newValue, termStart: term.start, termEnd: term.end, at: ctx.now });
  // Upgrades and downgrades change a package in place, at any time in its term: they are not new purchases.
  return {
    ...base(ctx, "change-spec", diff.amount.lt(0) ? "downgrade" : "upgrade"),
    spec: input.spec,
    months: null,
    termStart: ctx.now,
    termEnd: term.end,
    originalAmount: fmt(diff.amount),
    discountAmount: "0.00",
    payableAmount: fmt(diff.amount),
    ...worked([
      { key: "specTerm", values: { from: String(r.spec), fromValue: fmt(oldValue), to: input.spec, toValue: fmt(newValue), months: term.months } },
      { key: "specDiff", values: { fromValue: fmt(oldValue), toValue: fmt(newValue), remainingSeconds: diff.remainingSeconds, termSeconds: diff.termSeconds, amount: fmt(diff.amount) } },
    ]),
  };
}

/** Unsubscribe: the whole resource; cash paid × unused whole days / term days, per order. */
export function quoteUnsubscribe(ctx: QuoteContext, input: { instanceCount?: number }): Quote {
  const r = ctx.resource;
  refuseUnlessSubscription(ctx, "unsubscribed");
  refuseReleased(ctx);
  if (input.instanceCount !== undefined && input.instanceCount !== r.instanceCount) {
    throw new ActionRefusedError(`An instance group is unsubscribed as a whole: all ${r.instanceCount} instances, not ${input.instanceCount}.`);
  }
  const steps: QuoteStep[] = [];
  const parts = ctx.termOrders.map((o) => {
    const cash = dec(o.cash);
    if (cash.isZero()) return ZERO;
    const r1 = unsubscribeRefund({ cashPaid: cash.abs(), termStart: o.termStart, termEnd: o.termEnd, at: ctx.now, tz: ctx.account.timeZone });
    const signed = cash.lt(0) ? r1.refund.negated() : r1.refund;
    steps.push({ key: "orderRefund", values: { orderType: o.orderType, cash: fmt(cash), unused: r1.unusedDays, termDays: r1.termDays, amount: fmt(signed) } });
    return signed;
  });
  const total = sum(parts);
  const refund = total.gt(0) ? total : ZERO;
  steps.push({ key: "refund", values: { amount: fmt(refund) } });
  const neg = refund.negated();
  return {
    ...base(ctx, "unsubscribe", "refund"),
    spec: r.spec,
    months: null,
    termStart: ctx.now,
    termEnd: ctx.now,
    originalAmount: toFixedString(neg),
    discountAmount: "0.00",
    payableAmount: toFixedString(neg),
    ...worked(steps),
  };
}

export function quoteAction(ctx: QuoteContext, input: LifecycleInput): Quote {
  switch (input.action) {
    case "switch":
      return quoteSwitch(ctx, input);
    case "renew":
      return quoteRenew(ctx, input);
    case "change-spec":
      return quoteChangeSpec(ctx, input);
    case "unsubscribe":
      return quoteUnsubscribe(ctx, input);
  }
}
