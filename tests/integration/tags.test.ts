// Cost allocation on a real database, through the public API: instances are
// tagged and grouped by resource events, a tag changed on the 15th splits the
// month (a change mid-day applies from the next day's line), re-rating changes
// nothing, subscription lines carry the tags of their order's time, Billing
// Details / Summary / Overview filter and group by tag and group with the
// untagged cost shown as such, and the CSV and FOCUS exports carry them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { asc, eq } from "drizzle-orm";
import { billLines, instanceTagAssignments } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { getSummary } from "@/lib/data/views/summary";
import { getCostAllocation } from "@/lib/data/views/allocation";
import { getOverview } from "@/lib/data/views/overview";
import { tagChoices } from "@/lib/data/tags";
import { dec, sum } from "@/lib/money";
import { apiClient, seen } from "./api-client";
import { contractViolations } from "./api-contract";
import { ROW_RULES, type FocusRow } from "./focus-rules";
import { uniq, useTestDatabase } from "./db";

const TZ = "Asia/Shanghai";
const HOUR = 3_600_000;
const local = (day: string, time = "00:00:00") => `${day}T${time}+08:00`;

describe("tags and resource groups", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("tags");
  let api: ReturnType<typeof apiClient>;
  let financeApi: ReturnType<typeof apiClient>;
  const finance: () => Caller = () => ({ kind: "user", accountId: A, userId: "u-fin", role: "finance", email: "f@x.test", name: "Fin" });
  const at = (iso: string) => setSystemClock(fixedClock(iso));
  const jobs = (iso: string) => {
    at(iso);
    return runJobs(db(), { now: new Date(iso), accountIds: [A] });
  };
  const lines = () => db().select().from(billLines).where(eq(billLines.accountId, A)).orderBy(asc(billLines.id));
  const day = (n: number) => `2026-11-${String(n).padStart(2, "0")}`;

  beforeAll(async () => {
    at(local("2026-11-01"));
    await loadCatalog(db(), await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Tags", timeZone: TZ });
    await topUp(OPERATOR, { amount: "1000", at: new Date(local("2026-11-01")) }, A);
    api = apiClient((await createApiKey(OPERATOR, { accountId: A, name: "events", role: "admin" })).key);
    financeApi = apiClient((await createApiKey(OPERATOR, { accountId: A, name: "fin", role: "finance" })).key);

    const reg = async (body: Record<string, unknown>) => {
      const r = await api.post("/api/v1/instances", body);
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      return r.json;
    };
    const nat1 = await reg({ id: "nat-1", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat one", tags: { project: "atlas", env: "prod" }, resourceGroup: "platform" });
    expect(nat1.data).toMatchObject({ tags: { project: "atlas", env: "prod" }, resourceGroup: "platform" });
    await reg({ id: "nat-2", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat two" });

    // The tag changes at the very start of the 15th: the 15th's line is the new tag's.
    at(local("2026-11-15", "12:00:00"));
    const changed = await api.post("/api/v1/instances/nat-1/tags", { tags: { project: "borealis", env: "prod" }, at: local("2026-11-15") });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json.data).toMatchObject({ tags: { project: "borealis", env: "prod" }, resourceGroup: "platform" });
    // A subscription bought now carries the tags of its order's time.
    await reg({ id: "cre-1", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-hangzhou", billingMethod: "subscription", months: 1, name: "registry", tags: { project: "borealis" }, resourceGroup: "platform" });
    // Changed mid-day on the 18th, and out of its group: from the 19th's line on.
    at(local("2026-11-18", "12:00:00"));
    expect((await api.post("/api/v1/instances/nat-1/tags", { tags: { project: "comet" }, resourceGroup: null })).status).toBe(200);
    expect((await api.post("/api/v1/instances/cre-1/tags", { tags: { project: "comet" } })).status).toBe(200);

    // Two hours of each NAT gateway every day, 1–20 November local time.
    const records = [1, 2].flatMap((n) =>
      Array.from({ length: 20 }, (_, d) =>
        [1, 2].map((h) => {
          const start = Date.parse(local(day(d + 1))) + h * HOUR;
          return { id: `u-${n}-${d + 1}-${h}`, instanceId: `nat-${n}`, item: "instance", quantity: "1", start: new Date(start).toISOString(), end: new Date(start + HOUR).toISOString() };
        }),
      ).flat(),
    );
    at(local("2026-11-21"));
    const ingested = await api.post("/api/v1/usage", { records });
    expect(ingested.status, JSON.stringify(ingested.json)).toBe(200);
    await jobs(local("2026-11-21"));
  });
  afterAll(() => setSystemClock(realClock));

  it("splits the month at a tag change: lines carry the tags in force when their day starts", async () => {
    const nat1 = (await lines()).filter((l) => l.instanceId === "nat-1" && l.lineType === "usage");
    expect(nat1).toHaveLength(20);
    for (const l of nat1) {
      const d = Number(l.billDate.slice(8));
      const want =
        d < 15 ? { tags: { project: "atlas", env: "prod" }, resourceGroup: "platform" }
        : d <= 18 ? { tags: { project: "borealis", env: "prod" }, resourceGroup: "platform" }
        : { tags: { project: "comet" }, resourceGroup: null };
      expect({ day: l.billDate, tags: l.tags, resourceGroup: l.resourceGroup }).toEqual({ day: l.billDate, ...want });
    }
    // Never tagged: every line says so.
    const nat2 = (await lines()).filter((l) => l.instanceId === "nat-2");
    expect(nat2).toHaveLength(20);
    expect(nat2.every((l) => Object.keys(l.tags).length === 0 && l.resourceGroup === null)).toBe(true);
  });

  it("records a subscription line with the tags of its order's time, not later ones", async () => {
    const [order] = (await lines()).filter((l) => l.instanceId === "cre-1");
    expect(order).toMatchObject({ lineType: "subscription", tags: { project: "borealis" }, resourceGroup: "platform" });
  });

  it("re-rating gives the same lines: same ids, same tags, same amounts", async () => {
    const before = await lines();
    await jobs(local("2026-11-21"));
    expect(await lines()).toEqual(before);
    // Later, with more days rated, the split days are still as they were.
    await jobs(local("2026-11-22"));
    const after = new Map((await lines()).map((l) => [l.id, l]));
    for (const l of before) expect(after.get(l.id)?.tags, l.id).toEqual(l.tags);
  });

  it("keeps the history and shows the tags in force on the instance", async () => {
    const r = await api.get("/api/v1/instances/nat-1");
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ tags: { project: "comet" }, resourceGroup: null });
    expect(r.json.data.tagHistory).toEqual([
      { tags: { project: "atlas", env: "prod" }, resourceGroup: "platform", validFrom: "2026-10-31T16:00:00.000Z", validTo: "2026-11-14T16:00:00.000Z" },
      { tags: { project: "borealis", env: "prod" }, resourceGroup: "platform", validFrom: "2026-11-14T16:00:00.000Z", validTo: "2026-11-18T04:00:00.000Z" },
      { tags: { project: "comet" }, resourceGroup: null, validFrom: "2026-11-18T04:00:00.000Z", validTo: null },
    ]);
    const list = await api.get("/api/v1/instances");
    expect(list.json.data.find((i: { id: string }) => i.id === "nat-1")).toMatchObject({ tags: { project: "comet" }, resourceGroup: null });
  });

  it("refuses bad tag events with a 4xx and writes nothing", async () => {
    const count = async () => (await db().select().from(instanceTagAssignments).where(eq(instanceTagAssignments.accountId, A))).length;
    const n = await count();
    const cases: [unknown, number, RegExp][] = [
      [{ tags: { "billing-console/resource-group": "x" } }, 400, /reserved prefix/],
      [{ tags: { "": "x" } }, 400, /tags/],
      [{ tags: { ok: "x\u0000" } }, 400, /tags/],
      [{ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) }, 400, /at most 50/],
      [{ tags: {}, resourceGroup: "(none)" }, 400, /resourceGroup/],
      [{ tags: {}, at: local("2026-11-10") }, 400, /before the tags in force began/],
      [{ tags: {}, at: "2027-01-01T00:00:00Z" }, 400, /future/],
      [{ tags: {}, extra: 1 }, 400, /extra/],
      [{ tags: ["a"] }, 400, /tags/],
    ];
    for (const [body, status, message] of cases) {
      const r = await api.post("/api/v1/instances/nat-1/tags", body);
      expect({ body, status: r.status }).toEqual({ body, status });
      expect(r.json.error.message).toMatch(message);
    }
    expect((await api.post("/api/v1/instances/nope/tags", { tags: {} })).status).toBe(404);
    expect((await financeApi.post("/api/v1/instances/nat-1/tags", { tags: {} })).status).toBe(403);
    expect(await count()).toBe(n);
  });

  it("filters Billing Details by tag value, untagged and resource group", async () => {
    const get = async (qs: string) => {
      const r = await financeApi.get(`/api/v1/bill-lines?billingCycle=2026-11&limit=1000&${qs}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json;
    };
    const atlas = await get("tagKey=project&tagValue=atlas");
    expect(atlas.data.map((l: { billingDate: string }) => l.billingDate)).toEqual(Array.from({ length: 14 }, (_, i) => day(i + 1)));
    expect(atlas.data.every((l: { tags: object; instanceId: string }) => l.instanceId === "nat-1")).toBe(true);
    const untagged = await get("tagKey=project&tagValue=(untagged)");
    expect(new Set(untagged.data.map((l: { instanceId: string }) => l.instanceId))).toEqual(new Set(["nat-2"]));
    const noGroup = await get("resourceGroup=(none)");
    expect(noGroup.totalCount).toBe(20 + 2); // nat-2's days, and nat-1's 19th and 20th
    const either = await get("tagKey=project&tagValue=atlas&tagValue=comet");
    expect(either.totalCount).toBe(atlas.totalCount + (await get("tagKey=project&tagValue=comet")).totalCount);
    // A value with no key, or grouping by a tag with no key, is the caller's mistake.
    expect((await financeApi.get("/api/v1/bill-lines?billingCycle=2026-11&tagValue=atlas")).status).toBe(400);
    expect((await financeApi.get("/api/v1/bill-lines?billingCycle=2026-11&groupBy=tag")).status).toBe(400);
    expect((await financeApi.get("/api/v1/bill-lines?billingCycle=2026-11&tagKey=project&tagValue=a'b")).status).toBe(400);
  });

  it("filters Consumption by Bill: a pay-as-you-go bill sums its matching lines, an order shows by its line's tags", async () => {
    for (const value of ["atlas", "borealis", "(untagged)"]) {
      const qs = `billingCycle=2026-11&tagKey=project&tagValue=${encodeURIComponent(value)}`;
      const bills = await financeApi.get(`/api/v1/bills?${qs}`);
      expect(bills.status, JSON.stringify(bills.json)).toBe(200);
      const lines = await financeApi.get(`/api/v1/bill-lines?${qs}&limit=1000`);
      expect(bills.json.totals.pretaxAmount, value).toBe(lines.json.totals.pretaxAmount);
      const orders = bills.json.data.filter((b: { orderNo: string | null }) => b.orderNo !== null).map((b: { instanceId: string }) => b.instanceId);
      expect(orders, value).toEqual(value === "borealis" ? ["cre-1"] : []);
    }
    expect((await financeApi.get("/api/v1/bills?billingCycle=2026-11&tagValue=atlas")).status).toBe(400);
  });

  it("groups by tag value and by resource group: the groups, untagged included, add up to the view's total to the cent", async () => {
    const all = await financeApi.get("/api/v1/bill-lines?billingCycle=2026-11&limit=1000");
    const total = all.json.totals.pretaxAmount;
    for (const qs of ["groupBy=tag&tagKey=project&granularity=MONTHLY", "groupBy=tag&tagKey=env", "groupBy=resourceGroup&granularity=MONTHLY"]) {
      const r = await financeApi.get(`/api/v1/bill-lines?billingCycle=2026-11&limit=1000&${qs}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(sum(r.json.data.map((g: { pretaxAmount: string }) => g.pretaxAmount)).toFixed(2), qs).toBe(total);
      expect(r.json.totals.pretaxAmount).toBe(total);
    }
    const byProject = await financeApi.get("/api/v1/bill-lines?billingCycle=2026-11&limit=1000&groupBy=tag&tagKey=project&granularity=MONTHLY");
    expect(byProject.json.data.map((g: { tagValue: string | null }) => g.tagValue).sort()).toEqual(["atlas", "borealis", "comet", null].sort());
    // The untagged row is nat-2's cost.
    const untagged = byProject.json.data.find((g: { tagValue: string | null }) => g.tagValue === null);
    const nat2 = (await lines()).filter((l) => l.instanceId === "nat-2");
    expect(untagged.pretaxAmount).toBe(sum(nat2.map((l) => dec(l.pretaxAmount).toDecimalPlaces(2))).toFixed(2));

    for (const input of [{ dimension: "tag", tagKey: "project" }, { dimension: "resourceGroup" }]) {
      const s = await getSummary(finance(), { billingCycle: "2026-11", ...input });
      expect(sum(s.data.map((r) => r.pretaxAmount)).toFixed(2)).toBe(total);
      expect(s.data.some((r) => r.key === null)).toBe(true);
    }
    for (const input of [{ allocateBy: "tag", tagKey: "project" }, { allocateBy: "resourceGroup" }]) {
      const a = await getCostAllocation(finance(), { billingCycle: "2026-11", ...input });
      expect(a.total).toBe(total);
      expect(a.data.some((r) => r.key === null)).toBe(true);
    }
    // Overview: the filter narrows the top instances to the tagged cost.
    const o = await getOverview(finance(), undefined, { tagKey: "project", tagValue: "(untagged)" });
    expect(o.topInstances.map((i) => i.instanceId)).toEqual(["nat-2"]);
    expect(await tagChoices(finance(), "2026-11")).toEqual({
      keys: [{ key: "env", values: ["prod"] }, { key: "project", values: ["atlas", "borealis", "comet"] }],
      resourceGroups: ["platform"],
    });
  });

  it("exports tags and resource group as CSV columns and as FOCUS Tags with the provider prefix", async () => {
    const csv = await financeApi.get("/api/v1/bill-lines?billingCycle=2026-11&format=csv&columns=billingDate,instanceId,pretaxAmount,tags,resourceGroup&tagKey=project&tagValue=atlas&tagValue=(untagged)");
    expect(csv.status).toBe(200);
    const [header, ...rows] = parse(String(csv.json).replace(/^\uFEFF/, "")) as string[][];
    expect(header).toEqual(["Date", "Instance ID", "Pretax amount", "Tags", "Resource group"]);
    expect(rows.find((r) => r[0] === day(1) && r[1] === "nat-1")?.slice(3)).toEqual(['{"env": "prod", "project": "atlas"}', "platform"]);
    expect(rows.find((r) => r[0] === day(1) && r[1] === "nat-2")?.slice(3)).toEqual(["{}", ""]);

    const focus = await financeApi.get("/api/v1/bill-lines?billingCycle=2026-11&format=focus");
    expect(focus.status).toBe(200);
    const [columns, ...cells] = parse(String(focus.json).replace(/^\uFEFF/, "")) as string[][];
    expect(columns).toContain("Tags");
    const focusRows = cells.map((c) => Object.fromEntries(columns.map((n, i) => [n, c[i] === "" ? null : c[i]])) as FocusRow);
    for (const rule of ROW_RULES.filter((r) => r.source === "columns/tags.md"))
      for (const r of focusRows) expect(rule.check(r), rule.requirement).toBeNull();
    const tagsOf = (resource: string, chargeStart: string) => focusRows.find((r) => r.ResourceId === resource && r.ChargePeriodStart === chargeStart)?.Tags;
    expect(JSON.parse(tagsOf("nat-1", "2026-10-31T16:00:00Z")!)).toEqual({ project: "atlas", env: "prod", "billing-console/resource-group": "platform" });
    expect(JSON.parse(tagsOf("nat-1", "2026-11-19T16:00:00Z")!)).toEqual({ project: "comet" });
    expect(tagsOf("nat-2", "2026-10-31T16:00:00Z")).toBeNull();
  });

  it("answers every call with exactly the documented fields", () => {
    const { violations, checked } = contractViolations(seen);
    expect(violations).toEqual([]);
    expect(checked).toContain("POST setInstanceTags");
    expect(checked).toContain("GET getInstance");
  });
});
