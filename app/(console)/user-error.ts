import "server-only";
import { getTranslations } from "next-intl/server";
import { getFormat } from "@/i18n/server";
import { AppError } from "@/lib/errors";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * An error from lib/data as the console shows it, in the user's language: the
 * error's own catalogue sentence when lib gave it a key (errors.keyed.<key>),
 * else a sentence for its kind. lib's message (English, as the API returns it)
 * follows as the detail only where the kind alone does not say what to fix.
 */
export async function userErrorMessage(e: AppError): Promise<string> {
  const [t, f] = await Promise.all([getTranslations("errors"), getFormat()]);
  if (e.i18n && t.has(`keyed.${e.i18n.key}` as Parameters<typeof t.has>[0])) {
    // Instants in the values are shown in the locale's way (UTC: the error does not know the account's zone).
    const values = Object.fromEntries(Object.entries(e.i18n.values ?? {}).map(([k, v]) =>
      [k, typeof v === "string" && ISO_INSTANT.test(v) ? `${f.instant(new Date(v), "UTC")} UTC` : v]));
    return t(`keyed.${e.i18n.key}` as Parameters<typeof t>[0], values as never);
  }
  switch (e.code) {
    case "forbidden":
      return t("forbidden");
    case "not_found":
      return t("notFound");
    case "unauthenticated":
      return t("unauthenticated");
    case "too_many_requests":
      return t("tooManyRequests");
    case "conflict":
    case "action_refused":
      return t("conflict", { detail: e.message });
    case "bad_request":
      return t("badRequest", { detail: e.message });
    default:
      return t("generic", { detail: e.message });
  }
}

/** The field a 400 is about (lib/data/validate puts zod's issues in details). */
export function badField(e: AppError): string | null {
  const issues = (e.details as { issues?: { path: string }[] } | undefined)?.issues;
  return e.code === "bad_request" && issues?.[0]?.path ? issues[0].path : null;
}
