// The deterministic demo: a fixed random seed, everything relative to `now`
// (truncated to the hour), so the same `now` always gives the same data.
// Demo account: every product of the catalog across both region groups and
// both billing methods, three months of usage, orders, vouchers, coupons and
// one overdue Cloud Phone group. A second account shows isolation.
import { eq } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { accounts, coupons, instances, instanceStateChanges, instanceTagAssignments, resourcePlans, vouchers, type Instance, type Tags } from "@/db/schema";
import { insertUsers } from "@/lib/data/logins";
import { hashPassword } from "@/lib/auth/password";
import { seededRandom } from "@/lib/ids";
import { dec, roundMoney, toFixedString } from "@/lib/money";
import { loadCatalog, readCatalogFile, findPrice, subscriptionItemOf, type Catalog } from "@/lib/billing/catalog";
import { demoUsage } from "./demo-usage";
import { runJobs } from "@/lib/jobs/run";
import { applyTopUp } from "@/lib/billing/settlement";
import { lockAccount, writeOrder, type OrderDraft } from "@/lib/lifecycle/orders";

export const DEMO_ACCOUNT_ID = "acme";
export const OTHER_ACCOUNT_ID = "globex";

export const DEMO_SIGN_INS = [
  { account: "Acme Robotics", role: "admin", email: "admin@acme.test", password: "acme-admin-2026", name: "Ada Admin" },
  { account: "Acme Robotics", role: "finance", email: "finance@acme.test", password: "acme-finance-2026", name: "Fin Ance" },
  { account: "Acme Robotics", role: "viewer", email: "viewer@acme.test", password: "acme-viewer-2026", name: "Vic Viewer" },
  { account: "Globex Logistics", role: "admin", email: "admin@globex.test", password: "globex-admin-2026", name: "Gus Globex" },
] as const;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface InstanceSpec {
  id: string;
  productId: string;
  name: string;
  spec: string | null;
  regionId: string;
  instanceCount?: number;
  billingMethod: "payg" | "subscription" | "free";
  createdDaysAgo: number;
  months?: number; // subscription term bought at creation
  autoRenew?: boolean;
  status?: Instance["status"];
  releasedDaysAgo?: number;
  /** Cost allocation from creation; `retag` replaces them some days ago (the demo's split month). */
  tags?: Tags;
  resourceGroup?: string;
  retag?: { daysAgo: number; tags: Tags; resourceGroup?: string };
}

// Demo resources: both Cloud Phone region groups, both billing methods.
const ACME_INSTANCES: InstanceSpec[] = [
  { id: "cp-hz-large", productId: "cloud-phone", name: "android-ci-farm", spec: "acp.std.large", regionId: "cn-hangzhou", instanceCount: 5, billingMethod: "payg", createdDaysAgo: 100,
    tags: { project: "android-ci", env: "staging" }, resourceGroup: "ci", retag: { daysAgo: 10, tags: { project: "android-ci", env: "prod" }, resourceGroup: "ci" } },
  { id: "cp-sg-small", productId: "cloud-phone", name: "qa-devices-sg", spec: "acp.basic.small", regionId: "ap-southeast-1", instanceCount: 3, billingMethod: "payg", createdDaysAgo: 80,
    tags: { project: "qa", env: "test" }, resourceGroup: "qa" },
  { id: "cp-fra-std", productId: "cloud-phone", name: "store-demo-phones", spec: "acp.std.medium", regionId: "eu-central-1", instanceCount: 2, billingMethod: "payg", createdDaysAgo: 60,
    tags: { project: "store-demo" }, resourceGroup: "sales" },
  { id: "cp-sh-perf", productId: "cloud-phone", name: "game-bench", spec: "acp.perf.large", regionId: "cn-shanghai", instanceCount: 2, billingMethod: "subscription", createdDaysAgo: 95, months: 6, autoRenew: true },
  { id: "cp-hk-std", productId: "cloud-phone", name: "app-review-hk", spec: "acp.std.small", regionId: "cn-hongkong", instanceCount: 4, billingMethod: "subscription", createdDaysAgo: 70, months: 3 },
  { id: "cp-old", productId: "cloud-phone", name: "pilot-group", spec: "acp.basic.small", regionId: "cn-beijing", instanceCount: 1, billingMethod: "payg", createdDaysAgo: 110, status: "released", releasedDaysAgo: 75 },
  { id: "cr-personal", productId: "container-registry-personal", name: "dev-registry", spec: null, regionId: "cn-hangzhou", billingMethod: "free", createdDaysAgo: 120 },
  { id: "cr-ee-basic", productId: "container-registry-enterprise", name: "prod-registry-cn", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", createdDaysAgo: 105, months: 12, autoRenew: true,
    tags: { project: "registry", env: "prod" }, resourceGroup: "platform" },
  { id: "cr-ee-adv", productId: "container-registry-enterprise", name: "prod-registry-eu", spec: "advanced", regionId: "eu-central-1", billingMethod: "subscription", createdDaysAgo: 40, months: 1, autoRenew: true },
  { id: "reg-store-cn", productId: "registry-storage", name: "prod-registry-cn storage", spec: null, regionId: "cn-beijing", billingMethod: "payg", createdDaysAgo: 105 },
  { id: "oss-artifacts-sg", productId: "oss", name: "artifacts-sg", spec: null, regionId: "ap-southeast-1", billingMethod: "payg", createdDaysAgo: 100 },
  { id: "oss-backup-hz", productId: "oss", name: "phone-backups-hz", spec: null, regionId: "cn-hangzhou", billingMethod: "payg", createdDaysAgo: 90,
    tags: { project: "android-ci", env: "prod" }, resourceGroup: "ci" },
  { id: "is-catalog", productId: "image-search", name: "catalog-search", spec: "2.5m-5", regionId: "cn-shanghai", billingMethod: "subscription", createdDaysAgo: 75, months: 3 },
  { id: "nat-hz", productId: "nat-gateway", name: "android-ci-farm NAT", spec: null, regionId: "cn-hangzhou", billingMethod: "payg", createdDaysAgo: 100,
    tags: { project: "android-ci" }, resourceGroup: "ci" },
  { id: "eip-hz", productId: "eip", name: "android-ci-farm EIP", spec: null, regionId: "cn-hangzhou", billingMethod: "payg", createdDaysAgo: 100,
    tags: { project: "android-ci" }, resourceGroup: "ci" },
];

const GLOBEX_INSTANCES: InstanceSpec[] = [
  { id: "cp-globex", productId: "cloud-phone", name: "courier-app-test", spec: "acp.std.small", regionId: "eu-central-1", instanceCount: 2, billingMethod: "payg", createdDaysAgo: 50 },
  { id: "oss-globex", productId: "oss", name: "globex-manifests", spec: null, regionId: "eu-central-1", billingMethod: "payg", createdDaysAgo: 50 },
];

type SeedOptions = { now: Date; log?: (s: string) => void; catalog?: Catalog };

/**
 * All or nothing: the catalog, the data, the usage and its rating and
 * settlement commit together, so a seed stopped half-way (a killed first
 * start) leaves no trace and the next start simply seeds again.
 */
export function seedDemo(db: Db, opts: SeedOptions): Promise<{ created: boolean }> {
  return db.transaction((tx) => seedDemoIn(tx, opts));
}

async function seedDemoIn(db: Tx, opts: SeedOptions) {
  const log = opts.log ?? (() => {});
  const catalog = opts.catalog ?? (await readCatalogFile());
  const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, DEMO_ACCOUNT_ID));
  if (existing) return { created: false };
  await loadCatalog(db, catalog);

  const now = new Date(Math.floor(opts.now.getTime() / HOUR) * HOUR);
  const rand = seededRandom(20261123);
  const seededNumbers = (max: number) => Math.floor(rand() * max);
  const hashes = await Promise.all(DEMO_SIGN_INS.map((s) => hashPassword(s.password)));

  await db.transaction(async (tx) => {
    await tx.insert(accounts).values([
      { id: DEMO_ACCOUNT_ID, name: "Acme Robotics", currency: "USD", timeZone: "UTC", creditLimit: "50.00", createdAt: new Date(now.getTime() - 130 * DAY) },
      { id: OTHER_ACCOUNT_ID, name: "Globex Logistics", currency: "USD", timeZone: "Europe/Berlin", creditLimit: "0", createdAt: new Date(now.getTime() - 60 * DAY) },
    ]);
    await insertUsers(
      tx,
      DEMO_SIGN_INS.map((s, i) => ({
        accountId: s.account === "Acme Robotics" ? DEMO_ACCOUNT_ID : OTHER_ACCOUNT_ID,
        id: `usr_${s.email.split("@")[0]}_${s.email.split("@")[1].split(".")[0]}`,
        email: s.email,
        name: s.name,
        passwordHash: hashes[i],
        role: s.role,
      })),
    );

    for (const [accountId, specs] of [[DEMO_ACCOUNT_ID, ACME_INSTANCES], [OTHER_ACCOUNT_ID, GLOBEX_INSTANCES]] as const) {
      for (const s of specs) {
        const createdAt = new Date(now.getTime() - s.createdDaysAgo * DAY);
        const expiresAt = s.months ? addMonthsUtc(createdAt, s.months) : null;
        const releasedAt = s.releasedDaysAgo !== undefined ? new Date(now.getTime() - s.releasedDaysAgo * DAY) : null;
        const status = s.status ?? (expiresAt && expiresAt <= now ? "expired" : "active");
        await tx.insert(instances).values({
          accountId,
          id: s.id,
          productId: s.productId,
          name: s.name,
          spec: s.spec,
          regionId: s.regionId,
          instanceCount: s.instanceCount ?? 1,
          billingMethod: s.billingMethod,
          status,
          createdAt,
          billingAnchorAt: createdAt,
          expiresAt,
          releasedAt,
          statusSince: releasedAt ?? createdAt,
          autoRenew: s.autoRenew ?? false,
          autoRenewMonths: 1,
        });
        // Every resource has its tag history from creation (untagged ones an empty set).
        const retagAt = s.retag ? new Date(now.getTime() - s.retag.daysAgo * DAY) : null;
        await tx.insert(instanceTagAssignments).values({
          accountId, id: `tag_${s.id}_0`, instanceId: s.id, tags: s.tags ?? {}, resourceGroup: s.resourceGroup ?? null, validFrom: createdAt, validTo: retagAt,
        });
        if (s.retag && retagAt)
          await tx.insert(instanceTagAssignments).values({ accountId, id: `tag_${s.id}_1`, instanceId: s.id, tags: s.retag.tags, resourceGroup: s.retag.resourceGroup ?? null, validFrom: retagAt });
        await tx.insert(instanceStateChanges).values({ accountId, id: `isc_${s.id}_created`, instanceId: s.id, fromStatus: null, toStatus: "active", at: createdAt, cause: "created" });
        if (releasedAt) {
          await tx.insert(instanceStateChanges).values({ accountId, id: `isc_${s.id}_released`, instanceId: s.id, fromStatus: "active", toStatus: "released", at: releasedAt, cause: "released by the owner" });
        }
        if (s.months) {
          const price = findPrice(catalog, { itemId: subscriptionItemOf(catalog, s.productId), regionId: s.regionId, spec: s.spec, billingMethod: "subscription", currency: "USD", at: createdAt });
          const amount = toFixedString(roundMoney(dec(price.unitPrice).times(s.months).times(s.instanceCount ?? 1)));
          // A bank transfer for the order, then the order is written and paid like any other.
          await applyTopUp(tx, accountId, { amount, at: new Date(createdAt.getTime() - HOUR), idempotencyKey: `demo-${s.id}`, memo: "Bank transfer" });
          const account = await lockAccount(tx, accountId);
          const draft = { instanceId: s.id, productId: s.productId, orderType: "new", spec: s.spec, months: s.months, instanceCount: s.instanceCount ?? 1,
            termStart: createdAt, termEnd: expiresAt, originalAmount: amount, payableAmount: amount, createdBy: null } satisfies OrderDraft;
          const { paid } = await writeOrder(tx, account, draft, createdAt, "charge", seededNumbers);
          if (!paid) throw new Error(`demo order for ${s.id} was not paid`);
        }
      }
    }

    // Cash for pay-as-you-go spend: deliberately a little short, so that the
    // demo shows an overdue situation once the bills are rated and settled.
    for (const [accountId, key, amount, daysAgo, memo] of [
      [DEMO_ACCOUNT_ID, "acme-1", "600.00", 110, "Card top-up"],
      [DEMO_ACCOUNT_ID, "acme-2", "500.00", 70, "Card top-up"],
      [DEMO_ACCOUNT_ID, "acme-3", "480.00", 35, "Card top-up"],
      [OTHER_ACCOUNT_ID, "globex-1", "1000.00", 50, "Bank transfer"],
    ] as const) {
      await applyTopUp(tx, accountId, { amount, at: new Date(now.getTime() - daysAgo * DAY), idempotencyKey: `demo-${key}`, memo });
    }
    await tx.insert(vouchers).values([
      { accountId: DEMO_ACCOUNT_ID, id: "vch_welcome", code: "WELCOME-100", faceValue: "100.00", remaining: "100.00", validFrom: new Date(now.getTime() - 120 * DAY), expiresAt: new Date(now.getTime() + 60 * DAY) },
      { accountId: DEMO_ACCOUNT_ID, id: "vch_expired", code: "SPRING-25", faceValue: "25.00", remaining: "25.00", validFrom: new Date(now.getTime() - 200 * DAY), expiresAt: new Date(now.getTime() - 100 * DAY) },
    ]);
    await tx.insert(coupons).values([
      { accountId: DEMO_ACCOUNT_ID, id: "cpn_phone20", code: "PHONE-20", discountPercent: "20", remaining: "40.00", productIds: ["cloud-phone"], validFrom: new Date(now.getTime() - 100 * DAY), expiresAt: new Date(now.getTime() + 30 * DAY) },
    ]);
    await tx.insert(resourcePlans).values([
      { accountId: DEMO_ACCOUNT_ID, id: "rp_oss_500", name: "OSS storage plan 500 GB-month", billableItemId: "oss.storage", totalQuantity: "500", remainingQuantity: "500", unit: "GB-month", validFrom: new Date(now.getTime() - 100 * DAY), expiresAt: new Date(now.getTime() + 265 * DAY) },
    ]);
  });

  const usage = demoUsage({ now, rand, instances: [...ACME_INSTANCES.map((s) => ({ ...s, accountId: DEMO_ACCOUNT_ID })), ...GLOBEX_INSTANCES.map((s) => ({ ...s, accountId: OTHER_ACCOUNT_ID }))] });
  // A download spike three days ago pushes acme's overdue amount past its extended
  // suspension quota (25 % of last cycle's pay-as-you-go spend), so the demo also
  // shows pay-as-you-go Cloud Phones stopped, not only the restricted registry.
  const spike = new Date(Math.floor((now.getTime() - 3 * DAY) / DAY) * DAY + 9 * HOUR);
  usage.push({ accountId: DEMO_ACCOUNT_ID, id: "demo-oss-artifacts-sg-spike", instanceId: "oss-artifacts-sg", itemId: "oss.internet-egress", quantity: "2500", startAt: spike, endAt: new Date(spike.getTime() + 6 * HOUR), attributes: { network: "internet" } });
  const { insertUsageRows } = await import("./insert-usage");
  await insertUsageRows(db, usage);
  log(`Demo: 2 accounts, ${ACME_INSTANCES.length + GLOBEX_INSTANCES.length} resources, ${usage.length} usage records; rating and settling…`);
  // The bills, settlement and the overdue situation come from the engine itself —
  // for the demo's own accounts only: seeding must not run other accounts' jobs.
  await runJobs(db, { now, accountIds: [DEMO_ACCOUNT_ID, OTHER_ACCOUNT_ID], log });
  return { created: true };
}

function addMonthsUtc(at: Date, months: number): Date {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
