// The FOCUS export PostgreSQL writes (lib/data/views/focus-lines.ts) is byte
// for byte what the JavaScript mapping it replaced wrote (./focus-oracle.ts),
// on the conformance account's two months — in its own zone and in zones whose
// midnights are not UTC's, with filters, and with tags that test the JSON's
// key order and escaping — and its unit and tag cells equal the mapping's for
// any input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { eq, sql } from "drizzle-orm";
import { query } from "@/db/client";
import { accounts, billLines } from "@/db/schema";
import { catalogFromDb } from "@/lib/billing/catalog-db";
import { realClock, setSystemClock } from "@/lib/clock";
import type { Caller } from "@/lib/data/caller";
import { billLinesQuerySchema, queryInput } from "@/lib/data/bill-lines";
import { parseInput } from "@/lib/data/validate";
import { exportFocus } from "@/lib/data/views/exports";
import { focusTagsSql, focusUnitSql } from "@/lib/data/views/focus-lines";
import { BOM, csvHeader } from "@/lib/exports/csv";
import { FOCUS_COLUMNS } from "@/lib/exports/focus";
import { focusLinesSql, focusTags, focusUnit, oracleCsv, type FocusLineRow } from "./focus-oracle";
import { setUpFocusMonths } from "./focus-months";
import { uniq, useTestDatabase } from "./db";

describe("FOCUS export in SQL equals the JavaScript mapping it replaced", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  const A = uniq("focus-sql");
  const caller: Caller = { kind: "user", accountId: A, userId: "focus-sql", role: "admin", email: "focus@example.com", name: "Focus" };

  beforeAll(async () => {
    await setUpFocusMonths(t.handle(), A);
  });
  afterAll(() => setSystemClock(realClock));

  async function both(input: Record<string, unknown>): Promise<[string, string]> {
    // Decoded with its BOM kept: every byte counts.
    const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response((await exportFocus(caller, input)).body).arrayBuffer());
    const [account] = await db().select().from(accounts).where(eq(accounts.id, A));
    const q = parseInput(billLinesQuerySchema, queryInput(input));
    const rows = await query<FocusLineRow>(db(), focusLinesSql(A, [sql`bl.billing_cycle = ${q.billingCycle}`], q));
    const expected = BOM + csvHeader(FOCUS_COLUMNS.map((header) => ({ header }))) + oracleCsv(rows, account, await catalogFromDb(db()));
    return [body, expected];
  }

  it("writes every byte of both months as the mapping did: voucher credits, Cloud Phone periods and corrections included", async () => {
    let all = "";
    for (const cycle of ["2026-10", "2026-11"]) {
      const [actual, expected] = await both({ billingCycle: cycle });
      expect(actual.startsWith(BOM), cycle).toBe(true);
      expect(actual, cycle).toBe(expected);
      all += actual;
    }
    for (const kind of [",Credit,", ",Correction,", ",Purchase,", "Instance-Hours"]) expect(all).toContain(kind);
  });

  it("with filters", async () => {
    for (const input of [{ productId: ["cloud-phone"] }, { billingMethod: ["subscription"] }, { regionId: ["cn-hangzhou"], isHideZeroCharge: "true" }]) {
      const [actual, expected] = await both({ billingCycle: "2026-10", ...input });
      expect(actual, JSON.stringify(input)).toBe(expected);
    }
  });

  it("in zones whose midnights are not UTC's (daylight saving included, a midnight that happens twice too), and with tags whose JSON order and escaping matter", async () => {
    const some = sql`account_id = ${A} AND billing_cycle = '2026-10' AND instance_id IN ('nat-1', 'cp-1')`;
    await db().execute(sql`UPDATE bill_lines SET tags = ${JSON.stringify({ team: "web", "10": "ten", "2": "two", 'quo"te': "back\\slash\nnew", é: "漢" })}::jsonb, resource_group = 'prod' WHERE ${some}`);
    await db().update(billLines).set({ resourceGroup: "ops" }).where(sql`account_id = ${A} AND instance_id = 'oss-1'`);
    try {
      for (const zone of ["Asia/Shanghai", "America/New_York", "Asia/Kolkata", "America/Havana", "UTC"]) {
        await db().update(accounts).set({ timeZone: zone }).where(eq(accounts.id, A));
        for (const cycle of ["2026-10", "2026-11"]) {
          const [actual, expected] = await both({ billingCycle: cycle });
          expect(actual, `${zone} ${cycle}`).toBe(expected);
        }
      }
    } finally {
      await db().update(accounts).set({ timeZone: "UTC" }).where(eq(accounts.id, A));
    }
  });

  it("writes any unit as focusUnit does (property)", async () => {
    const part = fc.oneof(fc.constantFrom("GB", "gb", "Gb", "b", "B", "KiB", "MiB", "hour", "hours", "HOUR", "instance", "s", ""), fc.string({ unit: fc.constantFrom("a", "b", "s", "G", "i", "B", "x"), maxLength: 4 }));
    const unit = fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join("-"));
    await fc.assert(
      fc.asyncProperty(fc.array(unit, { minLength: 1, maxLength: 20 }), async (units) => {
        const rows = await query<{ u: string }>(
          db(),
          sql`SELECT ${sql.raw(focusUnitSql("e.j #>> '{}'"))} AS u FROM jsonb_array_elements(${JSON.stringify(units)}::jsonb) WITH ORDINALITY AS e(j, n) ORDER BY e.n`,
        );
        expect(rows.map((r) => r.u)).toEqual(units.map(focusUnit));
      }),
      { numRuns: 30 },
    );
  });

  it("writes any tags and resource group as focusTags does (property)", async () => {
    const key = fc.oneof(fc.constantFrom("0", "1", "2", "10", "007", "4294967294", "4294967295", "-1", "team", "a b", "é"), fc.string({ maxLength: 6 }).map((s) => s.replace(/\0/g, "")));
    const value = fc.string({ maxLength: 8 }).map((s) => s.replace(/\0/g, ""));
    const tags = fc.dictionary(key, value, { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(tags, fc.option(value)), { minLength: 1, maxLength: 10 }), async (cases) => {
        const rows = await query<{ t: string | null }>(
          db(),
          sql`SELECT ${sql.raw(focusTagsSql("(e.j->0)", "(e.j->>1)"))} AS t FROM jsonb_array_elements(${JSON.stringify(cases)}::jsonb) WITH ORDINALITY AS e(j, n) ORDER BY e.n`,
        );
        // The mapping read tags back from jsonb: its key order, not the literal's.
        const stored = await query<{ tags: Record<string, string> }>(
          db(),
          sql`SELECT e.j->0 AS tags FROM jsonb_array_elements(${JSON.stringify(cases)}::jsonb) WITH ORDINALITY AS e(j, n) ORDER BY e.n`,
        );
        expect(rows.map((r) => r.t)).toEqual(cases.map(([, group], i) => focusTags(stored[i].tags, group)));
      }),
      { numRuns: 30 },
    );
  });
});
