import "server-only";
// A signed-in user's own preferences (the console's language). Any role may
// change its own; nothing here touches money or another user.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { BadRequestError } from "@/lib/errors";
import { LOCALES, type Locale } from "@/lib/i18n/locale";
import { tenantOf, type Caller } from "./caller";
import { parseInput } from "./validate";

const localeSchema = z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` });

/** The caller's saved language, or null (none saved, or not a signed-in user). */
export async function getLocalePreference(caller: Caller): Promise<Locale | null> {
  if (caller.kind !== "user") return null;
  if (caller.locale !== undefined) return parsedLocale(caller.locale);
  const db = await getDb();
  const [row] = await db
    .select({ locale: users.locale })
    .from(users)
    .where(and(eq(users.accountId, tenantOf(caller)), eq(users.id, caller.userId)));
  return parsedLocale(row?.locale);
}

function parsedLocale(saved: unknown): Locale | null {
  const parsed = localeSchema.safeParse(saved);
  return parsed.success ? parsed.data : null;
}

export async function saveLocalePreference(caller: Caller, locale: unknown): Promise<Locale> {
  if (caller.kind !== "user") throw new BadRequestError("The language is saved per signed-in user.");
  const value = parseInput(z.object({ locale: localeSchema }), { locale }).locale;
  const db = await getDb();
  await db.update(users).set({ locale: value }).where(and(eq(users.accountId, tenantOf(caller)), eq(users.id, caller.userId)));
  // The request's session caller carries the language it read: the page re-rendered after the switch speaks the new one.
  if (caller.locale !== undefined) caller.locale = value;
  return value;
}
