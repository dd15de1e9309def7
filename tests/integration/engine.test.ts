// Golden cases of the engine, worked by hand from the seeds' figures, run
// through the real jobs against the database; plus its invariants.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { and, asc, eq, sql } from "drizzle-orm";
import { accounts, billLinePeriods, billLines, instances, ledgerEntries, usageRecords, type Currency } from "@/db/schema";
import { insertUsageRows } from "@/db/seed/insert-usage";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { JobsFailedError, runJobs } from "@/lib/jobs/run";
import type { UsageRow } from "@/lib/billing/usage";
import { dec, sum } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

describe("billing engine", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;

  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
  });

  async function account(opts: { currency?: Currency; balance?: string; creditLimit?: string } = {}) {
    const id = uniq("eng");
    await db().insert(accounts).values({ id, name: id, currency: opts.currency ?? "USD", creditLimit: opts.creditLimit ?? "0" });
    if (opts.balance) {
      await db().insert(ledgerEntries).values({ accountId: id, id: `led_${id}`, entryType: "top_up", amount: opts.balance, currency: opts.currency ?? "USD", at: new Date("2020-01-01T00:00:00Z") });
    }
    return id;
  }

  async function instance(accountId: string, v: { id: string; productId: string; spec?: string; regionId: string; count?: number; createdAt: string; releasedAt?: string; billingMethod?: "payg" | "free" }) {
    const createdAt = new Date(v.createdAt);
    await db().insert(instances).values({
      accountId, id: v.id, productId: v.productId, name: v.id, spec: v.spec ?? null, regionId: v.regionId, instanceCount: v.count ?? 1,
      billingMethod: v.billingMethod ?? "payg", createdAt, billingAnchorAt: createdAt, statusSince: createdAt,
      releasedAt: v.releasedAt ? new Date(v.releasedAt) : null, status: v.releasedAt ? "released" : "active",
    });
  }

  const usage = (accountId: string, r: Omit<UsageRow, "accountId" | "startAt" | "endAt"> & { start: string; end: string }): UsageRow => ({
    accountId, id: r.id, instanceId: r.instanceId, itemId: r.itemId, quantity: r.quantity, attributes: r.attributes, startAt: new Date(r.start), endAt: new Date(r.end),
  });

  async function lines(accountId: string) {
    return db().select().from(billLines).where(eq(billLines.accountId, accountId)).orderBy(asc(billLines.id));
  }
  async function balance(accountId: string) {
    const [r] = await db().select({ s: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` }).from(ledgerEntries).where(eq(ledgerEntries.accountId, accountId));
    return dec(r.s);
  }

  it("Cloud Phone released mid-period: the release period is charged in full", async () => {
    const a = await account({ balance: "100" });
    // acp.std.large, Chinese mainland, 0.0808/hour × 5 instances; released 10 h 30 min after creation.
    await instance(a, { id: "cp", productId: "cloud-phone", spec: "acp.std.large", regionId: "cn-hangzhou", count: 5, createdAt: "2026-03-01T00:00:00Z", releasedAt: "2026-03-01T10:30:00Z" });
    await runJobs(db(), { now: new Date("2026-03-05T00:00:00Z"), accountIds: [a] });
    const ls = await lines(a);
    expect(ls).toHaveLength(1);
    // Three started periods (0–4, 4–8, 8–12 h): 3 × round(4 × 0.0808 × 5) = 3 × 1.62.
    expect(ls[0]).toMatchObject({ billDate: "2026-03-01", usageQuantity: "60.000000", unitPrice: "0.080800", pretaxAmount: "4.860000", paidFromBalance: "4.860000", outstandingAmount: "0.000000" });
    expect((await balance(a)).toFixed(2)).toBe("95.14");
  });

  it("a day line settled as a whole before its periods were recorded is never charged again through periods", async () => {
    const a = await account({ balance: "100" });
    await instance(a, { id: "cp", productId: "cloud-phone", spec: "acp.std.large", regionId: "cn-hangzhou", count: 5, createdAt: "2026-03-01T00:00:00Z" });
    await runJobs(db(), { now: new Date("2026-03-02T23:00:00Z"), accountIds: [a] });
    // As a database from before periods were recorded: 1 March's line settled, no periods behind it.
    const [first] = (await lines(a)).filter((l) => l.billDate === "2026-03-01");
    expect(first.settledAt).not.toBeNull();
    await db().delete(billLinePeriods).where(and(eq(billLinePeriods.accountId, a), eq(billLinePeriods.lineId, first.id)));
    const before = await balance(a);
    await runJobs(db(), { now: new Date("2026-03-02T23:00:00Z"), accountIds: [a] });
    expect((await balance(a)).toFixed(2)).toBe(before.toFixed(2));
    expect(await db().select().from(billLinePeriods).where(and(eq(billLinePeriods.accountId, a), eq(billLinePeriods.lineId, first.id)))).toEqual([]);
    // Five periods of 1.62 fall due on 1 March (04:00 … 20:00), six on 2 March by 23:00 (00:00 … 20:00).
    expect((await balance(a)).toFixed(2)).toBe(dec(100).minus(dec("1.62").times(11)).toFixed(2));
  });

  it("one account that cannot be rated does not stop the others' jobs, and writes nothing itself", async () => {
    const good = await account({ balance: "100" });
    const bad = await account({ balance: "100" });
    await instance(good, { id: "cp", productId: "cloud-phone", spec: "acp.std.large", regionId: "cn-hangzhou", count: 5, createdAt: "2026-03-01T00:00:00Z", releasedAt: "2026-03-01T10:30:00Z" });
    await instance(bad, { id: "cp", productId: "cloud-phone", regionId: "cn-hangzhou", createdAt: "2026-03-01T00:00:00Z" }); // no spec: no price
    const logged: string[] = [];
    const run = runJobs(db(), { now: new Date("2026-03-05T00:00:00Z"), accountIds: [bad, good].sort(), log: (s) => logged.push(s) });
    const err = await run.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(JobsFailedError);
    expect((err as JobsFailedError).failures.map((f) => f.accountId)).toEqual([bad]);
    expect((err as JobsFailedError).results.map((r) => r.accountId)).toEqual([good]);
    expect((err as Error).message).toContain(`${bad}: No USD payg price`);
    expect(logged.some((l) => l.includes(`${bad}: FAILED, nothing written`))).toBe(true);
    expect((await lines(good)).map((l) => l.pretaxAmount)).toEqual(["4.860000"]);
    expect(await lines(bad)).toHaveLength(0);
    const [b] = await db().select().from(accounts).where(eq(accounts.id, bad));
    expect(b.jobsRunUntil).toBeNull();
    // Alone, the account's own error is thrown as it is.
    await expect(runJobs(db(), { now: new Date("2026-03-05T00:00:00Z"), accountIds: [bad] })).rejects.toThrow(/No USD payg price/);
  });

  it("accounts run several at a time bill each exactly as one at a time, results in account order", async () => {
    const ids = (await Promise.all(Array.from({ length: 6 }, () => account({ balance: "100" })))).sort();
    const [bad, ...good] = ids;
    for (const [i, a] of good.entries())
      await instance(a, { id: "cp", productId: "cloud-phone", spec: "acp.std.large", regionId: "cn-hangzhou", count: i + 1, createdAt: "2026-03-01T00:00:00Z", releasedAt: "2026-03-01T10:30:00Z" });
    await instance(bad, { id: "cp", productId: "cloud-phone", regionId: "cn-hangzhou", createdAt: "2026-03-01T00:00:00Z" }); // no price
    const logged: string[] = [];
    const err = await runJobs(db(), { now: new Date("2026-03-05T00:00:00Z"), accountIds: ids, concurrency: 3, log: (s) => logged.push(s) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as JobsFailedError).failures.map((f) => f.accountId)).toEqual([bad]);
    expect((err as JobsFailedError).results.map((r) => r.accountId)).toEqual(good);
    expect(logged.map((l) => l.match(/^\[(\d+)\//)?.[1]).sort((x, y) => Number(x) - Number(y))).toEqual(["1", "2", "3", "4", "5", "6"]);
    // Three started periods of round(4 × 0.0808 × n) each, as in the one-account case.
    for (const [i, a] of good.entries())
      expect((await lines(a)).map((l) => l.pretaxAmount)).toEqual([dec("0.0808").times(4 * (i + 1)).toDecimalPlaces(2).times(3).toFixed(6)]);
    expect(await lines(bad)).toHaveLength(0);
  });

  it("Cloud Phone stops at the instant the account goes overdue, charged to the second", async () => {
    // No money: the first period to fall due (02:00–06:00) makes the account overdue at its due instant.
    const a = await account();
    await instance(a, { id: "cp", productId: "cloud-phone", spec: "acp.std.large", regionId: "cn-hangzhou", count: 5, createdAt: "2026-03-01T02:00:00Z" });
    await runJobs(db(), { now: new Date("2026-03-04T00:00:00Z"), accountIds: [a] });
    const [acc] = await db().select().from(accounts).where(eq(accounts.id, a));
    expect(acc.overdueSince?.toISOString()).toBe("2026-03-01T06:00:00.000Z");
    const [phone] = await db().select().from(instances).where(and(eq(instances.accountId, a), eq(instances.id, "cp")));
    expect(phone).toMatchObject({ status: "overdue" });
    expect(phone.statusSince.toISOString()).toBe("2026-03-01T06:00:00.000Z");
    const ls = await lines(a);
    // 1 March: the one period 02:00–06:00 → 4 h × 0.0808 × 5 = 1.616 → 1.62, outstanding; nothing after.
    expect(ls.map((l) => [l.billDate, l.pretaxAmount, l.outstandingAmount])).toEqual([["2026-03-01", "1.620000", "1.620000"]]);
    expect(ls[0].usageQuantity).toBe("20.000000"); // 4 h × 5 instances
  });

  it("storage: the seed's 15 GB for 11 h 30 min in a 30-day month = price × 15 × 12 / 24 / 30", async () => {
    const a = await account({ currency: "RUB", balance: "100" });
    await instance(a, { id: "reg", productId: "registry-storage", regionId: "eu-central-1", createdAt: "2026-04-01T00:00:00Z" });
    const bytes = 15 * 1024 ** 3;
    await insertUsageRows(db(), [usage(a, { id: "s1", instanceId: "reg", itemId: "registry-storage.storage", quantity: "15", attributes: { layerDigest: "sha256:aaa", bytes }, start: "2026-04-10T00:00:00Z", end: "2026-04-10T11:30:00Z" })]);
    await runJobs(db(), { now: new Date("2026-04-12T00:00:00Z"), accountIds: [a] });
    const ls = await lines(a);
    expect(ls).toHaveLength(1);
    // RUB price 1.8 per GB-month (USD default 0.02 × 90): 1.8 × 15 × 12 / 24 / 30 = 0.45.
    expect(ls[0]).toMatchObject({ billDate: "2026-04-10", unitPrice: "1.800000", pretaxAmount: "0.450000" });
  });

  it("a layer shared by two images is billed once", async () => {
    const a = await account({ currency: "RUB", balance: "100" });
    await instance(a, { id: "reg", productId: "registry-storage", regionId: "eu-central-1", createdAt: "2026-04-01T00:00:00Z" });
    const bytes = 15 * 1024 ** 3;
    const layer = { layerDigest: "sha256:shared", bytes };
    await insertUsageRows(db(), [
      usage(a, { id: "api", instanceId: "reg", itemId: "registry-storage.storage", quantity: "15", attributes: { ...layer, image: "api" }, start: "2026-04-10T00:00:00Z", end: "2026-04-10T11:30:00Z" }),
      usage(a, { id: "worker", instanceId: "reg", itemId: "registry-storage.storage", quantity: "15", attributes: { ...layer, image: "worker" }, start: "2026-04-10T00:00:00Z", end: "2026-04-10T11:30:00Z" }),
    ]);
    await runJobs(db(), { now: new Date("2026-04-12T00:00:00Z"), accountIds: [a] });
    expect((await lines(a)).map((l) => l.pretaxAmount)).toEqual(["0.450000"]);
  });

  it("scanner: free before 2023-04-24, paid from then; VPC traffic at zero", async () => {
    const a = await account({ balance: "100" });
    await instance(a, { id: "reg", productId: "registry-storage", regionId: "eu-central-1", createdAt: "2023-04-01T00:00:00Z" });
    await instance(a, { id: "bucket", productId: "oss", regionId: "eu-central-1", createdAt: "2023-04-01T00:00:00Z" });
    await insertUsageRows(db(), [
      usage(a, { id: "scan-before", instanceId: "reg", itemId: "registry-storage.scanner", quantity: "1", attributes: null, start: "2023-04-23T23:59:59Z", end: "2023-04-23T23:59:59Z" }),
      usage(a, { id: "scan-after", instanceId: "reg", itemId: "registry-storage.scanner", quantity: "1", attributes: null, start: "2023-04-24T00:00:00Z", end: "2023-04-24T00:00:00Z" }),
      usage(a, { id: "vpc", instanceId: "bucket", itemId: "oss.vpc-egress", quantity: "250", attributes: { network: "vpc" }, start: "2023-04-24T00:00:00Z", end: "2023-04-24T06:00:00Z" }),
      usage(a, { id: "net", instanceId: "bucket", itemId: "oss.internet-egress", quantity: "10", attributes: { network: "internet" }, start: "2023-04-24T00:00:00Z", end: "2023-04-24T06:00:00Z" }),
    ]);
    await runJobs(db(), { now: new Date("2023-04-26T00:00:00Z"), accountIds: [a] });
    const byItem = Object.fromEntries((await lines(a)).map((l) => [`${l.billableItemId}@${l.billDate}`, l.pretaxAmount]));
    expect(byItem).toEqual({
      "registry-storage.scanner@2023-04-23": "0.000000",
      "registry-storage.scanner@2023-04-24": "0.150000", // default 0.15 per scan
      "oss.vpc-egress@2023-04-24": "0.000000",
      "oss.internet-egress@2023-04-24": "0.800000", // 10 GB × 0.08
    });
  });

  it("free products appear as zero lines", async () => {
    const a = await account();
    await instance(a, { id: "personal", productId: "container-registry-personal", regionId: "cn-hangzhou", createdAt: "2026-05-01T00:00:00Z", billingMethod: "free" });
    await runJobs(db(), { now: new Date("2026-05-04T00:00:00Z"), accountIds: [a] });
    const ls = await lines(a);
    expect(ls.map((l) => l.billDate)).toEqual(["2026-05-01", "2026-05-02", "2026-05-03"]);
    expect(ls.every((l) => l.pretaxAmount === "0.000000" && l.billingMethod === "free")).toBe(true);
  });

  describe("invariants", () => {
    const gen = fc.array(
      fc.record({ bucket: fc.constantFrom("b1", "b2"), day: fc.integer({ min: 1, max: 20 }), hour: fc.integer({ min: 0, max: 22 }), gb: fc.integer({ min: 0, max: 50_000 }), vpc: fc.boolean() }),
      { minLength: 1, maxLength: 25 },
    );

    async function scenario(records: { bucket: string; day: number; hour: number; gb: number; vpc: boolean }[], order: number[]) {
      const a = await account({ balance: "3", creditLimit: "1" });
      for (const b of ["b1", "b2"]) await instance(a, { id: b, productId: "oss", regionId: "eu-central-1", createdAt: "2026-06-01T00:00:00Z" });
      const rows = records.map((r, i) => {
        const start = new Date(Date.UTC(2026, 5, r.day, r.hour));
        return usage(a, { id: `r${i}`, instanceId: r.bucket, itemId: r.vpc ? "oss.vpc-egress" : "oss.internet-egress", quantity: dec(r.gb).div(1000).toFixed(3), attributes: { network: r.vpc ? "vpc" : "internet" }, start: start.toISOString(), end: new Date(start.getTime() + 3600_000).toISOString() });
      });
      // Ingest in the given order, in two halves with a job run between them.
      const shuffled = order.map((i) => rows[i % rows.length]);
      await insertUsageRows(db(), shuffled.slice(0, Math.ceil(shuffled.length / 2)));
      await runJobs(db(), { now: new Date("2026-06-10T00:00:00Z"), accountIds: [a] });
      await insertUsageRows(db(), [...shuffled, ...rows]);
      await runJobs(db(), { now: new Date("2026-06-25T00:00:00Z"), accountIds: [a] });
      return a;
    }

    it("shuffled ingest gives identical lines; re-running changes nothing; totals and balance reconcile", async () => {
      await fc.assert(
        fc.asyncProperty(gen, fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), async (records, order) => {
          const inOrder = await scenario(records, records.map((_, i) => i));
          const shuffled = await scenario(records, order);
          const strip = (ls: Awaited<ReturnType<typeof lines>>) => ls.map((l) => ({ ...l, accountId: undefined, ratedAt: undefined }));
          const first = await lines(inOrder);
          // Only records present in both runs' inputs differ when `order` skipped some before the first run;
          // after the second ingest both hold every record, so the lines of settled days may differ only if
          // a record arrived after its day was settled. Compare the cycle totals, which must always agree.
          const second = await lines(shuffled);
          expect(sum(first.map((l) => l.pretaxAmount)).toFixed(2)).toBe(sum(second.map((l) => l.pretaxAmount)).toFixed(2));

          // Re-running the jobs with the same instant changes nothing.
          await runJobs(db(), { now: new Date("2026-06-25T00:00:00Z"), accountIds: [inOrder] });
          expect(strip(await lines(inOrder))).toEqual(strip(first));

          for (const a of [inOrder, shuffled]) {
            const ls = await lines(a);
            // Every line's deductions add up to its pretax amount, to the cent.
            for (const l of ls) {
              const parts = sum([l.deductedByResourcePlan, l.deductedByCoupons, l.deductedByVouchers, l.paidFromBalance, l.outstandingAmount]);
              if (l.settledAt) expect(parts.toFixed(2)).toBe(dec(l.pretaxAmount).toFixed(2));
              expect(dec(l.pretaxAmount).decimalPlaces()).toBeLessThanOrEqual(2);
            }
            // The balance is the ledger sum: the top-up less what lines paid from it.
            const paid = sum(ls.map((l) => l.paidFromBalance));
            expect((await balance(a)).toFixed(2)).toBe(dec(3).minus(paid).toFixed(2));
            expect((await balance(a)).gte(0)).toBe(true);
          }
          const [{ n }] = await db().select({ n: sql<number>`count(*)::int` }).from(usageRecords).where(eq(usageRecords.accountId, inOrder));
          expect(n).toBe(records.length); // re-ingesting stored nothing twice
        }),
        { numRuns: 4 },
      );
    });
  });
});
