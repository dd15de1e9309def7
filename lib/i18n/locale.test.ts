import { describe, expect, it } from "vitest";
import { acceptLanguageLocale, resolveLocale } from "./locale";

describe("locale resolution", () => {
  it("follows Accept-Language with its q-values, region tags and wildcards", () => {
    expect(acceptLanguageLocale("ru-RU,ru;q=0.9,en-US;q=0.8")).toBe("ru");
    expect(acceptLanguageLocale("en-GB,en;q=0.9,ru;q=0.8")).toBe("en");
    expect(acceptLanguageLocale("de-DE,ru;q=0.5,en;q=0.4")).toBe("ru");
    expect(acceptLanguageLocale("kk-KZ, ru;q=0.7")).toBe("ru");
    expect(acceptLanguageLocale("de, fr;q=0.5")).toBe("en");
    expect(acceptLanguageLocale("*")).toBe("en");
    expect(acceptLanguageLocale("")).toBe("en");
    expect(acceptLanguageLocale(null)).toBe("en");
    expect(acceptLanguageLocale("not a header;;;q=x")).toBe("en");
  });

  it("prefers the saved choice, then the cookie, then the browser", () => {
    expect(resolveLocale({ saved: "ru", cookie: "en", acceptLanguage: "en" })).toBe("ru");
    expect(resolveLocale({ saved: null, cookie: "ru", acceptLanguage: "en" })).toBe("ru");
    expect(resolveLocale({ saved: "xx", cookie: "de", acceptLanguage: "ru-RU" })).toBe("ru");
    expect(resolveLocale({})).toBe("en");
  });
});
