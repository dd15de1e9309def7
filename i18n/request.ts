// next-intl without i18n routing: URLs carry no locale. The language is the
// signed-in user's saved choice, else the switcher's cookie, else the
// browser's Accept-Language (lib/i18n/locale).
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { currentCaller } from "@/app/current-caller";
import { getLocalePreference } from "@/lib/data/preferences";
import { isLocale, LOCALE_COOKIE, resolveLocale, type Locale } from "@/lib/i18n/locale";
import { loadMessages } from "./messages";

export async function requestLocale(): Promise<Locale> {
  const caller = await currentCaller().catch(() => null);
  const [saved, jar, hdrs] = await Promise.all([caller ? getLocalePreference(caller) : null, cookies(), headers()]);
  return resolveLocale({ saved, cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: hdrs.get("accept-language") });
}

export default getRequestConfig(async ({ locale: explicit }) => {
  // An explicit locale (getTranslations({ locale })) wins: e.g. a CSV's header language.
  const locale = isLocale(explicit) ? explicit : await requestLocale();
  // Dates are formatted by lib/format on the account's own clock; this only keeps next-intl from guessing one.
  return { locale, messages: await loadMessages(locale), timeZone: "UTC" };
});
