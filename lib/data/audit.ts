import "server-only";
// The audit log for admins: who, when, what, from which state to which, amounts.
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { apiKeys, auditLog, users } from "@/db/schema";
import { requireRole, tenantOf, type Caller } from "./caller";
import { parseInput } from "./validate";

const auditQuery = z.object({
  action: z.string().max(80).optional(),
  targetId: z.string().max(200).optional(),
  // Keyset: entries older than this (at|id).
  before: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export async function listAudit(caller: Caller, input: unknown = {}, accountId?: string) {
  requireRole(caller, "admin");
  const account = tenantOf(caller, accountId);
  const q = parseInput(auditQuery, input);
  const where: SQL[] = [eq(auditLog.accountId, account)];
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
  if (q.before) {
    const [at, id] = q.before.split("|");
    const t = new Date(at);
    if (!Number.isNaN(t.getTime()) && id) where.push(or(lt(auditLog.at, t), and(eq(auditLog.at, t), lt(auditLog.id, id)))!);
  }
  const db = await getDb();
  const rows = await db
    .select({ entry: auditLog, userName: users.name, userEmail: users.email, keyName: apiKeys.name })
    .from(auditLog)
    .leftJoin(users, and(eq(users.accountId, auditLog.accountId), eq(users.id, auditLog.actorUserId)))
    .leftJoin(apiKeys, and(eq(apiKeys.accountId, auditLog.accountId), eq(apiKeys.id, auditLog.actorApiKeyId)))
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      ...r.entry,
      actor: r.entry.actorOperatorId
        ? `operator ${r.entry.actorOperatorName ? `"${r.entry.actorOperatorName}"` : r.entry.actorOperatorId} (provider staff)`
        : r.userName
        ? `${r.userName} <${r.userEmail}>`
        : r.keyName
          ? `API key "${r.keyName}"`
          : r.entry.actorUserId
            ? `user ${r.entry.actorUserId}`
            : r.entry.actorApiKeyId
              ? `API key ${r.entry.actorApiKeyId}`
              : "system (billing jobs)",
    })),
    next: rows.length > q.limit && last ? `${last.entry.at.toISOString()}|${last.entry.id}` : null,
  };
}
