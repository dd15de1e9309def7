// The two look-ups that start without an account: an e-mail at sign-in and an
// API key's hash on a request. Each goes through a small table keyed by what
// is looked up (on Citus distributed by that key), then to the account's own
// rows by (account_id, id) — one shard each. The lookup row and the tenant row
// are written in one transaction, so neither exists without the other.
import "server-only";
import { eq } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { apiKeyHashes, apiKeys, userLogins, users } from "@/db/schema";
import { ConflictError } from "@/lib/errors";

type NewUser = typeof users.$inferInsert;
type NewApiKey = typeof apiKeys.$inferInsert;

/** Inserts users with their logins, inside the caller's transaction; an e-mail taken in any account is a ConflictError. */
export async function insertUsers(tx: Tx, rows: NewUser[]): Promise<void> {
  const logins = await tx
    .insert(userLogins)
    .values(rows.map((r) => ({ email: r.email, accountId: r.accountId, userId: r.id })))
    .onConflictDoNothing()
    .returning({ email: userLogins.email });
  if (logins.length < rows.length) {
    const taken = rows.find((r) => !logins.some((l) => l.email === r.email));
    throw new ConflictError(`A user with e-mail ${taken?.email} already exists.`);
  }
  await tx.insert(users).values(rows);
}

export async function insertApiKey(tx: Tx, row: NewApiKey): Promise<void> {
  await tx.insert(apiKeyHashes).values({ keyHash: row.keyHash, accountId: row.accountId, keyId: row.id });
  await tx.insert(apiKeys).values(row);
}

/** Where an e-mail signs in: its account and user, or null. */
export async function findLogin(db: DbOrTx, email: string): Promise<{ accountId: string; userId: string } | null> {
  const [row] = await db.select({ accountId: userLogins.accountId, userId: userLogins.userId }).from(userLogins).where(eq(userLogins.email, email));
  return row ?? null;
}

export async function findApiKeyHash(db: DbOrTx, keyHash: string): Promise<{ accountId: string; keyId: string } | null> {
  const [row] = await db.select({ accountId: apiKeyHashes.accountId, keyId: apiKeyHashes.keyId }).from(apiKeyHashes).where(eq(apiKeyHashes.keyHash, keyHash));
  return row ?? null;
}
