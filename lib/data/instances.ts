import "server-only";
import { and, asc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { accounts, BILLING_METHODS, INSTANCE_STATUSES, instances, instanceStateChanges, products, regions } from "@/db/schema";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { packageQuotas } from "@/lib/billing/quota";
import { accountNow } from "@/lib/clock";
import { NotFoundError } from "@/lib/errors";
import { tenantOf, type Caller } from "./caller";
import { currentTagsOf, tagHistoryOf } from "./tags";
import { parseInput } from "./validate";

export const instanceFilters = z.object({
  status: z.enum(INSTANCE_STATUSES).optional().catch(undefined),
  billingMethod: z.enum(BILLING_METHODS).optional().catch(undefined),
  productId: z.string().max(80).optional(),
});
export type InstanceFilters = z.infer<typeof instanceFilters>;

const columns = {
  instance: instances,
  productName: products.name,
  regionName: regions.name,
};

export async function listInstances(caller: Caller, filtersInput: unknown = {}, accountId?: string) {
  const account = tenantOf(caller, accountId);
  const filters = parseInput(instanceFilters, filtersInput);
  const where: SQL[] = [eq(instances.accountId, account)];
  if (filters.status) where.push(eq(instances.status, filters.status));
  if (filters.billingMethod) where.push(eq(instances.billingMethod, filters.billingMethod));
  if (filters.productId) where.push(eq(instances.productId, filters.productId));
  const db = await getDb();
  const [rows, tags] = await Promise.all([
    db
      .select(columns)
      .from(instances)
      .innerJoin(products, eq(products.id, instances.productId))
      .leftJoin(regions, eq(regions.id, instances.regionId))
      .where(and(...where))
      .orderBy(asc(products.name), asc(instances.createdAt), asc(instances.id)),
    currentTagsOf(account),
  ]);
  return rows.map((r) => ({ ...r, ...(tags.get(r.instance.id) ?? { tags: {}, resourceGroup: null }) }));
}

/** How many instances a picker lists; an account with more is filtered by typing ids. */
export const INSTANCE_CHOICES = 500;

/**
 * The instance picker's choices: id and name, by name, at most INSTANCE_CHOICES.
 * `complete` is false when the account has more (a big account's picker of
 * thousands of boxes would be megabytes of page, so it becomes a text field).
 */
export async function instanceChoices(caller: Caller, accountId?: string) {
  const account = tenantOf(caller, accountId);
  const db = await getDb();
  const rows = await db
    .select({ id: instances.id, name: instances.name })
    .from(instances)
    .where(eq(instances.accountId, account))
    .orderBy(asc(instances.name), asc(instances.id))
    .limit(INSTANCE_CHOICES + 1);
  return { options: rows.slice(0, INSTANCE_CHOICES), complete: rows.length <= INSTANCE_CHOICES };
}

/** One instance of the caller's account; another account's id is simply not found. */
export async function getInstance(caller: Caller, id: string, accountId?: string) {
  const account = tenantOf(caller, accountId);
  const db = await getDb();
  const [row] = await db
    .select(columns)
    .from(instances)
    .innerJoin(products, eq(products.id, instances.productId))
    .leftJoin(regions, eq(regions.id, instances.regionId))
    .where(and(eq(instances.accountId, account), eq(instances.id, id)));
  if (!row) throw new NotFoundError(`Instance ${id} not found.`);
  const history = await db
    .select()
    .from(instanceStateChanges)
    .where(and(eq(instanceStateChanges.accountId, account), eq(instanceStateChanges.instanceId, id)))
    .orderBy(asc(instanceStateChanges.at));
  // A package with a metered quota (e.g. images indexed): how much of it usage has used.
  const [acct] = await db.select().from(accounts).where(eq(accounts.id, account));
  const quota = (await packageQuotas(db, account, await catalogFromDb(db), [row.instance], accountNow(acct))).get(id) ?? null;
  const [current, tagHistory] = await Promise.all([currentTagsOf(account, [id]), tagHistoryOf(account, id)]);
  return { ...row, history, quota, ...(current.get(id) ?? { tags: {}, resourceGroup: null }), tagHistory };
}

/** GET /api/v1/instances/{id}: the resource as listed, with its state history. */
export async function getInstanceDetail(caller: Caller, id: string, accountId?: string) {
  const { instance, productName, regionName, history, quota, tags, resourceGroup, tagHistory } = await getInstance(caller, id, accountId);
  return {
    ...instance,
    productName,
    regionName,
    tags,
    resourceGroup,
    tagHistory,
    // Quantities (not money): whole units of the quota's item, e.g. images.
    quota: quota && {
      billableItemId: quota.itemId,
      unit: quota.unit,
      totalQuantity: quota.total.toFixed(),
      usedQuantity: quota.used.toFixed(),
      remainingQuantity: quota.remaining.toFixed(),
      usedUpAt: quota.usedUpAt?.toISOString() ?? null,
    },
    history: history.map((h) => ({ from: h.fromStatus, to: h.toStatus, at: h.at.toISOString(), cause: h.cause })),
  };
}
