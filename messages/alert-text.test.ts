// Alerts are stored with English title and message (for the API and webhooks);
// the console words them from kind and data in the user's language.
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { alertText, type AlertContext, type StoredAlert } from "@/components/alerts/alert-text";
import { formatterFor } from "@/i18n/format";
import en from "./en.json";
import ru from "./ru.json";

function ctx(locale: "en" | "ru"): AlertContext {
  const t = createTranslator({ locale, messages: locale === "en" ? en : ru, namespace: "alertText" });
  return {
    t: (key, values) => t(key, values as never),
    f: formatterFor(locale),
    timeZone: "Europe/Moscow",
    productName: (id) => ({ "cloud-phone": "Cloud Phone" })[id] ?? id,
  };
}
const stored = { title: "stored title", message: "stored message" };
// Intl's own output for the exact amounts (no hand-made separators in the expectations).
const rub = (v: string, locale: string) => new Intl.NumberFormat(locale, { style: "currency", currency: "RUB", currencyDisplay: "narrowSymbol", minimumFractionDigits: 2 }).format(v as never);

describe("alertText", () => {
  it("words a low-balance alert and its clearing with the locale's money", () => {
    const a: StoredAlert = { ...stored, kind: "low_balance", key: "low", data: { availableCredit: "1234.50", threshold: "90071992547409.93", currency: "RUB" } };
    expect(alertText(a, ctx("ru"))).toEqual({
      title: `Доступный кредит ниже ${rub("90071992547409.93", "ru")}`,
      message: `Доступный кредит: ${rub("1234.50", "ru")}. Пополните баланс, чтобы ресурсы продолжали работать.`,
    });
    const cleared = alertText({ ...a, key: "low:cleared", data: { ...(a.data as object), cleared: true } }, ctx("en"));
    expect(cleared.title).toBe(`Available credit back above ${rub("90071992547409.93", "en")}`);
  });

  it("words budget alerts (actual and forecast, scoped to a product) with the rule's name", () => {
    const data = { basis: "actual", ruleName: "Phones", percent: 80, cycle: "2026-03", budget: "135.00", spend: "108.40", productId: "cloud-phone", currency: "USD" };
    expect(alertText({ ...stored, kind: "budget", key: "actual:80:2026-03", data }, ctx("en"))).toEqual({
      title: "Phones: 80% of the 2026-03 budget spent for Cloud Phone",
      message: "Spend reached $108.40 of $135.00.",
    });
    const forecast = alertText({ ...stored, kind: "budget", key: "forecast:100:2026-03", data: { ...data, basis: "forecast", percent: 100, productId: null, forecast: "140.00" } }, ctx("ru"));
    expect(forecast.title).toBe(`Phones: прогноз — ${new Intl.NumberFormat("ru", { style: "percent" }).format(1)} бюджета за 2026-03`);
    expect(forecast.message).toContain("140,00");
  });

  it("words overdue warnings with the instant on the account's clock", () => {
    const since = alertText({ ...stored, kind: "overdue", key: "overdue:x", data: { since: "2026-03-01T21:30:00.000Z" } }, ctx("ru"));
    expect(since.title).toBe("У аккаунта просрочка");
    expect(since.message).toContain("02.03.2026, 00:30");
    const resource = alertText(
      { ...stored, kind: "overdue", key: "resource:i:released:x:24h", data: { instanceId: "i", instanceName: "cr", nextStatus: "released", eventAt: "2026-03-05T00:00:00.000Z", hours: 24 } },
      ctx("en"),
    );
    expect(resource.title).toBe("cr will be released (data deleted) in 24 h");
  });

  it("words a credit run-out warning with the resources, the run rate and the predicted instant", () => {
    const data = { runOut: true, trigger: "account", nextStatus: "restricted", hours: 72, predictedAt: "2026-03-21T00:00:00.000Z", availableCredit: "24.30", runRatePerDay: "9.72", currency: "RUB", resources: [{ id: "a", name: "reg-a", productId: "cr" }, { id: "b", name: "reg-b", productId: "cr" }] };
    const ru = alertText({ ...stored, kind: "overdue", key: "runout:account:restricted:72h", data }, ctx("ru"));
    expect(ru.title).toBe("Средства закончатся примерно через 72 ч: ресурсы будут ограничены (2)");
    expect(ru.message).toBe(`При расходе по мере использования ${rub("9.72", "ru")} в день доступный кредит ${rub("24.30", "ru")} закончится около 21.03.2026, 03:00. Тогда будут ограничены: reg-a, reg-b. Пополните баланс, чтобы этого избежать.`);
    const en = alertText({ ...stored, kind: "overdue", key: "runout:quota:overdue:24h", data: { ...data, nextStatus: "overdue", hours: 24, resources: [{ id: "p", name: "phones", productId: "cp" }] } }, ctx("en"));
    expect(en.title).toBe("Credit runs out in about 24 h: 1 resource will be stopped");
    expect(en.message).toContain("Then phones will be stopped.");
  });

  it("falls back to the stored text for an unknown kind or data it cannot read", () => {
    expect(alertText({ ...stored, kind: "something_new", key: "k", data: {} }, ctx("ru"))).toEqual(stored);
    expect(alertText({ ...stored, kind: "budget", key: "k", data: { percent: "80" } }, ctx("ru"))).toEqual(stored);
    expect(alertText({ ...stored, kind: "low_balance", key: "k", data: null }, ctx("en"))).toEqual(stored);
    // Warnings stored before their data named the resource.
    expect(alertText({ ...stored, kind: "overdue", key: "resource:i", data: { instanceId: "i", nextStatus: "released", eventAt: "2026-03-05T00:00:00.000Z", hours: 24 } }, ctx("en"))).toEqual(stored);
  });
});
