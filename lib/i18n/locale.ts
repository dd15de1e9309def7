// Which language the console speaks: the user's saved choice, else the
// language cookie (set by the switcher, also before sign-in), else the
// browser's Accept-Language, else English. Pure: the request layer passes in
// what it read.
import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";

export const LOCALES = ["en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const LOCALE_COOKIE = "console-locale";

export function isLocale(v: unknown): v is Locale {
  return typeof v === "string" && (LOCALES as readonly string[]).includes(v);
}

/** The best supported locale for an Accept-Language header (q-values respected). */
export function acceptLanguageLocale(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const requested = new Negotiator({ headers: { "accept-language": header } }).languages().filter((l) => l !== "*");
  try {
    const best = match(requested, LOCALES, DEFAULT_LOCALE);
    return isLocale(best) ? best : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // a malformed tag in the header
  }
}

export function resolveLocale(from: { saved?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(from.saved)) return from.saved;
  if (isLocale(from.cookie)) return from.cookie;
  return acceptLanguageLocale(from.acceptLanguage);
}
