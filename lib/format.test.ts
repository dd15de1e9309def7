import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatCount, formatInstant, formatMoney, formatQuantity, formatRate, formatTime } from "./format";

const NBSP = "\u00a0";
const intl = (locale: string, currency: string) =>
  new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol", minimumFractionDigits: 2, maximumFractionDigits: 2 });

describe("money formatting per locale and currency", () => {
  it("writes amounts the way each language writes them", () => {
    expect(formatMoney("1234.5", "USD", "en")).toBe("$1,234.50");
    expect(formatMoney("1234.5", "RUB", "ru")).toBe(`1${NBSP}234,50${NBSP}₽`);
    expect(formatMoney("1234.5", "KZT", "ru")).toBe(`1${NBSP}234,50${NBSP}₸`);
    expect(formatMoney("1234.5", "KZT", "en")).toBe("₸1,234.50");
    expect(formatMoney("-12", "RUB", "en")).toBe("-₽12.00");
    expect(formatMoney("-0.001", "USD", "en")).toBe("$0.00"); // never "-$0.00"
    expect(formatMoney("0.005", "USD", "en")).toBe("$0.01"); // half-up, by Decimal
  });

  // 2^53 cents is about 90 trillion: beyond it a float loses cents.
  const beyond = ["90071992547409.93", "123456789012345678.05", "-99999999999999999999.99"];

  it.each(["en-US", "ru-RU"])("equals Intl's own output for exact decimal strings (%s)", (tag) => {
    const locale = tag.slice(0, 2);
    for (const currency of ["USD", "RUB", "KZT"]) {
      for (const amount of ["0.00", "1.10", "1234.50", "-1234.56", ...beyond]) {
        expect(formatMoney(amount, currency, locale)).toBe(intl(tag, currency).format(amount as unknown as number));
      }
    }
  });

  it("keeps every digit of amounts beyond 2^53 cents (a float would not)", () => {
    const digits = (s: string) => s.replace(/\D/g, "");
    expect(digits(formatMoney("90071992547409.93", "USD", "en"))).toBe("9007199254740993");
    expect(digits(intl("en-US", "USD").format(Number("90071992547409.93")))).not.toBe("9007199254740993");
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.constantFrom("en", "ru"), fc.constantFrom("USD", "RUB", "KZT"), (cents, locale, currency) => {
        const s = cents.toString().padStart(3, "0");
        const amount = `${s.slice(0, -2)}.${s.slice(-2)}`;
        expect(digits(formatMoney(amount, currency, locale))).toBe(s);
      }),
    );
  });

  it("formats quantities and counts for the locale", () => {
    expect(formatQuantity("12345.678900", "en")).toBe("12,345.6789");
    expect(formatQuantity("12345.678900", "ru")).toBe(`12${NBSP}345,6789`);
    expect(formatQuantity("0.0000004", "en")).toBe("0");
    expect(formatCount(1234567, "ru")).toBe(`1${NBSP}234${NBSP}567`);
  });

  it("shows instants on the account's clock in the locale's order", () => {
    const at = new Date("2026-11-30T12:05:00Z");
    expect(formatInstant(at, "Europe/Moscow", "ru")).toBe("30.11.2026, 15:05");
    expect(formatInstant(at, "UTC", "en")).toBe("11/30/2026, 12:05");
    expect(formatInstant(null, "UTC", "en")).toBe("—");
  });

  it("shows a time of day on the account's clock, not the UTC one", () => {
    const at = new Date("2026-11-30T20:00:00Z");
    expect(formatTime(at, "Asia/Almaty", "ru")).toBe("01:00");
    expect(formatTime(at, "America/New_York", "en")).toBe("15:00");
    expect(formatTime(at, "UTC", "en")).toBe("20:00");
  });
});

describe("unit prices", () => {
  it("keep exactly 6 decimals, written the locale's way", () => {
    expect(formatRate("0.0808", "en")).toBe("0.080800");
    expect(formatRate("1234.5", "ru")).toBe(`1${NBSP}234,500000`);
    expect(formatRate("0.0000005", "en")).toBe("0.000001"); // half-up, by Decimal
    expect(formatRate("90071992547.409931", "en")).toBe("90,071,992,547.409931"); // beyond a float's digits
  });
});
