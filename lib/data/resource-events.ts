import "server-only";
// Resource events from the provider's product services (docs/api.md#resource-events): a
// resource is registered (with its new-purchase order when it is a
// subscription) or released. Checked against the catalog so that every
// registered resource can be rated; each event records a state change and an
// audit entry in the same transaction as the change itself.
import { emitStateChange } from "@/lib/webhooks/outbox";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { BILLING_METHODS, instances, instanceStateChanges, orders, type Instance } from "@/db/schema";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { findPrice, findProduct, isTrialSpec, SUBSCRIPTION_MONTHS, termDiscountOf } from "@/lib/billing/catalog";
import { addMonths } from "@/lib/billing/cycle";
import { orderAmount } from "@/lib/billing/rules/subscription";
import { lockAccount, purchaseHistory, writeOrder } from "@/lib/lifecycle/orders";
import { writeAudit } from "@/lib/lifecycle/audit";
import { accountNow } from "@/lib/clock";
import { AppError, BadRequestError, ConflictError, NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { sum, toFixedString } from "@/lib/money";
import { orderView } from "./api-views";
import { actorOf, createdByOf, requireRole, tenantOf, type Caller } from "./caller";
import { openAssignment, resourceGroupSchema, tagsSchema } from "./tags";
import { instant, parseInput } from "./validate";

export const registerInput = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
    .optional(),
  productId: z.string().min(1, "is required").max(80),
  spec: z.string().min(1).max(80).nullable().optional(),
  regionId: z.string().min(1, "is required").max(80),
  // The availability zone, when the resource lives in one (one of the region's zones).
  zoneId: z.string().min(1).max(80).optional(),
  billingMethod: z.enum(BILLING_METHODS),
  instanceCount: z.number().int("must be a whole number").min(1, "must be at least 1").max(1000, "must be at most 1000").default(1),
  name: z.string().trim().min(1, "is required").max(200),
  createdAt: instant.optional(),
  months: z
    .number()
    .refine((m) => (SUBSCRIPTION_MONTHS as readonly number[]).includes(m), `must be one of ${SUBSCRIPTION_MONTHS.join(", ")}`)
    .optional(),
  autoRenew: z.boolean().optional(),
  tags: tagsSchema.optional(),
  resourceGroup: resourceGroupSchema.optional(),
});
export type RegisterInstanceInput = z.input<typeof registerInput>;

export const releaseInput = z.strictObject({ at: instant.optional() });

const bad = (field: string, message: string) => new BadRequestError(`${field}: ${message}`, { issues: [{ path: field, message }] });

/**
 * `POST /api/v1/instances`: register one resource. A subscription comes with
 * its "new" order, paid at once from coupons, vouchers and balance; when they
 * do not cover it the registration is refused (402) and nothing is written.
 */
export async function registerInstance(caller: Caller, input: unknown, accountId?: string) {
  const account = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  const data = parseInput(registerInput, input);
  const db = await getDb();
  const catalog = await catalogFromDb(db);

  return db.transaction(async (tx) => {
    const acct = await lockAccount(tx, account);
    const now = accountNow(acct);
    const createdAt = data.createdAt ?? now;
    if (createdAt > now) throw bad("createdAt", `must not be in the future (the account's clock is ${now.toISOString()})`);

    const product = findProduct(catalog, data.productId);
    if (!product) throw bad("productId", `unknown product "${data.productId}"`);
    if (!product.billingMethods.includes(data.billingMethod))
      throw bad("billingMethod", `${product.id} is billed by ${product.billingMethods.join(" or ")}, not ${data.billingMethod}`);
    const specs = product.specs.map((s) => s.id);
    const spec = data.spec ?? null;
    if (specs.length && !spec) throw bad("spec", `is required for ${product.id}: one of ${specs.join(", ")}`);
    if (specs.length && !specs.includes(spec!)) throw bad("spec", `${product.id} has no spec "${spec}": one of ${specs.join(", ")}`);
    if (!specs.length && spec) throw bad("spec", `${product.id} has no specs: leave it out`);
    const region = catalog.regions.find((r) => r.id === data.regionId);
    if (!region) throw bad("regionId", `unknown region "${data.regionId}"`);
    if (data.zoneId !== undefined && !region.zones.includes(data.zoneId))
      throw bad("zoneId", region.zones.length ? `${region.id} has no zone "${data.zoneId}": one of ${region.zones.join(", ")}` : `${region.id} has no availability zones: leave it out`);
    const subscription = data.billingMethod === "subscription";
    if (subscription && data.months === undefined) throw bad("months", `a subscription needs a duration: one of ${SUBSCRIPTION_MONTHS.join(", ")}`);
    if (!subscription && data.months !== undefined) throw bad("months", "only subscription resources are bought for a number of months");
    if (!subscription && data.autoRenew) throw bad("autoRenew", "only subscription resources renew");
    // Every billable item must be priceable, or rating would fail later for this resource (422).
    // (A package-quota item is not charged: it counts against the package, so it has no price.)
    const priced = product.items.filter((item) => item.rule !== "package-quota").map((item) =>
      findPrice(catalog, { itemId: item.id, regionId: data.regionId, spec, billingMethod: data.billingMethod, currency: acct.currency, at: createdAt }),
    );
    if (subscription && acct.overdueSince)
      throw new ConflictError(`The account has been overdue since ${acct.overdueSince.toISOString()}: new purchases are refused until it is paid.`);

    // Purchase limits are catalog facts: the free-trial spec, new purchases per month.
    const trial = subscription && isTrialSpec(catalog, product.id, spec);
    const limit = product.attributes.newPurchasesPerMonth;
    if (subscription && (trial || limit !== undefined)) {
      const history = await purchaseHistory(tx, acct, catalog, product.id, createdAt);
      if (trial && history.trialUsed) throw new ConflictError(`The ${product.name} free trial package is once per account, and this account has had it.`);
      if (limit !== undefined && history.thisMonth >= limit) {
        const what = limit === 1 ? "one new package purchase" : `${limit} new package purchases`;
        throw new ConflictError(`${product.name} allows ${what} per account per calendar month; the limit was reached this month (renewals, upgrades and downgrades are not limited).`);
      }
      if (trial && (data.months !== 1 || data.autoRenew)) throw bad("months", "the free trial package is one month, never renewed");
    }

    const id = data.id ?? newId("inst");
    const termEnd = subscription ? addMonths(createdAt, data.months!, acct.timeZone) : null;
    const [instance] = await tx
      .insert(instances)
      .values({
        accountId: account,
        id,
        productId: product.id,
        name: data.name,
        spec,
        regionId: data.regionId,
        instanceCount: data.instanceCount,
        billingMethod: data.billingMethod,
        status: "active",
        createdAt,
        billingAnchorAt: createdAt,
        statusSince: createdAt,
        expiresAt: termEnd,
        autoRenew: subscription ? (data.autoRenew ?? false) : false,
        autoRenewMonths: data.months ?? 1,
        attributes: data.zoneId ? { zoneId: data.zoneId } : {},
      })
      .onConflictDoNothing()
      .returning();
    if (!instance) throw new ConflictError(`Instance ${id} already exists.`);
    // Tagged from creation, so the order below and every line carry the tags (docs/tags.md).
    const allocation = { tags: data.tags ?? {}, resourceGroup: data.resourceGroup ?? null };
    await openAssignment(tx, account, id, allocation, createdAt);
    await tx
      .insert(instanceStateChanges)
      .values({ accountId: account, id: newId("isc"), instanceId: id, fromStatus: null, toStatus: "active", at: createdAt, cause: "created" });
    await emitStateChange(tx, account, { instanceId: id, from: null, to: "active", at: createdAt, cause: "created" });

    let order: typeof orders.$inferSelect | null = null;
    if (subscription) {
      const months = data.months!;
      const amount = orderAmount({
        monthlyPrice: sum(priced.map((p) => p.unitPrice)),
        months,
        instances: data.instanceCount,
        // The trial's only month is free: its list price stays on the order as the discount.
        discountRate: trial ? 1 : termDiscountOf(catalog, product.id, months),
      });
      const written = await writeOrder(
        tx,
        acct,
        {
          instanceId: id,
          productId: product.id,
          orderType: "new",
          spec,
          months,
          instanceCount: data.instanceCount,
          termStart: createdAt,
          termEnd: termEnd!,
          originalAmount: toFixedString(amount.original),
          discountAmount: toFixedString(amount.discount),
          payableAmount: toFixedString(amount.payable),
          createdBy: createdByOf(caller),
        },
        createdAt,
        "charge",
      );
      order = written.order;
      // Thrown, so the transaction rolls back and nothing of the event is written.
      if (!written.paid)
        throw new AppError(
          `The balance, vouchers and coupons do not cover order ${order.orderNo} (${order.payableAmount} ${acct.currency}); top up and send the event again.`,
          402,
          "payment_required",
          { orderNo: order.orderNo, payableAmount: order.payableAmount, currency: acct.currency },
        );
    }

    await writeAudit(tx, {
      accountId: account,
      at: now,
      actor: actorOf(caller),
      action: "instance.register",
      targetType: "instance",
      targetId: id,
      fromState: null,
      toState: "active",
      amounts: order ? { originalAmount: order.originalAmount, discountAmount: order.discountAmount, payableAmount: order.payableAmount, paidAmount: order.paidAmount } : undefined,
      details: {
        productId: product.id,
        spec,
        regionId: data.regionId,
        billingMethod: data.billingMethod,
        instanceCount: data.instanceCount,
        createdAt: createdAt.toISOString(),
        ...(data.tags && Object.keys(data.tags).length ? { tags: data.tags } : {}),
        ...(data.resourceGroup ? { resourceGroup: data.resourceGroup } : {}),
        ...(order ? { orderId: order.id, orderNo: order.orderNo, months: order.months, termEnd: termEnd!.toISOString() } : {}),
      },
    });
    return { instance: { ...instance, ...allocation }, order: order ? orderView(order) : null };
  });
}

/**
 * `POST /api/v1/instances/{id}/release`: release at the account's clock or a
 * given past instant (not before creation or the last status change).
 */
export async function releaseInstance(caller: Caller, instanceId: string, input: unknown, accountId?: string): Promise<Instance> {
  const account = tenantOf(caller, accountId);
  requireRole(caller, "admin");
  const data = parseInput(releaseInput, input ?? {});
  const db = await getDb();
  return db.transaction(async (tx) => {
    const acct = await lockAccount(tx, account);
    const now = accountNow(acct);
    const [current] = await tx
      .select()
      .from(instances)
      .where(and(eq(instances.accountId, account), eq(instances.id, instanceId)))
      .for("update");
    // Another account's id reads exactly like an unknown one.
    if (!current) throw new NotFoundError(`Instance ${instanceId} not found.`);
    if (current.status === "released")
      throw new ConflictError(`Instance ${instanceId} was already released at ${current.releasedAt?.toISOString() ?? current.statusSince.toISOString()}.`);
    const at = data.at ?? now;
    if (at > now) throw bad("at", `must not be in the future (the account's clock is ${now.toISOString()})`);
    if (at < current.createdAt) throw bad("at", `must not be before the instance was created (${current.createdAt.toISOString()})`);
    if (at < current.statusSince)
      throw bad("at", `must not be before the instance's last status change (${current.status} since ${current.statusSince.toISOString()})`);

    const [released] = await tx
      .update(instances)
      .set({ status: "released", releasedAt: at, statusSince: at })
      .where(and(eq(instances.accountId, account), eq(instances.id, instanceId)))
      .returning();
    await tx
      .insert(instanceStateChanges)
      .values({ accountId: account, id: newId("isc"), instanceId, fromStatus: current.status, toStatus: "released", at, cause: "released" });
    await emitStateChange(tx, account, { instanceId, from: current.status, to: "released", at, cause: "released" });
    await writeAudit(tx, {
      accountId: account,
      at: now,
      actor: actorOf(caller),
      action: "instance.release",
      targetType: "instance",
      targetId: instanceId,
      fromState: current.status,
      toState: "released",
      details: { releasedAt: at.toISOString() },
    });
    return released;
  });
}
