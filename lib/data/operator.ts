import "server-only";
import { and, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Db } from "@/db/client";
import { accounts, apiKeys, CURRENCIES, ROLES, users } from "@/db/schema";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { newId, randomSecret, sha256 } from "@/lib/ids";
import { systemNow } from "@/lib/clock";
import type { Caller } from "./caller";
import { requireOperator } from "./operator-keys";
import { parseInput } from "./validate";
import { findLogin, insertApiKey, insertUsers } from "./logins";

// Onboarding is the provider's job: only the operator may do it.

const accountInput = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{2,40}$/, "use 3–41 lowercase letters, digits, _ or -").optional(),
  name: z.string().trim().min(1, "is required").max(120),
  currency: z.enum(CURRENCIES).default("USD"),
  timeZone: z
    .string()
    .default("UTC")
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "is not an IANA time zone"),
  creditLimit: z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, "must be a non-negative amount").default("0"),
});

export async function createAccount(caller: Caller, input: z.input<typeof accountInput>) {
  requireOperator(caller);
  const data = parseInput(accountInput, input);
  const db = await getDb();
  const id = data.id ?? newId("acc");
  const inserted = await db
    .insert(accounts)
    .values({ id, name: data.name, currency: data.currency, timeZone: data.timeZone, creditLimit: data.creditLimit })
    .onConflictDoNothing()
    .returning();
  if (!inserted.length) throw new ConflictError(`Account ${id} already exists.`);
  return inserted[0];
}

const userInput = z.object({
  accountId: z.string().min(1, "is required"),
  email: z.string().trim().toLowerCase().email("is not an e-mail address"),
  name: z.string().trim().min(1, "is required").max(120),
  password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`),
  role: z.enum(ROLES),
});

export async function createUser(caller: Caller, input: z.input<typeof userInput>) {
  requireOperator(caller);
  const data = parseInput(userInput, input);
  const db = await getDb();
  const [account] = await db.select().from(accounts).where(eq(accounts.id, data.accountId));
  if (!account) throw new NotFoundError(`Account ${data.accountId} does not exist.`);
  const passwordHash = await hashPassword(data.password);
  const user = { accountId: data.accountId, id: newId("usr"), email: data.email, name: data.name, passwordHash, role: data.role };
  await db.transaction((tx) => insertUsers(tx, [user]));
  return { id: user.id, email: user.email, role: user.role, accountId: user.accountId };
}

/** The user behind an e-mail, found through its login (one account's shard after that). */
async function userByEmail(db: Db, email: string) {
  const login = await findLogin(db, email);
  if (!login) throw new NotFoundError(`No user with e-mail ${email}.`);
  return and(eq(users.accountId, login.accountId), eq(users.id, login.userId));
}

/** Changing a password or disabling a user bumps the session version: their sessions end. */
export async function setUserPassword(caller: Caller, email: string, password: string) {
  requireOperator(caller);
  const data = parseInput(userInput.pick({ email: true, password: true }), { email, password });
  const db = await getDb();
  const passwordHash = await hashPassword(data.password);
  await db
    .update(users)
    .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(await userByEmail(db, data.email));
}

export async function setUserDisabled(caller: Caller, email: string, disabled: boolean) {
  requireOperator(caller);
  const db = await getDb();
  await db
    .update(users)
    .set({ disabledAt: disabled ? new Date() : null, sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(await userByEmail(db, email.trim().toLowerCase()));
}

const apiKeyInput = z.object({
  accountId: z.string().min(1, "is required"),
  name: z.string().trim().min(1, "is required").max(80),
  role: z.enum(ROLES).default("admin"),
});

/** Returns the key itself once; only its hash is stored. */
export async function createApiKey(caller: Caller, input: z.input<typeof apiKeyInput>) {
  requireOperator(caller);
  const data = parseInput(apiKeyInput, input);
  const db = await getDb();
  const [account] = await db.select().from(accounts).where(eq(accounts.id, data.accountId));
  if (!account) throw new NotFoundError(`Account ${data.accountId} does not exist.`);
  const id = newId("key");
  const key = `bk_${randomSecret(30)}`;
  const row = { accountId: data.accountId, id, name: data.name, role: data.role, prefix: key.slice(0, 10), keyHash: sha256(key) };
  await db.transaction((tx) => insertApiKey(tx, row));
  return { id, key, role: data.role, accountId: data.accountId };
}

/** Every API key (never the key itself): its prefix tells them apart. */
export async function listApiKeys(caller: Caller, accountId?: string) {
  requireOperator(caller);
  const db = await getDb();
  const { id, accountId: account, name, role, prefix, createdAt, lastUsedAt, revokedAt } = getTableColumns(apiKeys);
  return db
    .select({ id, accountId: account, name, role, prefix, createdAt, lastUsedAt, revokedAt })
    .from(apiKeys)
    .where(accountId ? eq(apiKeys.accountId, accountId) : undefined)
    .orderBy(apiKeys.accountId, apiKeys.createdAt, apiKeys.id);
}

/** Revoked keys fail at their next request: every request looks the key up. */
export async function revokeApiKey(caller: Caller, accountId: string, id: string) {
  requireOperator(caller);
  const db = await getDb();
  const which = and(eq(apiKeys.accountId, accountId), eq(apiKeys.id, id));
  // Revoking twice keeps the first revocation time.
  await db.update(apiKeys).set({ revokedAt: systemNow() }).where(and(which, isNull(apiKeys.revokedAt)));
  const [key] = await db
    .select({ id: apiKeys.id, accountId: apiKeys.accountId, name: apiKeys.name, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(which);
  if (!key) throw new NotFoundError(`No API key ${id} in account ${accountId}.`);
  return key;
}
