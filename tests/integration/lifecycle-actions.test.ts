// The console's server actions: a forged call from a finance or viewer session
// gets an error and writes nothing; an admin's goes through and is audited;
// the audit log is for admins only.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ caller: null as null | Record<string, unknown> }));
vi.mock("@/lib/data/session", () => ({
  sessionCaller: async () => session.caller,
  requireSessionCaller: async () => {
    if (!session.caller) throw new Error("no session");
    return session.caller;
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next-intl/server", async () => (await import("./intl")).intlServerMock());

import { eq, sql } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { cancelOrderAction, confirmLifecycleAction, payOrderAction, quoteLifecycleAction, setAutoRenewAction } from "@/app/(console)/resources/[id]/actions";
import { auditLog, instances, ledgerEntries, orders } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { listAudit } from "@/lib/data/audit";
import { OPERATOR, type TenantCaller } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { ForbiddenError } from "@/lib/errors";
import { uniq, useTestDatabase } from "./db";

const NOW = new Date("2026-11-10T09:00:00Z");

describe("lifecycle server actions", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  let a: string;
  const as = (role: "admin" | "finance" | "viewer"): TenantCaller => ({ kind: "user", accountId: a, userId: `usr_${role}`, role, email: `${role}@x.test`, name: role });

  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
    setSystemClock(fixedClock(NOW));
    a = uniq("sa").toLowerCase().slice(0, 40);
    await createAccount(OPERATOR, { id: a, name: a });
    await db().insert(ledgerEntries).values({ accountId: a, id: `led_${a}`, entryType: "top_up", amount: "500.00", currency: "USD", at: new Date("2026-10-01T00:00:00Z") });
    const created = new Date(NOW.getTime() - 9 * 3_600_000);
    await db().insert(instances).values({
      accountId: a, id: "cp", productId: "cloud-phone", name: "cp", spec: "acp.std.small", regionId: "eu-central-1", instanceCount: 2, billingMethod: "payg",
      createdAt: created, billingAnchorAt: created, statusSince: created,
    });
  });
  afterAll(() => setSystemClock(realClock));

  async function written() {
    const n = async (table: typeof orders | typeof ledgerEntries | typeof auditLog) =>
      (await db().select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.accountId, a)))[0].n;
    return [await n(orders), await n(ledgerEntries), await n(auditLog)];
  }

  it("refuses forged calls from finance and viewer sessions, writing nothing", async () => {
    const before = await written();
    for (const role of ["finance", "viewer"] as const) {
      session.caller = as(role);
      const results = [
        await quoteLifecycleAction("cp", { action: "switch", months: 3 }),
        await confirmLifecycleAction("cp", { action: "switch", months: 3 }, "forged-key-0001"),
        await setAutoRenewAction("cp", { enabled: true, months: 1 }, "forged-key-0002"),
        await payOrderAction("cp", "ord_x"),
        await cancelOrderAction("cp", "ord_x"),
      ];
      for (const r of results) expect(r).toEqual({ error: `This needs the admin role; you are ${role}.` });
      await expect(listAudit(as(role))).rejects.toThrow(ForbiddenError);
    }
    expect(await written()).toEqual(before);
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it("an admin's confirm goes through once, however often it is clicked, and shows in the audit log", async () => {
    session.caller = as("admin");
    const q = await quoteLifecycleAction("cp", { action: "switch", months: "3" });
    expect(q).toMatchObject({ ok: { payableAmount: "128.97" } });
    const clicks = await Promise.all([1, 2, 3].map(() => confirmLifecycleAction("cp", { action: "switch", months: "3", autoRenew: "on" }, "form-key-0001")));
    const orderIds = clicks.map((c) => ("ok" in c ? c.ok.order.id : null));
    expect(new Set(orderIds).size).toBe(1);
    expect(orderIds[0]).toBeTruthy();
    expect(await written()).toEqual([1, 2, 1]);
    expect(revalidatePath).toHaveBeenCalledWith("/resources/cp");
    const bad = await confirmLifecycleAction("cp", { action: "renew", months: "7" }, "form-key-0002");
    expect(bad).toEqual({ error: "Check what you entered: months: must be one of 1, 2, 3, 6, 12 months", field: "months" });

    const audit = await listAudit(as("admin"));
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0]).toMatchObject({ action: "switch_to_subscription", targetId: "cp", actorUserId: "usr_admin", amounts: { payable: "128.97" } });
    // This test's session user has no users row: the log still names the id.
    expect(audit.data[0].actor).toBe("user usr_admin");
  });
});
