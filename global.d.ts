// next-intl: message keys and locales are typed from the English catalogue, so
// `t("a.missing.key")` fails the typecheck; messages/catalogue.test.ts holds the
// Russian catalogue to the same keys.
import type { Locale } from "@/lib/i18n/locale";
import type { Messages } from "@/i18n/messages";

declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
