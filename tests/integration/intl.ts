// next-intl's server functions need Next's request scope; a test that calls a
// server action directly gets the same translator over the English catalogue.
import { createTranslator } from "next-intl";
import en from "@/messages/en.json";

export const intlServerMock = () => ({
  getTranslations: async (namespace?: string) => createTranslator({ locale: "en", messages: en, namespace: namespace as never }),
  getLocale: async () => "en",
});
