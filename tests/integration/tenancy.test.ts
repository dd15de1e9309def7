import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { instances } from "@/db/schema";
import { seedDemo, DEMO_ACCOUNT_ID, OTHER_ACCOUNT_ID } from "@/db/seed/demo";
import { getInstance, listInstances } from "@/lib/data/instances";
import { getAccountOverview, getBalance } from "@/lib/data/account";
import { createAccount, createApiKey, createUser } from "@/lib/data/operator";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { dec } from "@/lib/money";
import { apiClient } from "./api-client";
import { useTestDatabase } from "./db";

const viewer = (accountId: string): Caller => ({ kind: "user", accountId, userId: "u", role: "viewer", email: "v@x", name: "V" });

describe("demo data and tenant isolation", () => {
  const t = useTestDatabase();

  beforeAll(async () => {
    await seedDemo(t.handle().db, { now: new Date("2026-11-20T10:00:00Z") });
  });

  it("the demo's extended suspension quota is set on the first start: 25 % of last cycle's pay-as-you-go spend", async () => {
    const api = apiClient((await createApiKey(OPERATOR, { accountId: DEMO_ACCOUNT_ID, name: "quota", role: "viewer" })).key);
    const october = (await api.get("/api/v1/bill-lines?billingCycle=2026-10&granularity=MONTHLY&billingMethod=payg&limit=1")).json.totals.pretaxAmount;
    expect(dec(october).gt(0)).toBe(true);
    const { suspensionQuota } = (await api.get("/api/v1/account/overdue")).json;
    expect(suspensionQuota).toBe(dec(october).times("0.25").toFixed(2, 4 /* half-up */));
    expect(suspensionQuota).not.toBe("0.00");
  });

  it("the demo has every product, both region groups and both billing methods", async () => {
    const rows = await listInstances(viewer(DEMO_ACCOUNT_ID));
    const products = new Set(rows.map((r) => r.instance.productId));
    for (const p of ["cloud-phone", "container-registry-personal", "container-registry-enterprise", "oss", "registry-storage", "image-search", "nat-gateway", "eip"]) {
      expect(products, p).toContain(p);
    }
    const phones = rows.filter((r) => r.instance.productId === "cloud-phone").map((r) => r.instance);
    expect(new Set(phones.map((p) => p.billingMethod))).toEqual(new Set(["payg", "subscription"]));
    expect(phones.some((p) => p.regionId.startsWith("cn-") && p.regionId !== "cn-hongkong")).toBe(true);
    expect(phones.some((p) => !p.regionId.startsWith("cn-") || p.regionId === "cn-hongkong")).toBe(true);
    expect(phones.some((p) => p.status === "overdue")).toBe(true);
    const overview = await getAccountOverview(viewer(DEMO_ACCOUNT_ID));
    expect(overview.account.overdueSince).not.toBeNull();
    expect(overview.vouchers.length).toBeGreaterThan(0);
    expect(overview.coupons.length).toBeGreaterThan(0);
  });

  it("seeding again changes nothing, and the same instant gives the same data", async () => {
    const before = await listInstances(viewer(DEMO_ACCOUNT_ID));
    expect((await seedDemo(t.handle().db, { now: new Date("2026-11-20T10:00:00Z") })).created).toBe(false);
    expect(await listInstances(viewer(DEMO_ACCOUNT_ID))).toEqual(before);
  });

  it("filters by status and billing method", async () => {
    const payg = await listInstances(viewer(DEMO_ACCOUNT_ID), { billingMethod: "payg" });
    expect(payg.length).toBeGreaterThan(0);
    expect(payg.every((r) => r.instance.billingMethod === "payg")).toBe(true);
    const released = await listInstances(viewer(DEMO_ACCOUNT_ID), { status: "released" });
    expect(released.every((r) => r.instance.status === "released")).toBe(true);
  });

  it("one account never sees another's resources or money", async () => {
    const acme = await listInstances(viewer(DEMO_ACCOUNT_ID));
    const globex = await listInstances(viewer(OTHER_ACCOUNT_ID));
    const acmeIds = new Set(acme.map((r) => r.instance.id));
    expect(globex.length).toBeGreaterThan(0);
    expect(globex.some((r) => acmeIds.has(r.instance.id))).toBe(false);
    await expect(getInstance(viewer(OTHER_ACCOUNT_ID), "cp-hz-large")).rejects.toBeInstanceOf(NotFoundError);
    await expect(getInstance(viewer(DEMO_ACCOUNT_ID), "cp-hz-large")).resolves.toMatchObject({ instance: { id: "cp-hz-large" } });
    const globexBalance = await getBalance(viewer(OTHER_ACCOUNT_ID));
    expect(globexBalance.lt(1000) && globexBalance.gt(0)).toBe(true); // its own top-up less its own spend
  });

  it("the operator must name an account; tenants cannot onboard", async () => {
    await expect(listInstances(OPERATOR)).rejects.toBeInstanceOf(ForbiddenError);
    const rows = await listInstances(OPERATOR, {}, OTHER_ACCOUNT_ID);
    expect(rows.length).toBeGreaterThan(0);
    await expect(createAccount(viewer(DEMO_ACCOUNT_ID), { name: "Evil" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createApiKey(viewer(DEMO_ACCOUNT_ID), { accountId: OTHER_ACCOUNT_ID, name: "x" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("bad operator input gets a clear error and writes nothing", async () => {
    const db = t.handle().db;
    await expect(createAccount(OPERATOR, { name: "" })).rejects.toThrow(/name: is required/);
    await expect(createAccount(OPERATOR, { name: "X", currency: "EUR" as never })).rejects.toBeInstanceOf(BadRequestError);
    await expect(createAccount(OPERATOR, { name: "X", timeZone: "Mars/Olympus" })).rejects.toThrow(/IANA/);
    await expect(createAccount(OPERATOR, { name: "X", creditLimit: "-5" })).rejects.toThrow(/non-negative/);
    await expect(createAccount(OPERATOR, { id: DEMO_ACCOUNT_ID, name: "Dup" })).rejects.toBeInstanceOf(ConflictError);
    await expect(createUser(OPERATOR, { accountId: DEMO_ACCOUNT_ID, email: "not-an-email", name: "X", password: "long-enough-1", role: "admin" })).rejects.toThrow(/email/);
    await expect(createUser(OPERATOR, { accountId: DEMO_ACCOUNT_ID, email: "short@x.test", name: "X", password: "short", role: "admin" })).rejects.toThrow(/at least 10/);
    await expect(createUser(OPERATOR, { accountId: "no-such-account", email: "a@x.test", name: "X", password: "long-enough-1", role: "admin" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(createUser(OPERATOR, { accountId: DEMO_ACCOUNT_ID, email: "admin@acme.test", name: "X", password: "long-enough-1", role: "admin" })).rejects.toBeInstanceOf(ConflictError);
    await expect(createUser(OPERATOR, { accountId: DEMO_ACCOUNT_ID, email: "r@x.test", name: "X", password: "long-enough-1", role: "root" as never })).rejects.toBeInstanceOf(BadRequestError);
    const [row] = await db.select().from(instances).where(eq(instances.accountId, "no-such-account"));
    expect(row).toBeUndefined();
  });
});
