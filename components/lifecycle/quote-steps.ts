// A quote's worked formula in the user's language: the quote gives each line as
// a key and values (its English `explanation` is for the API); amounts and prices
// are written as the locale writes numbers, the currency named once in the line.
import type { Formatter } from "@/i18n/format";
import type { QuoteStep } from "@/lib/data/lifecycle";

export interface StepContext {
  /** The lifecycle namespace's translator. */
  t: (key: `step.${QuoteStep["key"]}`, values: Record<string, string | number>) => string;
  /** The orderType namespace's translator. */
  orderType: (key: string) => string;
  f: Formatter;
}

const ORDER_TYPES = ["new", "renewal", "upgrade", "downgrade", "conversion", "refund"];

export function quoteStepText(step: QuoteStep, { t, orderType, f }: StepContext): string {
  switch (step.key) {
    case "monthly":
      return t("step.monthly", { ...step.values, price: f.quantity(step.values.price), amount: f.amount(step.values.amount) });
    case "paygStop": {
      const v = step.values;
      return t("step.paygStop", { ...v, hours: f.quantity(v.hours), price: f.quantity(v.price), amount: f.amount(v.amount) });
    }
    case "discount":
      return t("step.discount", { months: step.values.months, percent: f.percent(step.values.rate), amount: f.amount(step.values.amount) });
    case "specTerm":
      return t("step.specTerm", { ...step.values, fromValue: f.amount(step.values.fromValue), toValue: f.amount(step.values.toValue) });
    case "specDiff": {
      const v = step.values;
      return t("step.specDiff", {
        fromValue: f.amount(v.fromValue), toValue: f.amount(v.toValue), remainingSeconds: f.count(v.remainingSeconds), termSeconds: f.count(v.termSeconds), amount: f.amount(v.amount),
      });
    }
    case "orderRefund": {
      const v = step.values;
      const type = ORDER_TYPES.includes(v.orderType) ? orderType(v.orderType) : v.orderType;
      return t("step.orderRefund", { ...v, orderType: type, cash: f.amount(v.cash), amount: f.amount(v.amount) });
    }
    case "refund":
      return t("step.refund", { amount: f.amount(step.values.amount) });
  }
}
