import type { Locale } from "@/lib/i18n/locale";
import en from "@/messages/en.json";

export type Messages = typeof en;

/** One catalogue per language, namespaced by page or component (messages/<locale>.json). */
export async function loadMessages(locale: Locale): Promise<Messages> {
  return locale === "ru" ? (await import("@/messages/ru.json")).default : en;
}
