import "server-only";
import { and, eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { authOptions } from "@/lib/data/auth-options";
import { UnauthenticatedError } from "@/lib/errors";
import type { TenantCaller } from "./caller";

/**
 * The signed-in user of this request, or null. The session version in the
 * token must match the database, so a disabled user or a changed password
 * ends every existing session at its next request.
 */
export async function sessionCaller(): Promise<TenantCaller | null> {
  const session = await getServerSession(authOptions);
  const token = session?.user;
  if (!token?.userId || !token.accountId) return null;
  const db = await getDb();
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.accountId, token.accountId), eq(users.id, token.userId)));
  if (!user || user.disabledAt || user.sessionVersion !== token.sessionVersion) return null;
  return { kind: "user", accountId: user.accountId, userId: user.id, role: user.role, email: user.email, name: user.name, locale: user.locale };
}

export async function requireSessionCaller(): Promise<TenantCaller> {
  const caller = await sessionCaller();
  if (!caller) throw new UnauthenticatedError();
  return caller;
}

