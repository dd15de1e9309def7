import "server-only";
import { and, count, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, signInFailures, users } from "@/db/schema";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { TooManyRequestsError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { systemNow } from "@/lib/clock";
import { findLogin } from "./logins";

// Failed sign-ins are throttled per e-mail (one person's account) and per IP
// (one client guessing many accounts), over a sliding window.
export const THROTTLE = { windowMinutes: 15, perEmail: 5, perIp: 20 };

export interface SignedIn {
  userId: string;
  accountId: string;
  role: string;
  name: string;
  email: string;
  sessionVersion: number;
}

/** `ip` is the address the server saw (see lib/auth/client-address); null when unknown. */
export async function authenticateCredentials(emailInput: string, password: string, ip: string | null): Promise<SignedIn | null> {
  const email = emailInput.trim().toLowerCase();
  const db = await getDb();
  const now = systemNow();
  const since = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
  const keys = ip === null ? [`email:${email}`] : [`email:${email}`, `ip:${ip}`];
  // One query per key: sign_in_failures is distributed by key, so each stays on one shard.
  const byKey = new Map<string, number>();
  for (const key of keys) {
    const [{ n }] = await db
      .select({ n: count() })
      .from(signInFailures)
      .where(and(eq(signInFailures.key, key), gte(signInFailures.at, since)));
    byKey.set(key, n);
  }
  if ((byKey.get(keys[0]) ?? 0) >= THROTTLE.perEmail || (keys.length > 1 && (byKey.get(keys[1]) ?? 0) >= THROTTLE.perIp)) {
    throw new TooManyRequestsError(
      `Too many failed sign-ins. Try again in ${THROTTLE.windowMinutes} minutes.`,
      THROTTLE.windowMinutes * 60,
    );
  }

  const login = await findLogin(db, email);
  const [row] = login
    ? await db
        .select({ user: users, accountName: accounts.name })
        .from(users)
        .innerJoin(accounts, eq(accounts.id, users.accountId))
        .where(and(eq(users.accountId, login.accountId), eq(accounts.id, login.accountId), eq(users.id, login.userId)))
    : [];
  // argon2 runs for unknown and disabled users too: the answer's timing must
  // not tell which e-mails have an account.
  const matches = await verifyPassword(row?.user.passwordHash ?? (await dummyPasswordHash()), password);
  if (!row || row.user.disabledAt || !matches) {
    for (const key of keys) {
      await db.insert(signInFailures).values({ id: newId("sif"), key, at: now });
      // This key's old failures are of no further use.
      await db.delete(signInFailures).where(and(eq(signInFailures.key, key), lt(signInFailures.at, new Date(now.getTime() - 24 * 3600_000))));
    }
    return null;
  }
  return {
    userId: row.user.id,
    accountId: row.user.accountId,
    role: row.user.role,
    name: row.user.name,
    email: row.user.email,
    sessionVersion: row.user.sessionVersion,
  };
}

/**
 * Sign-out ends the session for real: a JWT cannot be recalled, so the
 * user's session version moves on and the old token stops working everywhere.
 */
export async function endSessions(token: { userId?: string; accountId?: string; sessionVersion?: number }) {
  if (!token.userId || !token.accountId || token.sessionVersion === undefined) return;
  const db = await getDb();
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.accountId, token.accountId), eq(users.id, token.userId), eq(users.sessionVersion, token.sessionVersion)));
}
