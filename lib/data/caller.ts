import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeys, type Role } from "@/db/schema";
import { ForbiddenError, UnauthenticatedError } from "@/lib/errors";
import { sha256 } from "@/lib/ids";
import { systemNow } from "@/lib/clock";
import { findApiKeyHash } from "./logins";

/** Who is asking: every lib/data function takes one and authorizes on it. */
export type Caller =
  // A session caller carries the user's saved language (read with the session check); others look it up.
  | { kind: "user"; accountId: string; userId: string; role: Role; email: string; name: string; locale?: string | null }
  | { kind: "api-key"; accountId: string; apiKeyId: string; role: Role }
  | { kind: "operator"; operatorId?: string; operatorName?: string };

export type TenantCaller = Exclude<Caller, { kind: "operator" }>;

/** The operator (the provider's staff): the CLI, or an operator key on /api/ops/v1. */
export const OPERATOR: Caller = { kind: "operator" };

/** The operator at the CLI, named for the audit log (their --by, else the OS user). */
export function cliOperator(name: string): Caller {
  return { kind: "operator", operatorId: `cli:${name}`, operatorName: name };
}

/** An API request: `Authorization: Bearer <key>`; keys are stored hashed. */
export async function apiKeyCaller(authorization: string | null): Promise<TenantCaller> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new UnauthenticatedError("Send an API key as 'Authorization: Bearer <key>'.");
  const db = await getDb();
  const keyHash = sha256(match[1]);
  const found = await findApiKeyHash(db, keyHash);
  const [key] = found
    ? await db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.accountId, found.accountId), eq(apiKeys.id, found.keyId), eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    : [];
  if (!key) throw new UnauthenticatedError("This API key is not valid or has been revoked.");
  await db
    .update(apiKeys)
    .set({ lastUsedAt: systemNow() })
    .where(and(eq(apiKeys.accountId, key.accountId), eq(apiKeys.id, key.id)));
  return { kind: "api-key", accountId: key.accountId, apiKeyId: key.id, role: key.role };
}

/** The account a tenant caller may touch; operators name it explicitly. */
export function tenantOf(caller: Caller, accountId?: string): string {
  if (caller.kind === "operator") {
    if (!accountId) throw new ForbiddenError("The operator must name an account.");
    return accountId;
  }
  return caller.accountId;
}

export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (caller.kind === "operator") return;
  if (!roles.includes(caller.role)) {
    throw new ForbiddenError(`This needs the ${roles.join(" or ")} role; you are ${caller.role}.`).keyed("needsRole", { needed: roles.join("_or_"), role: caller.role });
  }
}

/** Who placed an order, in one format: a user id, `key:<api key id>`, or "operator". */
export function createdByOf(caller: Caller): string {
  return caller.kind === "user" ? caller.userId : caller.kind === "api-key" ? `key:${caller.apiKeyId}` : "operator";
}

export function actorOf(caller: Caller): { actorUserId: string | null; actorApiKeyId: string | null; actorOperatorId: string | null; actorOperatorName: string | null } {
  return {
    actorUserId: caller.kind === "user" ? caller.userId : null,
    actorApiKeyId: caller.kind === "api-key" ? caller.apiKeyId : null,
    actorOperatorId: caller.kind === "operator" ? (caller.operatorId ?? "operator") : null,
    actorOperatorName: caller.kind === "operator" ? (caller.operatorName ?? null) : null,
  };
}
