import "server-only";
// Operator keys: the provider's staff on /api/ops/v1. They belong to no
// account, so no account can make, list or use one; only the ops CLI (the
// operator) creates them. Stored hashed like API keys; the key is shown once.
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { operatorKeys } from "@/db/schema";
import { findApiKeyHash } from "./logins";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "@/lib/errors";
import { newId, randomSecret, sha256 } from "@/lib/ids";
import { systemNow } from "@/lib/clock";
import type { Caller, TenantCaller } from "./caller";
import { parseInput } from "./validate";

/** Only the provider's staff: account users and account API keys never pass. */
export function requireOperator(caller: Caller): asserts caller is Extract<Caller, { kind: "operator" }> {
  if (caller.kind !== "operator") throw new ForbiddenError("Only the provider's operators can do this.");
}

const keyInput = z.object({ name: z.string().trim().min(1, "is required").max(80) });

/** Returns the key itself once; only its hash is stored. */
export async function createOperatorKey(caller: Caller, input: z.input<typeof keyInput>) {
  requireOperator(caller);
  const data = parseInput(keyInput, input);
  const db = await getDb();
  const id = newId("opk");
  const key = `bop_${randomSecret(30)}`;
  await db.insert(operatorKeys).values({ id, name: data.name, prefix: key.slice(0, 11), keyHash: sha256(key) });
  return { id, name: data.name, key };
}

export async function listOperatorKeys(caller: Caller) {
  requireOperator(caller);
  const db = await getDb();
  const { id, name, prefix, createdAt, lastUsedAt, revokedAt } = operatorKeys;
  return db.select({ id, name, prefix, createdAt, lastUsedAt, revokedAt }).from(operatorKeys).orderBy(operatorKeys.createdAt, operatorKeys.id);
}

export async function revokeOperatorKey(caller: Caller, id: string) {
  requireOperator(caller);
  const db = await getDb();
  await db.update(operatorKeys).set({ revokedAt: systemNow() }).where(and(eq(operatorKeys.id, id), isNull(operatorKeys.revokedAt)));
  const [key] = await db.select({ id: operatorKeys.id, name: operatorKeys.name, revokedAt: operatorKeys.revokedAt }).from(operatorKeys).where(eq(operatorKeys.id, id));
  if (!key) throw new NotFoundError(`No operator key ${id}.`);
  return key;
}

/**
 * Who calls /api/ops/v1: an operator key, or nobody. A console session or an
 * account's API key is a known caller of the wrong kind, so it gets 403 (not
 * 401): no account, whatever its role, reaches the operator API.
 */
export async function operatorKeyCaller(authorization: string | null, session: TenantCaller | null): Promise<Caller> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match) {
    if (session) throw new ForbiddenError("The operator API is for the provider's operators; a console session cannot use it.");
    throw new UnauthenticatedError("Send an operator key as 'Authorization: Bearer <key>'.");
  }
  const db = await getDb();
  const hash = sha256(match[1]);
  const [key] = await db.select().from(operatorKeys).where(and(eq(operatorKeys.keyHash, hash), isNull(operatorKeys.revokedAt)));
  if (key) {
    await db.update(operatorKeys).set({ lastUsedAt: systemNow() }).where(eq(operatorKeys.id, key.id));
    return { kind: "operator", operatorId: key.id, operatorName: key.name };
  }
  if (await findApiKeyHash(db, hash)) throw new ForbiddenError("This is an account's API key; the operator API takes operator keys only.");
  throw new UnauthenticatedError("This operator key is not valid or has been revoked.");
}
