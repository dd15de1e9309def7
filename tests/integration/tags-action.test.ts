// The console's tag editor (a server action): a forged call from a finance or
// viewer session gets an error and writes nothing; an admin's form rows become
// the instance's tag set (empty keys dropped), audited; a repeated key or a
// reserved prefix is the user's to fix, with nothing written.
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

import { and, eq } from "drizzle-orm";
import { saveTagsAction } from "@/app/(console)/resources/[id]/actions";
import { auditLog, instanceTagAssignments } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR, type TenantCaller } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { uniq, useTestDatabase } from "./db";

describe("tag editor action", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("tagact");
  const as = (role: "admin" | "finance" | "viewer"): TenantCaller => ({ kind: "user", accountId: A, userId: `usr_${role}`, role, email: `${role}@x.test`, name: role });
  const form = (rows: [string, string][], group: string) => {
    const f = new FormData();
    for (const [k, v] of rows) {
      f.append("key", k);
      f.append("value", v);
    }
    f.append("resourceGroup", group);
    return f;
  };
  const assignments = () =>
    db().select().from(instanceTagAssignments).where(and(eq(instanceTagAssignments.accountId, A), eq(instanceTagAssignments.instanceId, "nat")));

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-11-10T09:00:00Z"));
    await loadCatalog(db(), await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Tag actions", timeZone: "UTC" });
    await registerInstance(OPERATOR, { id: "nat", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat", createdAt: "2026-11-01T00:00:00Z" }, A);
  });
  afterAll(() => setSystemClock(realClock));

  it("refuses finance and viewer sessions, writing nothing", async () => {
    for (const role of ["finance", "viewer"] as const) {
      session.caller = as(role);
      expect(await saveTagsAction("nat", null, form([["project", "x"]], ""))).toEqual({ error: `This needs the admin role; you are ${role}.` });
    }
    expect(await assignments()).toHaveLength(1);
  });

  it("saves an admin's rows as the tag set, drops empty keys, and audits the change", async () => {
    session.caller = as("admin");
    expect(await saveTagsAction("nat", null, form([["project", "atlas"], ["", "ignored"], [" env ", "prod"]], "platform"))).toEqual({ ok: true });
    const rows = await assignments();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.validTo === null)).toMatchObject({ tags: { project: "atlas", env: "prod" }, resourceGroup: "platform" });
    const [audit] = await db().select().from(auditLog).where(and(eq(auditLog.accountId, A), eq(auditLog.action, "instance.tags")));
    expect(audit).toMatchObject({ targetId: "nat", actorUserId: "usr_admin" });
    // An empty group field removes the group.
    expect(await saveTagsAction("nat", null, form([["project", "atlas"]], ""))).toEqual({ ok: true });
    expect((await assignments()).find((r) => r.validTo === null)).toMatchObject({ tags: { project: "atlas" }, resourceGroup: null });
  });

  it("words a repeated key or a reserved prefix for the user, writing nothing", async () => {
    session.caller = as("admin");
    const before = (await assignments()).length;
    const twice = await saveTagsAction("nat", null, form([["project", "a"], ["project", "b"]], ""));
    expect(twice.error).toMatch(/project.*twice/);
    const reserved = await saveTagsAction("nat", null, form([["billing-console/x", "a"]], ""));
    expect(reserved.error).toMatch(/reserved prefix/);
    expect(await assignments()).toHaveLength(before);
  });
});
