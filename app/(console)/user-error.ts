import "server-only";
import { getTranslations } from "next-intl/server";
import { AppError } from "@/lib/errors";

/**
 * An error from lib/data as the console shows it: a sentence from the catalogue
 * for its kind, in the user's language. lib/data's own message (English, as the
 * API returns it) follows as the detail where the kind alone does not say what
 * to fix (bad input, a conflict).
 */
export async function userErrorMessage(e: AppError): Promise<string> {
  const t = await getTranslations("errors");
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
