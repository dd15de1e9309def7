// CSV header words come from the console's message catalogue (namespace
// "csv"), in English unless a file asks for another language (`headers=ru`).
// Only the header row changes: cells keep machine-readable values (dot
// decimals, ISO-like times) in every language. FOCUS files never use this: their
// column names are the specification's.
import en from "@/messages/en.json";
import ru from "@/messages/ru.json";
import { isLocale, type Locale } from "@/lib/i18n/locale";

export type CsvHeaderWords = typeof en.csv;
const WORDS: Record<Locale, CsvHeaderWords> = { en: en.csv, ru: ru.csv };

/** The header words for a `headers` parameter (anything unknown → English). */
export function csvHeaderWords(locale: unknown): CsvHeaderWords {
  return WORDS[isLocale(locale) ? locale : "en"];
}
