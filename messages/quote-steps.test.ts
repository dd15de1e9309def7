// The quote's worked formula, worded from its steps: English as the API says it,
// Russian with the locale's numbers and no English left.
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { formatterFor } from "@/i18n/format";
import { QUOTE_STEPS, stepInEnglish, type QuoteStep } from "@/lib/lifecycle/quote";
import en from "./en.json";
import ru from "./ru.json";
import { quoteStepText, type StepContext } from "@/components/lifecycle/quote-steps";

function ctx(locale: "en" | "ru"): StepContext {
  const messages = locale === "en" ? en : ru;
  const t = createTranslator({ locale, messages, namespace: "lifecycle" });
  const o = createTranslator({ locale, messages, namespace: "orderType" });
  return { t: (k, v) => t(k, v as never), orderType: (k) => o(k as never), f: formatterFor(locale) };
}

const STEPS: QuoteStep[] = [
  { key: "monthly", values: { price: "21.4953", currency: "USD", months: 3, instances: 2, amount: "128.97" } },
  { key: "discount", values: { months: 12, rate: "0.15", amount: "192.02" } },
  { key: "paygStop", values: { hours: "1.5", price: "0.0808", instances: 5, amount: "0.61" } },
  { key: "specTerm", values: { from: "2.5m-5", fromValue: "800.00", to: "5m-10", toValue: "2900.00", months: 1 } },
  { key: "specDiff", values: { fromValue: "800.00", toValue: "2900.00", remainingSeconds: 1296000, termSeconds: 2592000, amount: "1050.00" } },
  { key: "orderRefund", values: { orderType: "conversion", cash: "300.00", unused: 80, termDays: 90, amount: "266.67" } },
  { key: "refund", values: { amount: "266.67" } },
];

describe("quote steps", () => {
  it("covers every step the quote makes", () => {
    expect(STEPS.map((s) => s.key)).toEqual([...QUOTE_STEPS]);
  });

  it("in English reads as the API's explanation for amounts under a thousand", () => {
    for (const s of STEPS.slice(0, 3).concat(STEPS[6])) expect(quoteStepText(s, ctx("en"))).toBe(stepInEnglish(s));
    expect(quoteStepText(STEPS[5], ctx("en"))).toBe("Conversion: cash 300.00 × 80 unused day(s) / 90 = 266.67");
    expect(quoteStepText(STEPS[4], ctx("en"))).toBe("(2,900.00 − 800.00) × 1,296,000 s remaining / 2,592,000 s term = 1,050.00");
  });

  it("in Russian: Russian words, the locale's decimals and grouping, the order type translated", () => {
    const nbsp = "\u00a0";
    const [monthly, discount, payg, , diff, order, refund] = STEPS.map((s) => quoteStepText(s, ctx("ru")));
    expect(monthly).toBe("21,4953 USD/мес. × 3 мес. × 2 экземпляра = 128,97");
    expect(discount).toBe(`Скидка за 12 мес.: 15${nbsp}%, −192,02`);
    expect(payg).toContain("1,5 ч × 0,0808 × 5 = 0,61");
    expect(diff).toBe(`(2${nbsp}900,00 − 800,00) × 1${nbsp}296${nbsp}000 с осталось / 2${nbsp}592${nbsp}000 с срока = 1${nbsp}050,00`);
    expect(order).toBe("Перевод: оплачено 300,00 × 80 неиспользованных дней / 90 = 266,67");
    expect(refund).toMatch(/^Возврат на баланс 266,67/);
    for (const line of STEPS.map((s) => quoteStepText(s, ctx("ru")))) expect(line).not.toMatch(/month|instance|cash|Refund|unused/);
  });
});
