// Why a resource changed (or will change) state, in the user's language when
// the sentence is a known one (lib/i18n/causes); otherwise as recorded, marked English.
import { useTranslations } from "next-intl";
import { useFormat } from "@/i18n/format";
import { causeWords } from "@/lib/i18n/causes";

export function Cause({ cause, timeZone = "UTC" }: { cause: string; timeZone?: string }) {
  const t = useTranslations("cause");
  const f = useFormat();
  const words = causeWords(cause);
  if (!words || !t.has(words.key as Parameters<typeof t.has>[0])) return <span lang="en">{cause}</span>;
  const values = { ...words.values };
  if (values.until) values.until = f.instant(new Date(values.until), timeZone);
  return <>{t(words.key as Parameters<typeof t>[0], values as never)}</>;
}
