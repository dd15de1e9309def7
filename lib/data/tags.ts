import "server-only";
// Tags and resource groups of instances (docs/tags.md): set by the resource
// events API and by admins in the console. Every change closes the assignment
// in force and opens a new one, so the history rating reads is never edited.
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, query, type Tx } from "@/db/client";
import { instances, instanceTagAssignments, type Tags } from "@/db/schema";
import { PROVIDER_TAG_PREFIX } from "@/lib/tags";
import { accountNow } from "@/lib/clock";
import { BadRequestError, NotFoundError } from "@/lib/errors";
import { writeAudit } from "@/lib/lifecycle/audit";
import { lockAccount } from "@/lib/lifecycle/orders";
import { sortableId } from "@/lib/ids";
import { keptTagLines } from "./line-totals";
import { actorOf, requireRole, tenantOf, type Caller } from "./caller";
import { instant, parseInput } from "./validate";

export const MAX_TAGS = 50;
const KEY_RE = /^[\p{L}\p{N} _.:/=+\-@]{1,128}$/u;
const VALUE_RE = /^[\p{L}\p{N} _.:/=+\-@]{0,256}$/u;

const KEY_RULE = "must be 1–128 letters, digits, spaces or _ . : / = + - @";
const reserved = (k: string) => k.toLowerCase().startsWith(PROVIDER_TAG_PREFIX);
const RESERVED_RULE = `must not start with the reserved prefix "${PROVIDER_TAG_PREFIX}"`;

export const tagKey = z
  .string()
  .trim()
  .regex(KEY_RE, KEY_RULE)
  .refine((k) => !reserved(k), RESERVED_RULE);
export const tagValue = z.string().trim().regex(VALUE_RE, "must be at most 256 letters, digits, spaces or _ . : / = + - @");

// Keys are checked here rather than by the record's key schema, whose error would not say what is wrong.
export const tagsSchema = z
  .record(z.string(), tagValue)
  .superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length > MAX_TAGS) ctx.addIssue({ code: "custom", message: `at most ${MAX_TAGS} tags, got ${keys.length}` });
    for (const k of keys) {
      const problem = !KEY_RE.test(k) || k.trim() !== k ? `key "${k.slice(0, 40)}" ${KEY_RULE}` : reserved(k) ? `key "${k}" ${RESERVED_RULE}` : null;
      if (problem) ctx.addIssue({ code: "custom", path: [k], message: problem });
    }
  })
  .describe("User-defined tags, key → value");

export const resourceGroupSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u, "must be 1–64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit")
  .nullable()
  .describe("The resource group; null: none");

/** A tag event: the whole tag set replaces the current one; the group is kept unless given. */
export const setTagsInput = z.strictObject({
  tags: tagsSchema,
  resourceGroup: resourceGroupSchema.optional(),
  at: instant.optional(),
});

export interface CurrentTags {
  tags: Tags;
  resourceGroup: string | null;
}

/** Open the first assignment of a new instance (in its registration's transaction). */
export async function openAssignment(tx: Tx, accountId: string, instanceId: string, value: CurrentTags, at: Date) {
  await tx.insert(instanceTagAssignments).values({ accountId, id: sortableId("tag"), instanceId, ...value, validFrom: at });
}

const bad = (field: string, message: string) => new BadRequestError(`${field}: ${message}`, { issues: [{ path: field, message }] });

/**
 * `POST /api/v1/instances/{id}/tags` and the console's tag editor (admin):
 * from `at` (default: the account's clock; never in the future nor before the
 * assignment in force began) the instance carries these tags and group.
 */
export async function setInstanceTags(caller: Caller, instanceId: string, input: unknown, accountId?: string) {
  const account = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  const data = parseInput(setTagsInput, input);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const acct = await lockAccount(tx, account);
    const now = accountNow(acct);
    const [inst] = await tx.select().from(instances).where(and(eq(instances.accountId, account), eq(instances.id, instanceId)));
    if (!inst) throw new NotFoundError(`Instance ${instanceId} not found.`);
    const [current] = await tx
      .select()
      .from(instanceTagAssignments)
      .where(and(eq(instanceTagAssignments.accountId, account), eq(instanceTagAssignments.instanceId, instanceId), isNull(instanceTagAssignments.validTo)))
      .orderBy(desc(instanceTagAssignments.validFrom))
      .limit(1);
    const at = data.at ?? now;
    if (at > now) throw bad("at", `must not be in the future (the account's clock is ${now.toISOString()})`);
    if (at < inst.createdAt) throw bad("at", `must not be before the instance was created (${inst.createdAt.toISOString()})`);
    if (current && at < current.validFrom) throw bad("at", `must not be before the tags in force began (${current.validFrom.toISOString()})`);
    const next: CurrentTags = { tags: data.tags, resourceGroup: data.resourceGroup === undefined ? (current?.resourceGroup ?? null) : data.resourceGroup };
    if (current)
      await tx
        .update(instanceTagAssignments)
        .set({ validTo: at })
        .where(and(eq(instanceTagAssignments.accountId, account), eq(instanceTagAssignments.id, current.id)));
    await openAssignment(tx, account, instanceId, next, at);
    await writeAudit(tx, {
      accountId: account,
      at: now,
      actor: actorOf(caller),
      action: "instance.tags",
      targetType: "instance",
      targetId: instanceId,
      fromState: null,
      toState: null,
      details: {
        from: current ? { tags: current.tags, resourceGroup: current.resourceGroup } : null,
        to: next,
        validFrom: at.toISOString(),
      },
    });
    return { instanceId, ...next, validFrom: at };
  });
}

/** The tags and group in force now, by instance id (one query for a list). */
export async function currentTagsOf(accountId: string, instanceIds?: string[]): Promise<Map<string, CurrentTags>> {
  const db = await getDb();
  const rows = await db
    .select({ instanceId: instanceTagAssignments.instanceId, tags: instanceTagAssignments.tags, resourceGroup: instanceTagAssignments.resourceGroup })
    .from(instanceTagAssignments)
    .where(and(eq(instanceTagAssignments.accountId, accountId), isNull(instanceTagAssignments.validTo)))
    .orderBy(asc(instanceTagAssignments.validFrom));
  const wanted = instanceIds && new Set(instanceIds);
  const out = new Map<string, CurrentTags>();
  for (const r of rows) if (!wanted || wanted.has(r.instanceId)) out.set(r.instanceId, { tags: r.tags, resourceGroup: r.resourceGroup });
  return out;
}

/** One instance's assignments, oldest first. */
export async function tagHistoryOf(accountId: string, instanceId: string) {
  const db = await getDb();
  const rows = await db
    .select()
    .from(instanceTagAssignments)
    .where(and(eq(instanceTagAssignments.accountId, accountId), eq(instanceTagAssignments.instanceId, instanceId)))
    .orderBy(asc(instanceTagAssignments.validFrom), asc(instanceTagAssignments.id));
  return rows.map((r) => ({ tags: r.tags, resourceGroup: r.resourceGroup, validFrom: r.validFrom.toISOString(), validTo: r.validTo?.toISOString() ?? null }));
}

/**
 * The tag keys, values and resource groups the account's bill lines of a cycle
 * carry, for the filter pickers: a cycle's distinct keys, not a scan per key.
 */
export async function tagChoices(caller: Caller, billingCycle: string, accountId?: string) {
  const account = tenantOf(caller, accountId);
  const db = await getDb();
  const [pairs, groups] = await Promise.all([
    // From the kept tag totals: one row per group and tag set of the cycle, not the cycle's lines.
    query<{ key: string; value: string }>(
      db,
      sql`SELECT DISTINCT t.key, t.value FROM ${keptTagLines(account, billingCycle)} bl, jsonb_each_text(bl.tags) t`,
    ),
    query<{ group: string }>(
      db,
      sql`SELECT DISTINCT bl.resource_group AS "group" FROM ${keptTagLines(account, billingCycle)} bl WHERE bl.resource_group IS NOT NULL`,
    ),
  ]);
  // Code-point order, the same on every database locale.
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort((a, b) => byCode(a.key, b.key) || byCode(a.value, b.value));
  const keys = new Map<string, string[]>();
  for (const p of pairs) keys.set(p.key, [...(keys.get(p.key) ?? []), p.value]);
  return { keys: [...keys.entries()].map(([key, values]) => ({ key, values })), resourceGroups: groups.map((g) => g.group).sort(byCode) };
}
