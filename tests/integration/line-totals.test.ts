// The kept bill-line totals (lib/billing/line-totals.ts) equal a GROUP BY over
// the lines after every write the billing makes: rating and re-rating (lines
// upserted, stale ones deleted), settlement as lines fall due, top-ups paying
// outstanding lines, Cloud Phone day lines carrying their periods, late usage
// billed as adjustments, operator credits and debits. And a write that rolls
// back leaves lines and totals as they were; the migration's backfill builds
// the same totals from lines stored before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { eq, sql } from "drizzle-orm";
import { readFile } from "node:fs/promises";
import { query, type DbOrTx } from "@/db/client";
import { accounts, billLines, instances } from "@/db/schema";
import { POST } from "@/app/api/v1/usage/route";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { KEPT_TABLES, LINE_AMOUNT_COLUMNS, deferLineTotals, keepLineTotals, keyFromLine, preloadLineTotals } from "@/lib/billing/line-totals";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { listBillLines, NO_GROUP, UNTAGGED } from "@/lib/data/bill-lines";
import { getAccountSummary, getBill, listBills } from "@/lib/data/bills";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { adjustAccount } from "@/lib/data/operator-adjustments";
import { registerInstance } from "@/lib/data/resource-events";
import { topUp } from "@/lib/data/top-ups";
import { setInstanceTags, tagChoices } from "@/lib/data/tags";
import { getCostAllocation } from "@/lib/data/views/allocation";
import { getOverview } from "@/lib/data/views/overview";
import { getSummary } from "@/lib/data/views/summary";
import { toFixedString } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";
import { expectSpendEqualsLines } from "./spend-from-lines";

const DAY = 86_400_000;
/**
 * Histories per run (FC_RUNS explores more). Each one rates, settles and reads
 * every view twice: on the shared 2-core machine under load twelve took up to
 * 77 s, past the project's 60 s per test, so the property test has its own limit
 * (a guard against a hang, not a speed target).
 */
const RUNS = Number(process.env.FC_RUNS ?? 12);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : NaN;
const REPLAY = Number.isInteger(seed) ? { seed, ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) } : {};
const START = new Date("2026-01-01T00:00:00Z").getTime();

type Step =
  | { kind: "usage"; records: { instance: number; item: number; day: number; hour: number; units: number }[] }
  | { kind: "jobs"; days: number }
  | { kind: "topUp"; cents: number }
  | { kind: "adjust"; credit: boolean; cents: number }
  | { kind: "tags"; instance: number; team: number; group: number };

const lineOf = (accountId: string, id: string, amount: string): typeof billLines.$inferInsert => ({
  accountId, id, billingCycle: "2026-03", billDate: "2026-03-02", lineType: "usage", productId: "nat-gateway", productDetail: "NAT",
  instanceId: "nat-1", instanceName: "nat", regionId: "cn-hangzhou", billingMethod: "payg", billableItemId: "nat-gateway.instance",
  usageQuantity: "1", usageUnit: "hour", unitPrice: "0", priceUnit: "USD/hour", originalAmount: amount, pretaxAmount: amount,
  outstandingAmount: amount, currency: "USD", dueAt: new Date("2026-03-03T00:00:00Z"), ratedAt: new Date("2026-03-03T00:00:00Z"),
});

const METERED = [
  { id: "nat-1", items: ["instance"] },
  { id: "oss-1", items: ["storage", "internet-egress"] },
];

/**
 * Histories random seeds once failed on, run first every time: a region whose
 * only line was not yet due summed its overdue as "0" when the Summary scanned
 * the lines, "0.00" from the kept totals.
 */
const FOUND: [Step[], number][] = [
  [
    [
      { kind: "usage", records: [{ instance: 0, item: 0, day: 0, hour: 0, units: 1 }] },
      { kind: "adjust", credit: false, cents: 1 },
      { kind: "jobs", days: 0 },
      { kind: "usage", records: [{ instance: 0, item: 0, day: 32, hour: 0, units: 1 }] },
      { kind: "topUp", cents: 1 },
      { kind: "topUp", cents: 1 },
      { kind: "adjust", credit: false, cents: 1 },
    ],
    0,
  ],
];

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("usage" as const),
    records: fc.array(
      fc.record({ instance: fc.nat(1), item: fc.nat(1), day: fc.nat(40), hour: fc.nat(23), units: fc.integer({ min: 1, max: 900 }) }),
      { minLength: 1, maxLength: 12 },
    ),
  }),
  fc.record({ kind: fc.constant("jobs" as const), days: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant("topUp" as const), cents: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant("adjust" as const), credit: fc.boolean(), cents: fc.integer({ min: 1, max: 900 }) }),
  // 0: no such tag / no group.
  fc.record({ kind: fc.constant("tags" as const), instance: fc.nat(1), team: fc.nat(2), group: fc.nat(2) }),
);

describe("kept bill-line totals", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;

  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
  });
  afterAll(() => setSystemClock(realClock));

  /** Each kept table's rows, and what a GROUP BY over the account's lines gives, as text (scale included). */
  async function keptAndExpected(accountId: string, on: DbOrTx = db()) {
    const out: { table: string; kept: unknown[]; lines: unknown[] }[] = [];
    for (const [table, keys] of Object.entries(KEPT_TABLES)) {
      const keyText = keys.map((c) => `${c}::text AS ${c}`).join(", ");
      const order = keys.map((c) => `${c}::text COLLATE "C"`).join(", ");
      const kept = await query(
        on,
        sql.raw(`SELECT ${keyText}, line_count::text AS line_count, ${LINE_AMOUNT_COLUMNS.map((c) => `${c}::text AS ${c}`).join(", ")}
          FROM ${table} WHERE account_id = '${accountId}' ORDER BY ${order}`),
      );
      const fromLine = keys.map((c) => `${keyFromLine(c, "bl")}::text AS ${c}`).join(", ");
      const lines = await query(
        on,
        sql.raw(`SELECT * FROM (SELECT ${fromLine}, count(*)::text AS line_count, ${LINE_AMOUNT_COLUMNS.map((c) => `sum(round(${c}, 2))::text AS ${c}`).join(", ")}
          FROM bill_lines bl WHERE account_id = '${accountId}' GROUP BY ${keys.map((_, i) => i + 1).join(", ")}) g ORDER BY ${order}`),
      );
      out.push({ table, kept, lines });
    }
    return out;
  }
  async function expectKeptEqualsLines(accountId: string, after: string) {
    for (const { table, kept, lines } of await keptAndExpected(accountId)) expect(kept, `${table} after ${after}`).toEqual(lines);
  }

  /**
   * Every view that reads the kept totals answers exactly as when it sums the
   * lines: a filter on "without the tag never-set" (every line here) makes it scan them.
   */
  async function viewsAgree(A: string) {
    const caller: Caller = { kind: "user", accountId: A, userId: "u", role: "admin", email: "u@example.com", name: "U" };
    const scan = { tagKey: "never-set", tagValue: UNTAGGED };
    for (const cycle of ["2026-01", "2026-02"]) {
      const options: Record<string, string>[] = [
        {},
        { productId: "oss" },
        { billingMethod: "payg", regionId: "eu-central-1" },
        { billingDate: `${cycle}-02` },
        { groupBy: "instanceId", granularity: "MONTHLY" },
        { groupBy: "instanceId", granularity: "MONTHLY", sort: "pretaxAmount:desc", limit: "1" },
        { groupBy: "instanceId", granularity: "MONTHLY", sort: "instanceName:asc", limit: "2" },
        { statisticItem: "instance", granularity: "MONTHLY", limit: "1" },
        { groupBy: "productId" },
        { groupBy: "billableItemId", granularity: "MONTHLY", instanceId: "oss-1" },
        { statisticItem: "product", granularity: "MONTHLY" },
      ];
      for (const o of options) {
        const all = async (extra: object) => {
          const pages = [];
          let next: string | null = null;
          do {
            const page: Awaited<ReturnType<typeof listBillLines>> = await listBillLines(caller, { billingCycle: cycle, ...o, ...extra, ...(next ? { nextToken: next } : {}) });
            pages.push({ ...page, nextToken: page.nextToken === null });
            next = page.nextToken;
          } while (next);
          return pages;
        };
        expect(await all({}), JSON.stringify(o)).toEqual(await all(scan));
      }
      for (const dimension of ["productId", "regionId", "instanceId", "billingMethod", "productDetail"]) {
        expect((await getSummary(caller, { billingCycle: cycle, dimension })).data, dimension).toEqual((await getSummary(caller, { billingCycle: cycle, dimension, ...scan })).data);
      }
      // Cost allocation and the tag pickers read the kept tag totals: the same as grouping the lines.
      for (const input of [{}, { allocateBy: "tag", tagKey: "team" }, { tagKey: "team", tagValue: "t1" }, { resourceGroup: ["g1", NO_GROUP] }]) {
        const got = await getCostAllocation(caller, { billingCycle: cycle, ...input });
        const key = got.query.allocateBy === "tag" ? "(bl.tags ->> 'team')" : "bl.resource_group";
        const filter = "tagValue" in input ? "AND bl.tags ->> 'team' = 't1'" : "resourceGroup" in input ? "AND (bl.resource_group = 'g1' OR bl.resource_group IS NULL)" : "";
        const expected = await query<{ key: string | null; lineCount: number; amount: string }>(db(), sql.raw(
          `SELECT ${key} AS key, count(*)::int AS "lineCount", sum(round(pretax_amount, 2))::text AS amount FROM bill_lines bl
           WHERE account_id = '${A}' AND billing_cycle = '${cycle}' ${filter} GROUP BY 1 ORDER BY sum(round(pretax_amount, 2)) DESC, ${key} COLLATE "C" NULLS LAST`));
        expect(got.data, JSON.stringify(input)).toEqual(expected.map((r) => ({ key: r.key, lineCount: Number(r.lineCount), amount: toFixedString(r.amount) })));
      }
      const choices = await tagChoices(caller, cycle);
      const pairs = await query<{ key: string; value: string }>(db(), sql`SELECT t.key, t.value FROM bill_lines bl, jsonb_each_text(bl.tags) t
        WHERE bl.account_id = ${A} AND bl.billing_cycle = ${cycle} GROUP BY t.key, t.value ORDER BY t.key COLLATE "C", t.value COLLATE "C"`);
      expect(choices.keys.flatMap((k) => k.values.map((value) => ({ key: k.key, value })))).toEqual(pairs);
      const groups = await query<{ g: string }>(db(), sql`SELECT resource_group AS g FROM bill_lines
        WHERE account_id = ${A} AND billing_cycle = ${cycle} AND resource_group IS NOT NULL GROUP BY resource_group ORDER BY resource_group COLLATE "C"`);
      expect(choices.resourceGroups).toEqual(groups.map((r) => r.g));
      const bills = await listBills(caller, { billingCycle: cycle });
      expect(bills).toEqual(await listBills(caller, { billingCycle: cycle, ...scan }));
      for (const b of bills.data) expect(await getBill(caller, String(b.id))).toEqual(await getBill(caller, String(b.id), scan));
    }
    const overview = await getOverview(caller);
    expect({ ...overview, filters: null }).toEqual({ ...(await getOverview(caller, undefined, scan)), filters: null });
    // The account's outstanding from the kept totals is the lines' own.
    const [{ s }] = await query<{ s: string }>(db(), sql`select coalesce(sum(round(outstanding_amount, 2)), 0)::text as s from bill_lines where account_id = ${A}`);
    expect((await getAccountSummary(caller)).outstanding.billLines).toBe(toFixedString(s));
    // The forecast, budget spend, available credit and the shell's outstanding read the kept totals too
    // (tests/integration/kept-spend.test.ts covers more products and instants).
    const [account] = await db().select().from(accounts).where(eq(accounts.id, A));
    const at = (days: number) => new Date(START + days * DAY + 5 * 3_600_000);
    await expectSpendEqualsLines(db(), account, [at(9), at(33)], ["2026-01", "2026-02"], ["nat-gateway"]);
  }

  it("equal a GROUP BY over the lines after every rating, settlement, top-up, late usage and adjustment", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 8 }), fc.integer({ min: 0, max: 3000 }), async (steps, balanceCents) => {
        const A = uniq(`kept${run++}`);
        let now = START + DAY;
        setSystemClock(fixedClock(new Date(now)));
        await createAccount(OPERATOR, { id: A, name: "Kept", timeZone: "UTC" });
        if (balanceCents) await topUp(OPERATOR, { amount: (balanceCents / 100).toFixed(2), at: new Date(START) }, A);
        const key = (await createApiKey(OPERATOR, { accountId: A, name: "metering", role: "admin" })).key;
        await registerInstance(OPERATOR, { id: "nat-1", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat", createdAt: new Date(START).toISOString() }, A);
        await registerInstance(OPERATOR, { id: "oss-1", productId: "oss", regionId: "eu-central-1", billingMethod: "payg", name: "oss", createdAt: new Date(START).toISOString() }, A);
        // A Cloud Phone: its day lines carry the sums of 4-hour periods settled on their own.
        await db().insert(instances).values({
          accountId: A, id: "cp-1", productId: "cloud-phone", name: "cp", spec: "acp.std.small", regionId: "eu-central-1", instanceCount: 1,
          billingMethod: "payg", createdAt: new Date(START), billingAnchorAt: new Date(START), statusSince: new Date(START),
        });

        for (const [i, s] of steps.entries()) {
          if (s.kind === "usage") {
            const records = s.records.map((r, j) => {
              const inst = METERED[r.instance];
              const item = inst.items[r.item % inst.items.length];
              const start = Math.min(START + r.day * DAY + r.hour * 3_600_000, now - 3_600_000);
              const gb = (r.units % 50) + 1;
              const quantity = item === "instance" ? "1" : item === "storage" ? String(gb) : (r.units / 100).toFixed(2);
              const attributes = item === "storage" ? { layerDigest: `sha256:l${r.units % 7}`, bytes: gb * 1024 ** 3 } : undefined;
              return { id: `u${i}-${j}`, instanceId: inst.id, item, quantity, start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString(), attributes };
            });
            const res = await POST(
              new Request("http://x/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ records }) }),
              { params: Promise.resolve({}) },
            );
            expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
          } else if (s.kind === "jobs") {
            now += s.days * DAY + 3 * 3_600_000;
            setSystemClock(fixedClock(new Date(now)));
            await runJobs(db(), { now: new Date(now), accountIds: [A] });
          } else if (s.kind === "topUp") {
            await topUp(OPERATOR, { amount: (s.cents / 100).toFixed(2), at: new Date(now) }, A);
          } else if (s.kind === "tags") {
            // Lines rated from here on carry the new tags and group (a tag set may also be empty).
            const tags = s.team ? { team: `t${s.team}`, env: "prod" } : {};
            await setInstanceTags(OPERATOR, METERED[s.instance].id, { tags, resourceGroup: s.group ? `g${s.group}` : null }, A);
          } else {
            // A correction to January, once it has closed (none when January billed no NAT Gateway).
            now = Math.max(now, START + 32 * DAY);
            setSystemClock(fixedClock(new Date(now)));
            await adjustAccount(OPERATOR, A, { kind: s.credit ? "credit" : "debit", amount: (s.cents / 100).toFixed(2), billingCycle: "2026-01", productId: "nat-gateway", reason: "property" }).catch(
              (e: Error) => expect(e.message).toMatch(/has no bill/),
            );
          }
          await expectKeptEqualsLines(A, `step ${i}: ${JSON.stringify(s)}`);
        }
        await viewsAgree(A);
        // The run billed something: the property is not about empty tables.
        const [{ n }] = await query<{ n: number }>(db(), sql`select count(*)::int as n from bill_lines where account_id = ${A}`);
        if (steps.some((s) => s.kind === "jobs" && s.days > 0)) expect(n).toBeGreaterThan(0);
      }),
      // New histories every run: a failure prints its seed and path, FC_SEED=<seed> FC_PATH=<path> replays it.
      { numRuns: RUNS, ...REPLAY, examples: FOUND },
    );
  }, Math.max(300_000, RUNS * 25_000));

  it("the Summary's overdue of a group with no line due yet is 0.00, from the kept totals and from the lines", async () => {
    const A = uniq("keptod");
    setSystemClock(fixedClock("2026-03-02T12:00:00Z"));
    await createAccount(OPERATOR, { id: A, name: "Not due", timeZone: "UTC" });
    // Due tomorrow (lineOf), and one already due in another region.
    const lines = [lineOf(A, "later", "1.234"), { ...lineOf(A, "due", "2.005"), regionId: "eu-central-1", dueAt: new Date("2026-03-02T00:00:00Z") }];
    await keepLineTotals(db(), A, ["later", "due"], () => db().insert(billLines).values(lines));
    const caller: Caller = { kind: "user", accountId: A, userId: "u", role: "admin", email: "u@example.com", name: "U" };
    for (const scan of [{}, { tagKey: "never-set", tagValue: UNTAGGED }]) {
      const { data } = await getSummary(caller, { billingCycle: "2026-03", dimension: "regionId", ...scan });
      const amounts = Object.fromEntries(data.map((r) => [r.key, [r.outstandingAmount, r.overdueAmount]]));
      expect(amounts, JSON.stringify(scan)).toEqual({ "cn-hangzhou": ["1.23", "0.00"], "eu-central-1": ["2.01", "2.01"] });
    }
  });

  it("the migration's backfill builds the same totals from the lines already stored", async () => {
    const A = uniq("keptbf");
    await createAccount(OPERATOR, { id: A, name: "Backfill", timeZone: "UTC" });
    // Lines stored before the kept tables existed: written without keeping totals.
    await db().insert(billLines).values([
      { ...lineOf(A, "x", "0.005"), instanceName: "old name" },
      { ...lineOf(A, "y", "1.115"), tags: { team: "a" }, resourceGroup: "g1" },
      { ...lineOf(A, "z", "2.5"), billDate: "2026-03-09", productDetail: "NAT large", tags: { team: "a" }, resourceGroup: "g1" },
    ]);
    const migration = (
      await Promise.all(["0011_bill_line_totals", "0012_bill_line_tag_totals"].map((m) => readFile(new URL(`../../db/migrations/${m}.sql`, import.meta.url), "utf8")))
    ).join("--> statement-breakpoint");
    const backfill = migration.split("--> statement-breakpoint").filter((s) => /^\s*(--[^\n]*\n)*\s*INSERT INTO/i.test(s));
    expect(backfill).toHaveLength(3);
    await db().transaction(async (tx) => {
      // As the migration runs: empty tables, then its INSERT … SELECT over every account's lines.
      for (const table of Object.keys(KEPT_TABLES)) await tx.execute(sql.raw(`DELETE FROM ${table}`));
      for (const statement of backfill) await tx.execute(sql.raw(statement));
      const [{ n }] = await query<{ n: string }>(tx, sql`select sum(line_count)::text as n from bill_line_totals where account_id = ${A}`);
      expect(n).toBe("3");
      for (const { table, kept, lines } of await keptAndExpected(A, tx)) expect(kept, table).toEqual(lines);
      tx.rollback();
    }).catch((e: Error) => expect(e.message).toMatch(/rollback/i));
  });

  it("a deferral adds each line's change once when it ends: lines written twice, first touched late, deleted, preloaded", async () => {
    const A = uniq("keptdf");
    const B = uniq("keptdf");
    setSystemClock(fixedClock("2026-03-05T00:00:00Z"));
    for (const id of [A, B]) await createAccount(OPERATOR, { id, name: "Deferred", timeZone: "UTC" });
    await keepLineTotals(db(), A, ["a", "d"], () => db().insert(billLines).values([lineOf(A, "a", "1.234"), lineOf(A, "d", "0.5")]));
    const before = await keptAndExpected(A);
    await db().transaction(async (tx) => {
      await deferLineTotals(tx, A, async () => {
        // The preload reads the groups of "e" in the same round trip as nothing else here; "e" is written later.
        await preloadLineTotals(tx, A, ["e"]);
        await keepLineTotals(tx, A, ["b"], () => tx.insert(billLines).values(lineOf(A, "b", "2.005")));
        await keepLineTotals(tx, A, ["a", "b"], async () => {
          await tx.update(billLines).set({ outstandingAmount: "0", billDate: "2026-03-04" }).where(sql`account_id = ${A} and id = 'a'`);
          await tx.update(billLines).set({ pretaxAmount: "3.10", outstandingAmount: "3.10", productDetail: "NAT large" }).where(sql`account_id = ${A} and id = 'b'`);
        });
        // Nested: the outer deferral keeps these too.
        await deferLineTotals(tx, A, () => keepLineTotals(tx, A, ["d"], () => tx.delete(billLines).where(sql`account_id = ${A} and id = 'd'`)));
        await keepLineTotals(tx, A, ["e"], () => tx.insert(billLines).values({ ...lineOf(A, "e", "0.015"), tags: { team: "x" }, resourceGroup: "g" }));
        // Another account's lines are kept at once.
        await keepLineTotals(tx, B, ["f"], () => tx.insert(billLines).values(lineOf(B, "f", "4.00")));
        for (const { table, kept, lines } of await keptAndExpected(B, tx)) expect(kept, table).toEqual(lines);
        // Inside, the kept totals lag the lines.
        expect((await keptAndExpected(A, tx)).map((t) => t.kept)).toEqual(before.map((t) => t.kept));
      });
      for (const { table, kept, lines } of await keptAndExpected(A, tx)) expect(kept, table).toEqual(lines);
    });
    const after = await keptAndExpected(A);
    for (const { table, kept, lines } of after) expect(kept, table).toEqual(lines);
    const [{ n }] = await query<{ n: string }>(db(), sql`select sum(line_count)::text as n from bill_line_totals where account_id = ${A}`);
    expect(n).toBe("3");
  });

  it("a write that rolls back leaves the lines and the totals as they were", async () => {
    const A = uniq("keptrb");
    setSystemClock(fixedClock("2026-03-05T00:00:00Z"));
    await createAccount(OPERATOR, { id: A, name: "Rollback", timeZone: "UTC" });
    const line = (id: string, amount: string) => lineOf(A, id, amount);
    await keepLineTotals(db(), A, ["a"], () => db().insert(billLines).values(line("a", "1.234")));
    const before = await keptAndExpected(A);
    expect(before[0].kept).toHaveLength(1);

    await expect(
      db().transaction(async (tx) => {
        await keepLineTotals(tx, A, ["a", "b"], async () => {
          await tx.insert(billLines).values(line("b", "2.005"));
          await tx.update(billLines).set({ outstandingAmount: "0", billDate: "2026-03-04" }).where(sql`account_id = ${A} and id = 'a'`);
        });
        // Inside the transaction the totals moved with the lines …
        const [{ n }] = await query<{ n: string }>(tx, sql`select sum(line_count)::text as n from bill_line_totals where account_id = ${A}`);
        expect(n).toBe("2");
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");

    // … and the rollback took both back.
    expect(await keptAndExpected(A)).toEqual(before);
    expect(before[0].kept).toEqual(before[0].lines);
  });
});
