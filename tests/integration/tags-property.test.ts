// Property: whatever the lines, their tags and their groups, every cost
// allocation view's groups — the untagged / no-group one included — add up
// to the view's total to the cent, and that total is the cycle's (under the
// same filters). Lines are written straight into bill_lines (with their kept totals) with amounts of
// up to 6 decimals, so each view's rounding of lines is exercised.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { listBillLines } from "@/lib/data/bill-lines";
import { getSummary } from "@/lib/data/views/summary";
import { getCostAllocation } from "@/lib/data/views/allocation";
import { dec, sum } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";
import { deleteBillLines, insertBillLines } from "./lines";

const KEYS = ["project", "env", "team"] as const;
const VALUES = ["a", "b", "c d", "é"] as const;
const GROUPS = ["g1", "g2", "Prod group"] as const;

const lineArb = fc.record({
  day: fc.integer({ min: 1, max: 30 }),
  instance: fc.constantFrom("i-1", "i-2", "i-3", "i-4"),
  // Amounts with 6 decimals, negative ones (refunds, credits) too.
  micros: fc.integer({ min: -5_000_000, max: 50_000_000 }),
  tags: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 }),
  group: fc.option(fc.constantFrom(...GROUPS), { nil: null }),
});

type GeneratedLine = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

describe("cost allocation adds up (property)", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("tagprop");
  const caller: () => Caller = () => ({ kind: "user", accountId: A, userId: "u", role: "viewer", email: "v@x.test", name: "V" });

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-12-05T00:00:00Z"));
    await createAccount(OPERATOR, { id: A, name: "Property", timeZone: "UTC" });
  });
  afterAll(() => setSystemClock(realClock));

  async function write(lines: GeneratedLine[]) {
    await deleteBillLines(db(), A);
    if (!lines.length) return;
    await insertBillLines(
      db(),
      lines.map((l, i) => {
        const amount = dec(l.micros).div(1_000_000).toFixed(6);
        const day = `2026-11-${String(l.day).padStart(2, "0")}`;
        return {
          accountId: A, id: `l${i}`, billingCycle: "2026-11", billDate: day, lineType: "usage", productId: "nat-gateway", productDetail: "NAT",
          instanceId: l.instance, instanceName: l.instance, regionId: "cn-hangzhou", billingMethod: "payg" as const, billableItemId: "nat-gateway.instance",
          usageQuantity: "1", usageUnit: "hour", unitPrice: "0", priceUnit: "USD/hour", originalAmount: amount, pretaxAmount: amount,
          currency: "USD" as const, dueAt: new Date(`${day}T23:00:00Z`), ratedAt: new Date(), tags: { ...l.tags }, resourceGroup: l.group,
        };
      }),
    );
  }

  it("the groups of Billing Details, Summary and the Overview's allocation add up to the total, untagged never dropped", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { maxLength: 40 }),
        fc.constantFrom(...KEYS),
        fc.option(fc.subarray([...VALUES, "(untagged)"], { minLength: 1 }), { nil: undefined }),
        fc.option(fc.subarray([...GROUPS, "(none)"], { minLength: 1 }), { nil: undefined }),
        async (lines, key, values, groups) => {
          await write(lines);
          const filters = { billingCycle: "2026-11", ...(values ? { tagKey: key, tagValue: values } : {}), ...(groups ? { resourceGroup: groups } : {}) };
          // The expected total, from the generated lines alone: each line rounded once, half-up.
          const kept = lines.filter(
            (l) =>
              (!values || values.includes(l.tags[key] ?? "(untagged)")) && (!groups || groups.includes(l.group ?? "(none)")),
          );
          const expected = sum(kept.map((l) => dec(l.micros).div(1_000_000).toDecimalPlaces(2, 4))).toFixed(2);

          const plain = await listBillLines(caller(), { ...filters, limit: "1000" });
          expect(plain.totals.pretaxAmount).toBe(expected);
          for (const groupBy of [{ groupBy: "tag", tagKey: key }, { groupBy: "resourceGroup" }]) {
            for (const granularity of ["DAILY", "MONTHLY"]) {
              const g = await listBillLines(caller(), { ...filters, ...groupBy, granularity, limit: "1000" });
              expect(sum(g.data.map((r) => r.pretaxAmount)).toFixed(2)).toBe(expected);
              expect(g.data.reduce((n, r) => n + r.lineCount, 0)).toBe(kept.length);
            }
          }
          for (const dimension of [{ dimension: "tag", tagKey: key }, { dimension: "resourceGroup" }]) {
            const s = await getSummary(caller(), { ...filters, ...dimension });
            expect(sum(s.data.map((r) => r.pretaxAmount)).toFixed(2)).toBe(expected);
            // Untagged / no-group cost is a row of its own exactly when such lines exist.
            const missing = kept.some((l) => (dimension.dimension === "tag" ? l.tags[key] === undefined : l.group === null));
            expect(s.data.some((r) => r.key === null)).toBe(missing);
          }
          for (const allocateBy of [{ allocateBy: "tag", tagKey: key }, { allocateBy: "resourceGroup" }]) {
            const a = await getCostAllocation(caller(), { ...filters, ...allocateBy });
            expect(a.total).toBe(expected);
            expect(a.data.reduce((n, r) => n + r.lineCount, 0)).toBe(kept.length);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
