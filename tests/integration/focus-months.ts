// The FOCUS conformance account's two months (used by focus-conformance.test.ts
// and the SQL export's oracle test): pay-as-you-go Cloud Phone periods, hourly and
// metered usage, tiered traffic, subscriptions, a refund, a resource plan, a
// coupon, a voucher, late usage for a closed month and an operator's credit.
import { expect } from "vitest";
import { POST as usagePOST } from "@/app/api/v1/usage/route";
import type { DbHandle } from "@/db/client";
import { coupons, resourcePlans, vouchers } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, setSystemClock } from "@/lib/clock";
import { cliOperator, OPERATOR } from "@/lib/data/caller";
import { adjustAccount } from "@/lib/data/operator-adjustments";
import { runLifecycleAction } from "@/lib/data/lifecycle";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { topUp } from "@/lib/data/top-ups";

const HOUR = 3_600_000;

/** Lives account A through October and November 2026; answers an admin API key. */
export async function setUpFocusMonths(handle: DbHandle, A: string): Promise<string> {
  const db = () => handle.db;
  let key = "";
  const at = (iso: string) => setSystemClock(fixedClock(iso));
  const jobs = (now: string) => {
    at(now);
    return runJobs(db(), { now: new Date(now), accountIds: [A] });
  };
  async function ingest(records: unknown[]) {
    const res = await usagePOST(
      new Request("http://x/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ records }) }),
      { params: Promise.resolve({}) },
    );
    expect(res.status, await res.clone().text()).toBe(200);
  }
  const hours = (instanceId: string, item: string, day: string, from: number, to: number, prefix: string) =>
    Array.from({ length: to - from }, (_, i) => {
      const start = Date.parse(`${day}T00:00:00Z`) + (from + i) * HOUR;
      return { id: `${prefix}-${day}-${from + i}`, instanceId, item, quantity: "1", start: new Date(start).toISOString(), end: new Date(start + HOUR).toISOString() };
    });

  at("2026-10-01T00:00:00Z");
  await loadCatalog(db(), await readCatalogFile());
  await createAccount(OPERATOR, { id: A, name: "Focus Labs", timeZone: "UTC" });
  await topUp(OPERATOR, { amount: "10000", at: new Date("2026-10-01T00:00:00Z") }, A);
  key = (await createApiKey(OPERATOR, { accountId: A, name: "finops", role: "admin" })).key;
  const span = { validFrom: new Date("2026-10-01T00:00:00Z"), expiresAt: new Date("2027-01-01T00:00:00Z") };
  // A coupon smaller than what it could take, a voucher, and a storage plan: each deducts on some lines only.
  await db().insert(coupons).values({ accountId: A, id: "c-phone", code: "PHONE-20", discountPercent: "20", remaining: "3.00", productIds: ["cloud-phone"], ...span });
  await db().insert(vouchers).values({ accountId: A, id: "v-1", code: "WELCOME", faceValue: "5.00", remaining: "5.00", ...span });
  await db().insert(resourcePlans).values({ accountId: A, id: "rp-1", name: "OSS 10 GB-month", billableItemId: "oss.storage", totalQuantity: "0.5", remainingQuantity: "0.5", unit: "GB-month", ...span });

  const reg = (input: Record<string, unknown>) => registerInstance(OPERATOR, { createdAt: "2026-10-01T00:00:00Z", ...input }, A);
  await reg({ id: "cp-1", productId: "cloud-phone", spec: "acp.std.medium", regionId: "cn-hongkong", zoneId: "cn-hongkong-b", billingMethod: "payg", instanceCount: 2, name: "phones" });
  await reg({ id: "nat-1", productId: "nat-gateway", regionId: "cn-hangzhou", zoneId: "cn-hangzhou-h", billingMethod: "payg", name: "nat" });
  await reg({ id: "reg-1", productId: "registry-storage", regionId: "cn-hangzhou", billingMethod: "payg", name: "registry" });
  await reg({ id: "oss-1", productId: "oss", regionId: "cn-hangzhou", billingMethod: "payg", name: "bucket" });
  await reg({ id: "cre-1", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-hangzhou", billingMethod: "subscription", months: 1, name: "registry-1" });
  await reg({ id: "cre-2", productId: "container-registry-enterprise", spec: "advanced", regionId: "ap-southeast-1", billingMethod: "subscription", instanceCount: 2, months: 3, name: "registry-2" });

  at("2026-10-06T00:00:00Z");
  await ingest([
    ...hours("nat-1", "instance", "2026-10-02", 0, 10, "nat"),
    ...hours("nat-1", "instance", "2026-10-05", 0, 3, "nat"),
    { id: "egress-1", instanceId: "reg-1", item: "egress", quantity: "150.5", start: "2026-10-03T00:00:00Z", end: "2026-10-03T01:00:00Z", attributes: { network: "internet" } },
    { id: "scan-1", instanceId: "reg-1", item: "scanner", quantity: "7", start: "2026-10-03T02:00:00Z", end: "2026-10-03T02:01:00Z" },
    { id: "layer-1", instanceId: "oss-1", item: "storage", quantity: "40", start: "2026-10-04T00:00:00Z", end: "2026-10-05T12:30:00Z", attributes: { layerDigest: "sha256:aa", bytes: 40 * 1024 ** 3 } },
  ]);
  await jobs("2026-10-20T00:00:00Z");
  at("2026-10-20T00:00:00Z");
  await runLifecycleAction(OPERATOR, "cre-2", { action: "unsubscribe" }, "focus-unsubscribe-cre-2", A);
  await jobs("2026-10-22T06:00:00Z");
  // October closes (the phones run on), then late NAT usage for 5 Oct arrives.
  await jobs("2026-11-02T00:00:00Z");
  await ingest(hours("nat-1", "instance", "2026-10-05", 3, 8, "late"));
  await jobs("2026-11-03T00:00:00Z");
  // The provider credits the closed October: an adjustment line in November.
  await adjustAccount(cliOperator("focus-ops"), A, { kind: "credit", amount: "2.50", billingCycle: "2026-10", productId: "nat-gateway", reason: "NAT outage" });
  return key;
}
