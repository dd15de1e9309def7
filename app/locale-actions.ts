"use server";
import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { saveLocalePreference } from "@/lib/data/preferences";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/locale";
import { currentCaller } from "./current-caller";

/** The language switcher: a cookie for this browser (also before sign-in) and the signed-in user's saved choice. */
export async function setLocaleAction(data: FormData): Promise<void> {
  const locale = data.get("locale");
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", httpOnly: true, maxAge: 365 * 24 * 3600 });
  const caller = await currentCaller();
  if (caller) await saveLocalePreference(caller, locale);
  revalidatePath("/", "layout");
}
