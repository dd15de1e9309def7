// Package quotas from metered usage: an item of rule "package-quota" (e.g.
// images indexed) is not charged — the package is prepaid — but counted against
// the quota its spec carries (catalog: item.quotaKey names the spec metadata).
// The instant the running sum reaches the quota is when the quota is used up;
// the lifecycle (lib/overdue) starts the package's retention timeline there.
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { query, type DbOrTx, type Tx } from "@/db/client";
import { instances, type Instance } from "@/db/schema";
import { dec, ZERO } from "@/lib/money";
import type Decimal from "decimal.js";
import { findProduct, type Catalog, type CatalogItem } from "./catalog";

export interface PackageQuota {
  itemId: string;
  unit: string;
  total: Decimal;
  used: Decimal;
  remaining: Decimal;
  /** When the running sum of usage reached the quota, or null. */
  usedUpAt: Date | null;
}

/** The package-quota item of a product, if it has one. */
export function quotaItem(catalog: Catalog, productId: string): CatalogItem | null {
  return findProduct(catalog, productId)?.items.find((i) => i.rule === "package-quota" && i.quotaKey) ?? null;
}

function quotaOf(catalog: Catalog, inst: Pick<Instance, "productId" | "spec">, item: CatalogItem): Decimal | null {
  const spec = findProduct(catalog, inst.productId)?.specs.find((s) => s.id === inst.spec);
  const v = spec?.metadata[item.quotaKey!];
  return typeof v === "number" ? dec(v) : null;
}

/**
 * Quota use of these instances as of `now`: usage counts once it has ended
 * (end_at ≤ now), in the order it ended, ties by record id.
 */
export async function packageQuotas(db: DbOrTx, accountId: string, catalog: Catalog, insts: Pick<Instance, "id" | "productId" | "spec">[], now: Date): Promise<Map<string, PackageQuota>> {
  const out = new Map<string, PackageQuota>();
  const wanted = insts.flatMap((inst) => {
    const item = quotaItem(catalog, inst.productId);
    const total = item ? quotaOf(catalog, inst, item) : null;
    return item && total ? [{ inst, item, total }] : [];
  });
  if (!wanted.length) return out;
  const rows = await query<{ instance_id: string; used: string; used_up_at: Date | string | null }>(
    db,
    sql`with q(instance_id, item_id, total) as (values ${sql.join(
      wanted.map((w) => sql`(${w.inst.id}, ${w.item.id}, ${w.total.toFixed()}::numeric)`),
      sql`, `,
    )}),
    running as (
      select u.instance_id, u.end_at, q.total,
             sum(u.quantity) over (partition by u.instance_id order by u.end_at, u.id rows unbounded preceding) as cum
      from usage_records u join q on q.instance_id = u.instance_id and q.item_id = u.item_id
      where u.account_id = ${accountId} and u.end_at <= ${now.toISOString()}::timestamptz
    )
    select instance_id, max(cum)::text as used, min(case when cum >= total then end_at end) as used_up_at
    from running group by instance_id`,
  );
  const byId = new Map(rows.map((r) => [r.instance_id, r]));
  for (const w of wanted) {
    const r = byId.get(w.inst.id);
    const used = r ? dec(r.used) : ZERO;
    out.set(w.inst.id, {
      itemId: w.item.id,
      unit: w.item.usageUnit,
      total: w.total,
      used,
      remaining: used.gte(w.total) ? ZERO : w.total.minus(used),
      usedUpAt: r?.used_up_at ? new Date(r.used_up_at) : null,
    });
  }
  return out;
}

/**
 * Record each live package's quota-used-up instant on the instance (the
 * lifecycle reads attributes.quotaUsedUpAt). Idempotent: the same usage gives
 * the same instant; an instance that already left "active" keeps what it had.
 */
/** Whether refreshPackageQuotas has anything to look at among these instances (the same test as its query). */
export function hasQuotaPackages(catalog: Catalog, insts: Pick<Instance, "productId" | "status" | "billingMethod">[]): boolean {
  return insts.some((i) => i.status === "active" && i.billingMethod !== "free" && quotaItem(catalog, i.productId) !== null);
}

export async function refreshPackageQuotas(tx: Tx, accountId: string, catalog: Catalog, now: Date): Promise<void> {
  const productIds = catalog.products.filter((p) => quotaItem(catalog, p.id)).map((p) => p.id);
  if (!productIds.length) return;
  const live = await tx
    .select()
    .from(instances)
    .where(and(eq(instances.accountId, accountId), inArray(instances.productId, productIds), eq(instances.status, "active"), ne(instances.billingMethod, "free")));
  if (!live.length) return;
  const quotas = await packageQuotas(tx, accountId, catalog, live, now);
  for (const inst of live) {
    const at = quotas.get(inst.id)?.usedUpAt?.toISOString() ?? null;
    const had = typeof inst.attributes.quotaUsedUpAt === "string" ? inst.attributes.quotaUsedUpAt : null;
    if (at === had) continue;
    const { quotaUsedUpAt: _drop, ...rest } = inst.attributes;
    void _drop;
    await tx
      .update(instances)
      .set({ attributes: at ? { ...rest, quotaUsedUpAt: at } : rest })
      .where(and(eq(instances.accountId, accountId), eq(instances.id, inst.id)));
  }
}
