// Language switcher: a plain form (works without JavaScript); each language is
// named in itself so a reader of the other one still finds it.
import { useLocale, useTranslations } from "next-intl";
import { LOCALES } from "@/lib/i18n/locale";

const NAMES = { en: "English", ru: "Русский" } as const;

export function LocaleSwitcher({ action, tone = "dark" }: { action: (data: FormData) => Promise<void>; tone?: "dark" | "light" }) {
  const t = useTranslations("switcher");
  const current = useLocale();
  const idle = tone === "dark" ? "border-white/30 hover:bg-white/10" : "border-line hover:bg-surface";
  const active = tone === "dark" ? "border-white bg-white text-[#232f3e]" : "border-brand bg-orange-50 text-brand-dark";
  return (
    <form action={action} aria-label={t("label")} data-testid="locale-switcher" className="flex items-center gap-1">
      {LOCALES.map((l) => (
        <button key={l} type="submit" name="locale" value={l} lang={l} aria-pressed={l === current}
          className={`rounded border px-2 py-1 text-xs ${l === current ? active : idle}`}>
          {NAMES[l]}
        </button>
      ))}
    </form>
  );
}
